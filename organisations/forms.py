"""The sign-in forms (password, then a code for those who need a second factor), with the GOV.UK Design
System's wording."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account cannot sign in. Ask your administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].max_length = 254
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email"})
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
        self.fields["password"].error_messages["required"] = "Enter your password"


class AuthenticatorCodeForm(forms.Form):
    """The 6-digit code an authenticator app shows, when setting the app up."""

    code = forms.RegexField(
        label="Code from your authenticator app",
        regex=r"^\s*\d{3}[\s-]?\d{3}\s*$",
        max_length=20,
        help_text="The 6-digit code the app shows for this service",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-10"}
        ),
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "invalid": "The code must be 6 digits, like 123456",
            "max_length": "The code must be 6 digits, like 123456",
        },
    )


class SecondFactorForm(forms.Form):
    """A code at sign-in: 6 digits from the authenticator app, or one of the recovery codes."""

    code = forms.RegexField(
        label="Code",
        # 6 digits, or a recovery code: 8 letters and digits (spaces and hyphens allowed between them).
        regex=r"^[\s-]*(\d[\s-]*){6}$|^[\s-]*([A-Za-z2-7][\s-]*){8}$",
        max_length=30,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "class": "govuk-input--width-10"}),
        error_messages={
            "required": "Enter the code from your authenticator app, or a recovery code",
            "invalid": "Enter the 6-digit code from your authenticator app, or an 8-character recovery code",
            "max_length": "Enter the 6-digit code from your authenticator app, or an 8-character recovery code",
        },
    )
