"""The Panel's letters on a case: drafted from a template, approved by a second person, issued once."""

from django.conf import settings
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from incidents.codes import NationalReview, PanelPosition
from incidents.models import Incident
from reviews.models import RapidReviewVersion


class LetterEvent(models.TextChoices):
    """What happens to a case's letters, as its timeline records it."""

    DRAFTED = "letter_drafted", "Letter drafted"
    CHANGED = "letter_changed", "Letter changed"
    PUT_FORWARD = "letter_put_forward", "Letter put forward for approval"
    APPROVED = "letter_approved", "Letter approved"
    SENT_BACK = "letter_sent_back", "Letter sent back for changes"
    ISSUED = "letter_issued", "Letter issued"
    DISCARDED = "letter_discarded", "Letter discarded"


# The longest letter the secretariat writes, with room to spare; the API states it.
BODY_MAX_LENGTH = 50_000
# A reviewer's comment when sending a letter back: a paragraph or two, counted as it is typed.
COMMENT_MAX_LENGTH = 2000


class Letter(FSMModelMixin, models.Model):
    """One letter from the Panel about a case.

    A draft is written by the secretariat, checked and approved by a second person (four eyes), then
    issued: its PDF is stored with its SHA-256 and never rendered again.
    """

    class Kind(models.TextChoices):
        RAPID_REVIEW_RESPONSE = "rapid_review_response", "Response to a rapid review"
        RETROSPECTIVE_REQUEST = "retrospective_request", "Request for a retrospective notification"
        OFFLINE_CONFIRMATION_REQUEST = "offline_confirmation_request", "Request to confirm an offline notification"
        FINAL_REPORT_FEEDBACK = "final_report_feedback", "Feedback on a local review's final report"
        GENERAL = "general", "Correspondence on a case"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        APPROVED = "approved", "Approved"
        ISSUED = "issued", "Issued"
        DISCARDED = "discarded", "Discarded"

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    status = FSMField(max_length=20, choices=Status.choices, default=Status.DRAFT, protected=True)
    # The version of the rapid review a response answers.
    rapid_review_version = models.ForeignKey(
        RapidReviewVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    template_version = models.CharField(max_length=20)
    subject = models.CharField(max_length=200)
    body_markdown = models.TextField(max_length=BODY_MAX_LENGTH)

    # The decision, as data (a response to a rapid review only).
    panel_position = models.CharField(max_length=20, choices=PanelPosition.choices, blank=True)
    national_review = models.CharField(max_length=30, choices=NationalReview.choices, blank=True)
    quality_themes = models.JSONField(default=list, blank=True)
    practice_themes = models.JSONField(default=list, blank=True)

    # Who last wrote its text (four eyes: someone else approves it); empty for a draft the service made.
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # The last time a reviewer sent it back to its writer, and why: shown to the writer on the letter's page
    # (earlier comments are in its history). The Panel's own: never shown to the case's authority or partnership.
    sent_back_comment = models.TextField(max_length=COMMENT_MAX_LENGTH, blank=True)
    sent_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_back_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_on = models.DateField(null=True, blank=True)
    pdf = models.FileField(upload_to="letters/%Y/%m/", blank=True)
    pdf_sha256 = models.CharField("SHA-256 of the issued PDF", max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # One on with every change to the letter through a service (as the case's: incidents.workflow).
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["incident", "created_at", "pk"]
        constraints = [
            # One response to each version of a rapid review (a discarded draft does not count).
            models.UniqueConstraint(
                fields=["rapid_review_version"],
                condition=~models.Q(status="discarded"),
                name="letter_one_response_per_version",
            ),
            models.CheckConstraint(
                name="letter_issued_has_its_pdf",
                condition=~models.Q(status="issued") | (~models.Q(pdf="") & ~models.Q(pdf_sha256="")),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.incident}"

    @property
    def case(self):
        return self.incident

    @transition(field=status, source=Status.DRAFT, target=Status.AWAITING_APPROVAL, permission="letters.draft_letter")
    def ask_for_approval(self):
        pass

    @transition(
        field=status, source=Status.AWAITING_APPROVAL, target=Status.APPROVED, permission="letters.approve_letter"
    )
    def approve(self, *, by, at):
        self.approved_by = by
        self.approved_at = at

    @transition(
        field=status,
        source=Status.AWAITING_APPROVAL,
        target=Status.DRAFT,
        permission="letters.approve_letter",
        # It needs a comment, which the admin's transition buttons cannot ask for.
        custom={"admin": False},
    )
    def send_back(self, *, by, at, comment):
        """A reviewer (not its writer) returns it to draft, saying what to change."""
        self.sent_back_comment = comment
        self.sent_back_by = by
        self.sent_back_at = at

    @transition(
        field=status,
        source=[Status.AWAITING_APPROVAL, Status.APPROVED],
        target=Status.DRAFT,
        permission="letters.draft_letter",
        custom={"admin": False},
    )
    def reopen(self):
        """Any change after it was put forward takes it back to draft, and clears the approval."""
        self.approved_by = None
        self.approved_at = None

    @transition(field=status, source=Status.APPROVED, target=Status.ISSUED, permission="letters.issue_letter")
    def issue(self, *, by, on):
        self.issued_by = by
        self.issued_on = on

    @transition(
        field=status,
        source=[Status.DRAFT, Status.AWAITING_APPROVAL, Status.APPROVED],
        target=Status.DISCARDED,
        permission="letters.draft_letter",
    )
    def discard(self):
        pass
