"""The questions a local authority answers to notify the Panel, confirm a notification or withdraw one.

The forms read what was typed, in the data standard's codes (every characteristic has its "Not
recorded" answer); whether the answers add up (dates, ages, one index child, lateness) is for
incidents.services to say, and its errors come back onto these fields.
"""

import re

from incidents.codes import AbuseOrNeglect, CareOrder, Ethnicity, History, LookedAfter, Reason, Sex, TriState
from incidents.models import Child

from .forms import GovDateField, GovForm, age_field, radio_field, text_field

YES_NO = [("yes", "Yes"), ("no", "No")]
# A reason or an explanation: long enough for a paragraph or two, short enough for a character count.
REASON_MAX_LENGTH = 2000
NAME_MAX_LENGTH = Child._meta.get_field("first_name").max_length
DETAIL_MAX_LENGTH = Child._meta.get_field("placement").max_length


def yes_no(value):
    return {"yes": True, "no": False}.get(value)


def yes_no_initial(value):
    return "yes" if value else "no"


class LocalAuthorityForm(GovForm):
    local_authority = radio_field(
        "Which local authority are you notifying for?",
        choices=[],
        error="Select the local authority you are notifying for",
    )

    def __init__(self, *args, local_authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].choices = [(la.code, la.name) for la in local_authorities]


class DatesForm(GovForm):
    incident_date = GovDateField(
        label="Date of the incident",
        help_text="For example, 27 3 2025. If it happened over several days, give the day it was most serious.",
        error_messages={"required": "Enter the date of the incident"},
    )
    la_aware_date = GovDateField(
        label="Date your local authority became aware of it",
        help_text="You must notify the Panel within 5 working days of this date.",
        error_messages={"required": "Enter the date your local authority became aware of the incident"},
    )

    def values(self):
        return {name: self.cleaned_data[name] for name in ("incident_date", "la_aware_date")}


class RetrospectiveForm(DatesForm):
    """A case opened from a rapid review: the dates the review gave are kept unless corrected."""

    la_aware_date = GovDateField(
        label="Date your local authority became aware of the incident",
        help_text="For example, 27 3 2025.",
        error_messages={"required": "Enter the date your local authority became aware of the incident"},
    )


class IncidentForm(GovForm):
    reason = radio_field(
        "Why are you notifying the Panel?", choices=Reason.choices, error="Select why you are notifying the Panel"
    )
    abuse_or_neglect = radio_field(
        "Is abuse or neglect known or suspected?",
        choices=AbuseOrNeglect.choices,
        error="Select whether abuse or neglect is known or suspected",
        help_text="A looked-after child's death is notified whether or not abuse or neglect is suspected.",
    )
    looked_after_child_death = radio_field(
        "Is this the death of a looked-after child?",
        choices=YES_NO,
        error="Select yes if this is the death of a looked-after child",
    )
    case_outline = text_field(
        "Outline of the case (optional)",
        required=False,
        long=True,
        rows=8,
        help_text="What happened, what is known of the family, and what your local authority has done so far.",
    )

    @classmethod
    def initial_from(cls, incident):
        if not incident.reason:
            return {"case_outline": incident.case_outline}
        return {
            "reason": incident.reason,
            "abuse_or_neglect": incident.abuse_or_neglect,
            "looked_after_child_death": yes_no_initial(incident.looked_after_child_death),
            "case_outline": incident.case_outline,
        }

    def values(self):
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "abuse_or_neglect": data["abuse_or_neglect"],
            "looked_after_child_death": yes_no(data["looked_after_child_death"]),
            "case_outline": data["case_outline"],
        }


def _characteristic(label, choices, error, help_text=""):
    return radio_field(label, choices=choices, error=error, help_text=help_text)


class ChildForm(GovForm):
    """One child. Names only for those who may see them; "is this the index child" only when the case
    has, or will have, more than one child."""

    first_name = text_field("First name (optional)", required=False, max_length=NAME_MAX_LENGTH)
    last_name = text_field("Last name (optional)", required=False, max_length=NAME_MAX_LENGTH)
    date_of_birth = GovDateField(
        label="Date of birth",
        required=False,
        help_text="If you know it. For example, 27 3 2019.",
    )
    age_years = age_field(
        "Age at the time of the incident, in whole years",
        help_text="If you do not know the date of birth. Under 1 year old is 0.",
    )
    sex = _characteristic("Sex", Sex.choices, "Select the child's sex, or Not recorded")
    gender_identity_differs = _characteristic(
        "Does the child's gender identity differ from the sex registered at birth?",
        TriState.choices,
        "Select whether the child's gender identity differs from the sex registered at birth, or Not recorded",
    )
    lgbtq = _characteristic(
        "Does the child identify as LGBTQ+?", TriState.choices, "Select whether the child is LGBTQ+, or Not recorded"
    )
    ethnicity = _characteristic(
        "Ethnicity",
        Ethnicity.choices,
        "Select the child's ethnicity, Refused or Not recorded",
        help_text="The 2021 census categories.",
    )
    disability = _characteristic(
        "Does the child have a disability?",
        TriState.choices,
        "Select whether the child has a disability, or Not recorded",
    )
    disability_type = text_field(
        "Type of disability (optional)",
        required=False,
        max_length=DETAIL_MAX_LENGTH,
        help_text="If the child has a disability.",
    )
    family_known_to_csc = _characteristic(
        "Was the family known to children's social care?",
        History.choices,
        "Select whether the family was known to children's social care, or Not recorded",
    )
    child_in_need = _characteristic(
        "Was the child a child in need?", History.choices, "Select whether the child was a child in need"
    )
    child_protection_plan = _characteristic(
        "Was the child on a child protection plan?",
        History.choices,
        "Select whether the child was on a child protection plan",
    )
    looked_after = _characteristic(
        "Was the child looked after?", LookedAfter.choices, "Select whether the child was looked after"
    )
    placement = text_field(
        "Placement (optional)",
        required=False,
        max_length=DETAIL_MAX_LENGTH,
        help_text="If the child was looked after: where they were placed, and by which local authority.",
    )
    care_order = _characteristic(
        "Was the child subject to a care order?", CareOrder.choices, "Select whether the child had a care order"
    )
    is_index = radio_field(
        "Is this the index child?",
        choices=YES_NO,
        error="Select yes if this is the index child",
        help_text="The child with the most obvious serious harm or who died; otherwise the eldest.",
    )

    NAME_FIELDS = ("first_name", "last_name")
    GROUPS = {
        "identity": ("sex", "gender_identity_differs", "lgbtq", "ethnicity", "disability", "disability_type"),
        "social_care": (
            "family_known_to_csc",
            "child_in_need",
            "child_protection_plan",
            "looked_after",
            "placement",
            "care_order",
        ),
    }

    def __init__(self, *args, show_names, ask_index, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_names:
            for name in self.NAME_FIELDS:
                del self.fields[name]
        if not ask_index:
            del self.fields["is_index"]

    @classmethod
    def initial_from(cls, child):
        initial = {name: getattr(child, name) for name in ("first_name", "last_name", *Child.CHARACTERISTICS)}
        initial["is_index"] = yes_no_initial(child.is_index)
        return initial

    def group(self, name):
        return [self[field] for field in self.GROUPS[name]]

    def values(self):
        values = {name: value for name, value in self.cleaned_data.items() if name != "is_index"}
        if "is_index" in self.cleaned_data:
            values["is_index"] = yes_no(self.cleaned_data["is_index"])
        return values

    def errors_from(self, error):
        """The service says what is wrong with the children as a whole; put each message on the question
        it is about, so the error summary links to it."""
        messages = getattr(error, "message_dict", None)
        if not messages or "children" not in messages:
            return super().errors_from(error)
        for text in messages["children"]:
            # The page is about one child: "Child 2: the date of birth ..." reads "The date of birth ...".
            text = re.sub(r"^Child \d+: (\w)", lambda match: match[1].upper(), text)
            self.add_error(self._field_for(text), text)
        others = {name: texts for name, texts in messages.items() if name != "children"}
        if others:
            super().errors_from(type(error)(others))
        return self

    def _field_for(self, text):
        lowered = text.lower()
        for words, field in (("index child", "is_index"), ("date of birth", "date_of_birth"), ("age", "age_years")):
            if words in lowered and field in self.fields:
                return field
        return None


class AddAnotherChildForm(GovForm):
    add_another = radio_field(
        "Do you need to add another child?", choices=YES_NO, error="Select yes if you need to add another child"
    )


class SubmitForm(GovForm):
    """The check-your-answers page's button: no questions, but the service may say what is missing."""

    # Where the error summary sends a person for each thing the service may say is missing.
    ANCHORS = {"children": "#children", "incident_date": "#dates", "la_aware_date": "#dates", "reason": "#incident"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.anchors = {}

    def errors_from(self, error):
        messages = getattr(error, "message_dict", None) or {None: error.messages}
        for name, texts in messages.items():
            for text in texts if isinstance(texts, list) else [texts]:
                self.anchors[text] = self.ANCHORS.get(name)
                self.add_error(None, text)
        return self

    def error_list(self):
        return [{"text": str(text), "href": self.anchors.get(str(text))} for text in self.non_field_errors()]


class LateReasonForm(GovForm):
    late_reason = text_field(
        "Why is the notification late?",
        long=True,
        max_length=REASON_MAX_LENGTH,
        error="Enter why the notification is late",
    )


class ConfirmForm(GovForm):
    late_reason = text_field(
        "Why did the notification reach the Panel late?",
        required=False,
        long=True,
        max_length=REASON_MAX_LENGTH,
    )


class WithdrawForm(GovForm):
    reason = text_field(
        "Why are you withdrawing the notification?",
        long=True,
        max_length=REASON_MAX_LENGTH,
        help_text="For example, further enquiry found no abuse or neglect, so the criteria for a notification "
        "are not met.",
        error="Enter why you are withdrawing the notification",
    )
