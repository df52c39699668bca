"""The rapid review form: the document and findings a partnership sends the Panel, and its index child.

It only reads what was typed, as reviews.services.rapid_review_send takes it: whether a likely cause
fits the reason, whether a local review has its rationale and lines of enquiry, and whether the
document is small enough and of an allowed type are the service's to say, and come back to the fields
here.
"""

import re

from django import forms
from django.conf import settings

from incidents.codes import (
    CAUSES_BY_REASON,
    CareOrder,
    Ethnicity,
    History,
    LcsprDecision,
    LookedAfter,
    PracticeTheme,
    Reason,
    Sex,
    TriState,
)
from incidents.models import Child
from organisations.serializers import EARLIEST_BIRTH_DATE
from reviews.models import RapidReviewVersion

from .forms import SHORT_TEXT_MAX_LENGTH, GovDateField, GovForm, age_field, radio_field, text_field

# The likely cause's list depends on the reason at review (incidents.codes.CAUSES_BY_REASON): one list
# for a death, one for serious harm or another reason, each its own select, so every list offered fits a
# reason and the one read is the reason's own. (Not revealed under the reason's radios: GOV.UK Frontend's
# conditional reveal sets aria-expanded on radios, which axe-core reports as critical.)
CAUSE_FIELDS = {
    Reason.DEATH: ("cause_death", "Select the likely cause of death"),
    Reason.SERIOUS_HARM: ("cause_harm", "Select the likely cause of the serious harm"),
    Reason.OTHER: ("cause_harm", "Select the likely cause"),
}
YES_NO = [("yes", "Yes"), ("no", "No")]
# A chosen file cannot be put back into a file input: the browser must be asked for it again.
FILE_NOT_KEPT = "Choose the file again: a file cannot be kept when another answer has a problem"
CHILD_PREFIX = "child_"


def _cause_field(label, causes, *, help_text, error):
    return forms.ChoiceField(
        label=label,
        choices=sorted(causes.items(), key=lambda item: item[1]),
        required=False,
        widget=forms.Select,
        help_text=help_text,
        error_messages={"invalid_choice": error},
    )


def _select(label, choices, error):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.Select,
        error_messages={"required": error, "invalid_choice": error},
    )


def _mb(size):
    return size // (1024 * 1024)


class RapidReviewForm(GovForm):
    """One page in sections: the document, reason and cause, the local review decision, actions and
    learning, and the index child's details from the notification to confirm or correct."""

    # Named as the service names it, so a refused file's message (413, 415) lands on this field.
    document = forms.FileField(
        label="Upload the rapid review",
        max_length=SHORT_TEXT_MAX_LENGTH,
        error_messages={
            "required": "Select the rapid review document",
            "empty": "The selected file is empty",
            "max_length": f"The file's name must be {SHORT_TEXT_MAX_LENGTH} characters or fewer",
        },
    )
    completed_on = GovDateField(
        label="Date the rapid review was completed",
        help_text="For example, 3 10 2022",
        error_messages={"required": "Enter the date the rapid review was completed"},
    )
    reason_at_review = radio_field(
        "Reason at rapid review",
        choices=Reason.choices,
        error="Select the reason at rapid review",
        help_text="If the reason has changed since the notification, the case's reason changes too.",
    )
    cause_death = _cause_field(
        "Likely cause of death",
        CAUSES_BY_REASON[Reason.DEATH],
        help_text="If the reason at rapid review is death.",
        error=CAUSE_FIELDS[Reason.DEATH][1],
    )
    cause_harm = _cause_field(
        "Likely cause of the serious harm",
        CAUSES_BY_REASON[Reason.SERIOUS_HARM],
        help_text="If the reason at rapid review is serious harm or other.",
        error=CAUSE_FIELDS[Reason.SERIOUS_HARM][1],
    )

    lcspr_decision = radio_field(
        "Is a local child safeguarding practice review required?",
        choices=LcsprDecision.choices,
        error="Select whether a local review is required",
    )
    lcspr_rationale = text_field(
        "Reasons for the decision on a local review",
        long=True,
        error="Enter the reasons for the decision on a local review",
    )
    lines_of_enquiry = text_field(
        "Lines of enquiry for the local review",
        long=True,
        required=False,
        help_text="If a local review is required.",
    )
    lcspr_decision_on = GovDateField(
        label="Date of the decision",
        required=False,
        help_text="Leave empty if the decision was made on the day you send the rapid review. For example, 3 10 2022",
    )
    national_review = radio_field(
        "Does the partnership recommend a national review?",
        choices=YES_NO,
        error="Select yes if the partnership recommends a national review",
    )
    immediate_actions = text_field("Immediate safeguarding actions taken", long=True, required=False)
    learning = text_field("Learning identified", long=True, required=False)
    practice_themes = forms.MultipleChoiceField(
        label="Practice themes",
        choices=PracticeTheme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Select practice themes from the list"},
    )

    child_date_of_birth = GovDateField(label="Date of birth", required=False, earliest=EARLIEST_BIRTH_DATE)
    child_age_years = age_field(
        "Age in whole years at the incident",
        help_text="Worked out from the date of birth when you change it and leave this as it was.",
    )
    child_sex = _select("Sex", Sex.choices, "Select the child's sex")
    child_gender_identity_differs = _select(
        "Gender identity differs from the sex registered at birth",
        TriState.choices,
        "Select whether the child's gender identity differs from the sex registered at birth",
    )
    child_lgbtq = _select("LGBTQ+", TriState.choices, "Select whether the child is LGBTQ+")
    child_ethnicity = _select("Ethnicity", Ethnicity.choices, "Select the child's ethnicity")
    child_disability = _select("Disability", TriState.choices, "Select whether the child has a disability")
    child_disability_type = text_field(
        "Type of disability", required=False, max_length=Child._meta.get_field("disability_type").max_length
    )
    child_family_known_to_csc = _select(
        "Family known to children's social care",
        History.choices,
        "Select whether the family was known to children's social care",
    )
    child_child_in_need = _select("Child in need", History.choices, "Select whether the child was a child in need")
    child_child_protection_plan = _select(
        "Child protection plan", History.choices, "Select whether the child had a child protection plan"
    )
    child_looked_after = _select("Looked after", LookedAfter.choices, "Select whether the child was looked after")
    child_placement = text_field(
        "Placement details", required=False, max_length=Child._meta.get_field("placement").max_length
    )
    child_care_order = _select("Care order", CareOrder.choices, "Select whether there was a care order")

    def __init__(self, *args, incident, previous=None, **kwargs):
        """`previous`: the version the Panel returned, whose findings are offered again (all but the date
        it was completed: the review sent again is completed anew)."""
        super().__init__(*args, **kwargs)
        limit = _mb(settings.DOCUMENT_MAX_BYTES)
        self.fields["document"].help_text = f"A PDF, Word or OpenDocument text file, smaller than {limit} MB."
        index = incident.index_child
        self.child_before = {
            name: getattr(index, name) if index else Child._meta.get_field(name).get_default()
            for name in Child.CHARACTERISTICS
        }
        initial = {f"{CHILD_PREFIX}{name}": value for name, value in self.child_before.items()}
        if previous is None:
            initial["reason_at_review"] = incident.reason
        else:
            offered_again = set(RapidReviewVersion.FINDINGS) - {"completed_on", "likely_cause"}
            initial |= {name: getattr(previous, name) for name in offered_again if name in self.fields}
            initial["national_review"] = "yes" if previous.national_review_recommended else "no"
            if previous.reason_at_review in CAUSE_FIELDS:
                initial[CAUSE_FIELDS[previous.reason_at_review][0]] = previous.likely_cause
        self.initial = {**initial, **self.initial}

    # Sections, for the page --------------------------------------------------------------------------

    def index_child_fields(self):
        return [self[f"{CHILD_PREFIX}{name}"] for name in Child.CHARACTERISTICS]

    # Reading -----------------------------------------------------------------------------------------

    def clean(self):
        data = super().clean()
        reason = data.get("reason_at_review")
        if reason in CAUSE_FIELDS:
            name, error = CAUSE_FIELDS[reason]
            if not data.get(name) and name not in self.errors:
                self.add_error(name, error)
        return data

    def findings(self):
        """The findings as the service takes them (RapidReviewVersion.FINDINGS)."""
        data = self.cleaned_data
        return {
            "completed_on": data["completed_on"],
            "reason_at_review": data["reason_at_review"],
            "likely_cause": data[CAUSE_FIELDS[data["reason_at_review"]][0]],
            "lcspr_decision": data["lcspr_decision"],
            "lcspr_rationale": data["lcspr_rationale"],
            "lines_of_enquiry": data["lines_of_enquiry"],
            "lcspr_decision_on": data["lcspr_decision_on"],
            "national_review_recommended": data["national_review"] == "yes",
            "immediate_actions": data["immediate_actions"],
            "learning": data["learning"],
            "practice_themes": list(data["practice_themes"]),
        }

    def index_child_changes(self):
        """What the person changed of the index child's details, or None: only changes are sent."""
        changes = {
            name: self.cleaned_data[f"{CHILD_PREFIX}{name}"]
            for name, before in self.child_before.items()
            if self.cleaned_data[f"{CHILD_PREFIX}{name}"] != before
        }
        if changes.get("date_of_birth") and "age_years" not in changes:
            # A new date of birth gives a new age at the incident, which the service works out.
            changes["age_years"] = None
        return changes or None

    # A service's errors, back on the fields they are about ------------------------------------------------

    def errors_from(self, error):
        messages = getattr(error, "message_dict", None)
        if messages is None:
            return super().errors_from(error)
        for name, texts in messages.items():
            for text in texts:
                if name == "children":
                    # "Child 1: the age does not match…": on this page only the index child is sent.
                    text = re.sub(r"^Child \d+: ", "", text)
                    text = text[:1].upper() + text[1:]
                self.add_error(self._field_for(name, text), text)
        return self

    def _field_for(self, name, text):
        if name == "likely_cause":
            reason = self.cleaned_data.get("reason_at_review")
            return CAUSE_FIELDS[reason][0] if reason in CAUSE_FIELDS else None
        if name == "children":
            about_age = re.search(r"\bage\b", text, re.IGNORECASE)
            return f"{CHILD_PREFIX}age_years" if about_age else f"{CHILD_PREFIX}date_of_birth"
        if name in self.fields:
            return name
        if f"{CHILD_PREFIX}{name}" in self.fields:
            return f"{CHILD_PREFIX}{name}"
        return None

    def file_not_kept(self):
        """Ask for the file again when the page comes back with errors elsewhere (it cannot be kept)."""
        if "document" in self.files and not self.has_error("document"):
            self.add_error("document", FILE_NOT_KEPT)
