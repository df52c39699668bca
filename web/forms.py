"""Form fields for the service's pages, in GOV.UK Design System style.

Forms only read and check what a person typed: the rules (deadlines, states, who may) are in the
services the views call, whose ValidationErrors come back to the same fields.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from incidents.workflow import today
from organisations.serializers import LATEST_YEARS_AHEAD, TEXT_MAX_LENGTH

SHORT_TEXT_MAX_LENGTH = 200
# The oldest date any page accepts: a child's date of birth from an old historical case.
EARLIEST_DATE = datetime.date(1982, 1, 1)


class GovDateWidget(forms.Widget):
    """GOV.UK date input: day, month and year boxes named `<name>-day`, `<name>-month`, `<name>-year`."""

    PARTS = ("day", "month", "year")

    def value_from_datadict(self, data, files, name):
        return {part: (data.get(f"{name}-{part}") or "").strip()[:10] for part in self.PARTS}

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}-{part}" in data for part in self.PARTS)

    @staticmethod
    def parts(value):
        if isinstance(value, datetime.date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        return {}


class GovDateField(forms.Field):
    """A date typed as day, month and year, with the Design System's error messages."""

    widget = GovDateWidget

    def __init__(self, *, earliest=EARLIEST_DATE, not_future=True, **kwargs):
        self.earliest = earliest
        self.not_future = not_future
        self.bad_parts = ()
        super().__init__(**kwargs)

    def _name(self):
        return str(self.label or "The date")

    def to_python(self, value):
        self.bad_parts = ()
        if isinstance(value, datetime.date) or value in (None, ""):
            return value or None
        if not any(value.values()):
            return None
        label = self._name()
        missing = [part for part in GovDateWidget.PARTS if not value.get(part)]
        if missing:
            self.bad_parts = tuple(missing)
            raise ValidationError(f"{label} must include a {' and '.join(missing)}")
        try:
            day, month, year = (int(value[part]) for part in GovDateWidget.PARTS)
            if year < 1000:
                self.bad_parts = ("year",)
                raise ValidationError("Year must include 4 numbers")
            return datetime.date(year, month, day)
        except (ValueError, OverflowError):
            raise ValidationError(f"{label} must be a real date") from None

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        on = today()
        if self.not_future and value > on:
            raise ValidationError(f"{self._name()} must be today or in the past")
        if value < self.earliest:
            raise ValidationError(f"{self._name()} must be after {self.earliest:%-d %B %Y}")
        if value.year > on.year + LATEST_YEARS_AHEAD:
            raise ValidationError(f"{self._name()} must be within {LATEST_YEARS_AHEAD} years")


def text_field(label, *, required=True, long=False, max_length=None, help_text="", error=None, rows=5):
    """A text box with a maximum: short for names and titles, long (a textarea) for reasons and outlines."""
    max_length = max_length or (TEXT_MAX_LENGTH if long else SHORT_TEXT_MAX_LENGTH)
    widget = forms.Textarea(attrs={"rows": rows}) if long else forms.TextInput
    messages = {"max_length": f"{label} must be {max_length:,} characters or fewer"}
    if error:
        messages["required"] = error
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=widget,
        help_text=help_text,
        error_messages=messages,
        strip=True,
    )


def age_field(label, *, help_text=""):
    """A child's age in whole years at the incident: 0 to 17 (a child is under 18)."""
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=17,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        error_messages={
            "invalid": "Age must be a whole number of years, like 4",
            "min_value": "Age must be 0 or more",
            "max_value": "Age must be 17 or less: a child is under 18",
        },
    )


def filter_select(label, *, choices, any_label="Any", error):
    """A list's optional filter: a select whose empty choice means any."""
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", any_label), *choices],
        widget=forms.Select,
        error_messages={"invalid_choice": error},
    )


def radio_field(label, *, choices, error, required=True, help_text=""):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        help_text=help_text,
        error_messages={"required": error, "invalid_choice": error},
    )


class GovForm(forms.Form):
    """A page's form: Django's field checks with the Design System's wording, and a service's errors."""

    def errors_from(self, error):
        """Put a service's ValidationError on this form's fields (or above them)."""
        messages = getattr(error, "message_dict", None) or {None: error.messages}
        for name, texts in messages.items():
            target = name if name in self.fields else None
            for text in texts if isinstance(texts, list) else [texts]:
                self.add_error(target, text if target or name in (None, "__all__") else f"{text}")
        return self
