"""The search page's form: words to find in rapid reviews, and filters on the cases. It only reads them."""

from django import forms

from incidents.codes import ALL_CAUSES, PracticeTheme, Reason
from incidents.models import Incident
from organisations.models import LocalAuthority, Partnership, Region
from reviews.selectors import SearchOrder

from .forms import GovDateField, GovForm, text_field

ANY = [("", "Any")]
WORDS_MAX_LENGTH = 200


def _choice(label, choices, error):
    return forms.ChoiceField(
        label=label, required=False, choices=ANY + list(choices), error_messages={"invalid_choice": error}
    )


def _organisation(label, queryset, error):
    return forms.ModelChoiceField(
        label=label,
        required=False,
        queryset=queryset,
        empty_label="Any",
        error_messages={"invalid_choice": error},
    )


class SearchForm(GovForm):
    words = text_field(
        "Words or phrase",
        required=False,
        max_length=WORDS_MAX_LENGTH,
        help_text="Searches the text of rapid review documents and their findings. Put a phrase in quotes, like "
        '"safe sleep". Put a minus sign before a word to leave it out, like -fall.',
    )
    reference = forms.CharField(
        label="Case reference",
        required=False,
        max_length=30,
        error_messages={"max_length": "Case reference must be 30 characters or fewer"},
    )
    local_authority = _organisation(
        "Local authority", LocalAuthority.objects.order_by("name"), "Select a local authority from the list"
    )
    partnership = _organisation(
        "Safeguarding partnership", Partnership.objects.order_by("name"), "Select a partnership from the list"
    )
    region = _organisation("Region", Region.objects.order_by("name"), "Select a region from the list")
    reason_at_notification = _choice(
        "Reason at notification", Reason.choices, "Select the reason at notification from the list"
    )
    reason_at_review = _choice("Reason at rapid review", Reason.choices, "Select the reason at review from the list")
    likely_cause = _choice(
        "Likely cause", sorted(ALL_CAUSES.items(), key=lambda item: item[1]), "Select a likely cause from the list"
    )
    practice_theme = _choice("Practice theme", PracticeTheme.choices, "Select a practice theme from the list")
    status = _choice("Status", Incident.Status.choices, "Select a status from the list")
    incident_from = GovDateField(label="Incident on or after", required=False, not_future=False)
    incident_to = GovDateField(label="Incident on or before", required=False, not_future=False)
    # Best match first unless asked otherwise (the select's first, empty, option).
    order = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[("", SearchOrder.RELEVANCE.label)] + [c for c in SearchOrder.choices if c[0] != SearchOrder.RELEVANCE],
        error_messages={"invalid_choice": "Select how to sort the cases from the list"},
    )

    # What narrows the search; the order alone does not.
    CRITERIA = (
        "words",
        "reference",
        "local_authority",
        "partnership",
        "region",
        "reason_at_notification",
        "reason_at_review",
        "likely_cause",
        "practice_theme",
        "status",
        "incident_from",
        "incident_to",
    )

    @classmethod
    def asked(cls, data):
        """Whether a search was submitted: any of the form's own names is in the query string."""
        return any(key.split("-")[0] in cls.base_fields for key in data)

    def clean(self):
        data = super().clean()
        start, end = data.get("incident_from"), data.get("incident_to")
        if start and end and start > end:
            self.add_error("incident_to", "Incident on or before must be the same as or after incident on or after")
        if not self.errors and not any(data.get(name) for name in self.CRITERIA):
            self.add_error("words", "Enter words to search for, or choose at least one filter")
        return data

    def criteria(self):
        """The cleaned answers as reviews.selectors.case_search takes them."""
        data = dict(self.cleaned_data)
        data["order"] = data.get("order") or SearchOrder.RELEVANCE
        return data
