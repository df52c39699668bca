"""The questions a partnership answers as it runs its local review (LCSPR), from the decision to publication.

They only read what was typed: whether the review may be paused, published or ended, and whether a date
is right for it, are for reviews.services, whose errors come back onto these fields.
"""

from django import forms

from organisations.serializers import EARLIEST_DATE
from reviews.models import Lcspr, LcsprPause, Recommendation

from .forms import GovDateField, GovForm, radio_field, text_field

# A reason or a description typed into one box: long enough for a paragraph or two, counted as it is typed.
REASON_MAX_LENGTH = 2000


def date_field(label, error, *, not_future=True, help_text=""):
    """A required GOV.UK date. Plans (a publication, a due date) may be ahead; nothing is before 2000."""
    return GovDateField(
        label=label,
        not_future=not_future,
        earliest=EARLIEST_DATE,
        help_text=help_text,
        error_messages={"required": error},
    )


class LcsprDetailsForm(GovForm):
    reviewer = text_field(
        "Lead reviewer",
        required=False,
        max_length=Lcspr._meta.get_field("reviewer").max_length,
        help_text="The independent reviewer's name, and their organisation if they have one.",
    )
    terms_of_reference = text_field("Terms of reference", required=False, long=True, rows=8)
    decision_on = date_field(
        "Date of the decision to start the review",
        "Enter the date of the decision to start the review",
        help_text="The review should be published within 6 months of this date. For example, 31 8 2023",
    )


class PlannedPublicationForm(GovForm):
    planned_publication_on = date_field(
        "When do you plan to publish the review?",
        "Enter the date you plan to publish the review",
        not_future=False,
        help_text="The final report must reach the Panel and DfE 7 working days before. For example, 27 3 2024",
    )


class PauseForm(GovForm):
    reason = radio_field(
        "Why is the review paused?", choices=LcsprPause.Reason.choices, error="Select why the review is paused"
    )
    panel_told_on = date_field(
        "Date the Panel was told", "Enter the date the Panel was told", help_text="For example, 15 1 2024"
    )
    details = text_field(
        "Details",
        required=False,
        long=True,
        max_length=REASON_MAX_LENGTH,
        help_text="For example, the court and the expected date of the trial.",
    )


class ResumeForm(GovForm):
    reason = text_field(
        "Why is the review resuming?",
        long=True,
        max_length=REASON_MAX_LENGTH,
        error="Enter why the review is resuming",
        help_text="This is kept in the review's log of milestones.",
    )


class FinalReportForm(GovForm):
    # Named as the service names it, so a refused file's message (413, 415) lands on this field.
    document = forms.FileField(
        label="Final report",
        help_text="A PDF, Word or OpenDocument text file.",
        error_messages={"required": "Select the final report", "empty": "The selected file is empty"},
    )
    planned_publication_on = date_field(
        "Planned publication date",
        "Enter the planned publication date",
        not_future=False,
        help_text="For example, 27 3 2024",
    )


class PublishForm(GovForm):
    published_on = date_field("Date the review was published", "Enter the date the review was published")
    url = forms.URLField(
        label="Link to the published review",
        max_length=Lcspr._meta.get_field("publication_url").max_length,
        assume_scheme="https",
        help_text="The web address of the review on the partnership's website.",
        error_messages={
            "required": "Enter the link to the published review",
            "invalid": "Enter the link in the correct format, like https://www.example.org/reviews/child-a",
            "max_length": "The link must be 200 characters or fewer",
        },
    )


class NotPublishedForm(GovForm):
    reasons = text_field(
        "Why will the review not be published?",
        long=True,
        max_length=REASON_MAX_LENGTH,
        error="Enter why the review will not be published",
        help_text="Give the reasons the Panel was told.",
    )


class MilestoneForm(GovForm):
    happened_on = date_field("Date it happened", "Enter the date it happened", help_text="For example, 15 1 2024")
    description = text_field(
        "What happened",
        long=True,
        max_length=REASON_MAX_LENGTH,
        error="Enter what happened",
        help_text="For example, the review panel met, or a draft was shared with the family.",
    )


class RecommendationForm(GovForm):
    text = text_field("Recommendation", long=True, max_length=REASON_MAX_LENGTH, error="Enter the recommendation")
    owner_organisation = text_field(
        "Organisation that owns it",
        max_length=Recommendation._meta.get_field("owner_organisation").max_length,
        error="Enter the organisation that owns the recommendation",
        help_text="For example, West Yorkshire Police",
    )
    owner_role = text_field(
        "Role of the person who owns it",
        max_length=Recommendation._meta.get_field("owner_role").max_length,
        error="Enter the role of the person who owns the recommendation",
        help_text="For example, Head of safeguarding",
    )
    due_on = date_field(
        "Due date", "Enter the date the recommendation is due", not_future=False, help_text="For example, 31 3 2025"
    )
    impact_evaluation = text_field(
        "How will its impact be evaluated?",
        long=True,
        max_length=REASON_MAX_LENGTH,
        error="Enter how the recommendation's impact will be evaluated",
    )


class RecommendationStatusForm(GovForm):
    status = radio_field("What is its status now?", choices=(), error="Select the recommendation's status")
    completion_evidence = text_field(
        "Evidence that it was completed",
        required=False,
        long=True,
        max_length=REASON_MAX_LENGTH,
        help_text="Needed if it is completed.",
    )

    def __init__(self, *args, statuses=(), **kwargs):
        """`statuses`: the statuses the recommendation can move to from where it is."""
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(status.value, status.label) for status in statuses]
