"""Pages for signing in and out, and for two-factor authentication: setting up an authenticator app, giving
a code at sign-in, and recovery codes. Who must use a second factor is organisations.rules.needs_second_factor;
organisations.middleware keeps them to these pages until they have given one."""

import base64

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .forms import AuthenticatorCodeForm, SecondFactorForm, SignInForm
from .middleware import second_factor_url
from .rules import has_second_factor, must_use_second_factor, needs_second_factor
from .selectors import recovery_codes_left
from .services import (
    RECOVERY_CODE_COUNT,
    authenticator_confirm,
    authenticator_start,
    recovery_codes_replace,
    second_factor_check,
)

WRONG_CODE = "The code is not right. Check the code in your authenticator app and try again"
WRONG_SIGN_IN_CODE = "The code is not right. Enter the code your authenticator app shows now, or a recovery code"


class SignInView(auth_views.LoginView):
    template_name = "organisations/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_success_url(self):
        url = super().get_success_url()
        if needs_second_factor(self.request.user):
            return second_factor_url(self.request.user, url)
        return url


class SignOutView(auth_views.LogoutView):
    pass


def sign_in_email(request, credentials):
    """The email address a sign-in attempt counts against (django-axes' AXES_USERNAME_CALLABLE): in any case
    and with any spaces it is one address, as it is one account, so retyping it differently gains nothing."""
    value = (credentials or {}).get("username")
    if value is None:
        value = request.POST.get("username")
    return value.strip().lower() if isinstance(value, str) else None


def locked_out(request, original_response=None, credentials=None):
    """The page for an email address with too many wrong passwords (django-axes' AXES_LOCKOUT_CALLABLE).

    It reads the same whether or not the address has an account, so it tells a stranger nothing.
    """
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    wait = f"{minutes // 60} hour{'s' if minutes // 60 != 1 else ''}" if minutes % 60 == 0 else f"{minutes} minutes"
    context = {"wait": wait, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "organisations/locked_out.html", context, status=429)


def _next_url(request):
    """Where to go once the second factor is given: the page asked for, if it is one of the service's own."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("home")


def _refusal(form, check):
    """Put why a code was refused on the form, and the status to answer with: 429 while codes are throttled."""
    if check.wait_until is not None:
        form.add_error(
            "code",
            f"Too many wrong codes. Wait until {timezone.localtime(check.wait_until):%H:%M:%S} and try again",
        )
        return 429
    return None


@never_cache
@login_required
def two_factor_verify(request):
    """Give a code from the authenticator app (or a recovery code) to finish signing in."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not has_second_factor(user):
        return redirect(second_factor_url(user, next_url) if must_use_second_factor(user) else next_url)
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            check = second_factor_check(user=user, code=form.cleaned_data["code"])
            if check.device is not None:
                django_otp.login(request, check.device)
                if check.recovery_codes_left is not None:
                    messages.success(
                        request,
                        f"You used a recovery code. You have {check.recovery_codes_left} left: "
                        "get new ones on the two-factor authentication page.",
                    )
                return redirect(next_url)
            status = _refusal(form, check) or status
            if not form.errors:
                form.add_error("code", WRONG_SIGN_IN_CODE)
    return render(request, "organisations/two_factor_verify.html", {"form": form, "next": next_url}, status=status)


def _key_in_groups(device):
    """The app's secret as a person types it into an app that cannot scan: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode("ascii")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@never_cache
@login_required
def two_factor_set_up(request):
    """Set up an authenticator app: scan the QR code (or type the key), then confirm with a code from the app."""
    user = request.user
    next_url = _next_url(request)
    if has_second_factor(user) and not user.is_verified():
        # Replacing an app needs a code from the current one first: the password alone is not enough.
        return redirect(second_factor_url(user, next_url))
    device = authenticator_start(user=user)
    form = AuthenticatorCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            check, codes = authenticator_confirm(user=user, code=form.cleaned_data["code"])
            if check.device is not None:
                django_otp.login(request, check.device)
                return _recovery_codes_page(request, codes, next_url, first_time=True)
            status = _refusal(form, check) or status
            if not form.errors:
                form.add_error("code", WRONG_CODE)
    qr_code = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4, light="#fff")
    context = {
        "form": form,
        "next": next_url,
        "qr_code": qr_code,
        "key": _key_in_groups(device),
        "replacing": has_second_factor(user),
        "required": must_use_second_factor(user),
    }
    return render(request, "organisations/two_factor_set_up.html", context, status=status)


def _recovery_codes_page(request, codes, next_url, first_time=False):
    context = {"codes": codes, "next": next_url, "first_time": first_time}
    return render(request, "organisations/two_factor_recovery_codes.html", context)


@never_cache
@login_required
def two_factor(request):
    """A person's two-factor authentication: whether it is set up, and their recovery codes."""
    user = request.user
    context = {
        "set_up": has_second_factor(user),
        "required": must_use_second_factor(user),
        "codes_left": recovery_codes_left(user=user),
        "code_count": RECOVERY_CODE_COUNT,
    }
    return render(request, "organisations/two_factor.html", context)


@never_cache
@login_required
@require_POST
def two_factor_recovery_codes(request):
    """New recovery codes, shown once; the old ones stop working. Only with an app set up (and given)."""
    if not has_second_factor(request.user):
        return redirect("two-factor-set-up")
    codes = recovery_codes_replace(user=request.user)
    return _recovery_codes_page(request, codes, reverse("two-factor"))
