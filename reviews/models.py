"""Rapid reviews (with every version sent) and local child safeguarding practice reviews (LCSPRs)."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from incidents.codes import ALL_CAUSES, LcsprDecision, NationalReview, PanelPosition, Reason
from incidents.models import Incident
from organisations.models import Organisation


class ReviewEvent(models.TextChoices):
    """What happens to a case's rapid review and local review, as its timeline records it."""

    RAPID_REVIEW_SENT = "rapid_review_sent", "Rapid review received"
    RAPID_REVIEW_RETURNED = "rapid_review_returned", "Rapid review returned for more information"
    NO_RAPID_REVIEW_PROPOSED = "no_rapid_review_proposed", "Partnership says no rapid review is needed"
    NO_RAPID_REVIEW_ACCEPTED = "no_rapid_review_accepted", "Panel accepts no rapid review is needed"
    NO_RAPID_REVIEW_DECLINED = "no_rapid_review_declined", "Panel asks for a rapid review after all"
    LCSPR_OPENED = "lcspr_opened", "Local review started"
    LCSPR_CHANGED = "lcspr_changed", "Local review details changed"
    LCSPR_PAUSED = "lcspr_paused", "Local review paused"
    LCSPR_RESUMED = "lcspr_resumed", "Local review resumed"
    FINAL_REPORT_RECEIVED = "final_report_received", "Final report received"
    LCSPR_PUBLISHED = "lcspr_published", "Local review published"
    LCSPR_NOT_PUBLISHED = "lcspr_not_published", "Local review not published"
    MILESTONE = "milestone", "Local review milestone"
    RECOMMENDATION_ADDED = "recommendation_added", "Recommendation added"
    RECOMMENDATION_CHANGED = "recommendation_changed", "Recommendation changed"


class RapidReview(FSMModelMixin, models.Model):
    """The partnership's rapid review of a case, expected from the moment the case is notified.

    Working Together: the partnership sends it within 15 working days of the notification. The Panel
    may return it for more information; the partnership may instead say none is needed because
    further enquiry found no abuse or neglect, which the Panel accepts or not.
    """

    class Status(models.TextChoices):
        AWAITED = "awaited", "Awaited"
        SUBMITTED = "submitted", "Received by the Panel"
        RETURNED = "returned", "Returned for more information"
        NOT_NEEDED_PROPOSED = "not_needed_proposed", "Not needed: awaiting the Panel"
        NOT_NEEDED_ACCEPTED = "not_needed_accepted", "Not needed: accepted by the Panel"

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="rapid_review")
    partnership = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="rapid_reviews", limit_choices_to={"kind": "partnership"}
    )
    status = FSMField(max_length=30, choices=Status.choices, default=Status.AWAITED, protected=True)
    # The day the first version reached the Panel: "the rapid review date" of the data standard.
    first_sent_on = models.DateField(null=True, blank=True)
    # The current version's reason and likely cause, which the statistics use (copied from the version).
    reason_at_review = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    likely_cause = models.CharField(max_length=50, choices=sorted(ALL_CAUSES.items()), blank=True)
    lcspr_decision = models.CharField(max_length=20, choices=LcsprDecision.choices, blank=True)
    # The Panel's decision from its issued response letter: what the annual report counts.
    panel_position = models.CharField(max_length=20, choices=PanelPosition.choices, blank=True)
    national_review = models.CharField(max_length=30, choices=NationalReview.choices, blank=True)
    quality_themes = models.JSONField(default=list, blank=True)
    returned_reason = models.TextField(blank=True)
    not_needed_reasons = models.TextField("why no rapid review is needed", blank=True)
    panel_not_needed_view = models.TextField("the Panel's view on no rapid review", blank=True)
    not_needed_accepted_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    def __str__(self):
        return f"Rapid review of {self.incident}"

    @property
    def case(self):
        return self.incident

    @transition(
        field=status,
        source=[Status.AWAITED, Status.RETURNED],
        target=Status.SUBMITTED,
        permission="reviews.send_rapid_review",
    )
    def send(self, *, version):
        self.first_sent_on = self.first_sent_on or version.sent_on
        self.reason_at_review = version.reason_at_review
        self.likely_cause = version.likely_cause
        self.lcspr_decision = version.lcspr_decision

    @transition(field=status, source=Status.SUBMITTED, target=Status.RETURNED, permission="reviews.return_rapid_review")
    def return_for_information(self, *, reason):
        self.returned_reason = reason

    @transition(
        field=status, source=Status.AWAITED, target=Status.NOT_NEEDED_PROPOSED, permission="reviews.propose_not_needed"
    )
    def propose_not_needed(self, *, reasons):
        self.not_needed_reasons = reasons

    @transition(
        field=status,
        source=Status.NOT_NEEDED_PROPOSED,
        target=Status.NOT_NEEDED_ACCEPTED,
        permission="reviews.decide_not_needed",
    )
    def accept_not_needed(self, *, on, view=""):
        self.not_needed_accepted_on = on
        self.panel_not_needed_view = view

    @transition(
        field=status, source=Status.NOT_NEEDED_PROPOSED, target=Status.AWAITED, permission="reviews.decide_not_needed"
    )
    def decline_not_needed(self, *, view):
        self.panel_not_needed_view = view

    @property
    def current_version(self):
        versions = list(self.versions.all())
        return versions[-1] if versions else None


class RapidReviewVersion(models.Model):
    """One version of a rapid review as it reached the Panel. Versions are never changed or deleted."""

    # What the partnership found and decided, as it sends them.
    FINDINGS = (
        "completed_on",
        "reason_at_review",
        "likely_cause",
        "lcspr_decision",
        "lcspr_rationale",
        "lines_of_enquiry",
        "lcspr_decision_on",
        "national_review_recommended",
        "immediate_actions",
        "learning",
        "practice_themes",
    )

    rapid_review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    document = models.FileField(upload_to="rapid-reviews/%Y/%m/")
    document_type = models.CharField(max_length=100)
    completed_on = models.DateField()
    sent_on = models.DateField()
    reason_at_review = models.CharField(max_length=20, choices=Reason.choices)
    likely_cause = models.CharField(max_length=50, choices=sorted(ALL_CAUSES.items()))
    lcspr_decision = models.CharField(max_length=20, choices=LcsprDecision.choices)
    lcspr_rationale = models.TextField()
    lines_of_enquiry = models.TextField(blank=True)
    lcspr_decision_on = models.DateField(null=True, blank=True, help_text="If not the day the review was sent.")
    national_review_recommended = models.BooleanField(default=False)
    immediate_actions = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    practice_themes = models.JSONField(default=list, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    # When the Panel answered this version: by returning it, or with its letter.
    panel_responded_on = models.DateField(null=True, blank=True)
    # When the Panel returned it, the date by which it expects the review again.
    resubmit_by = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["rapid_review", "number"]
        constraints = [models.UniqueConstraint(fields=["rapid_review", "number"], name="rapid_review_version_unique")]

    def __str__(self):
        return f"{self.rapid_review.incident} rapid review v{self.number}"


class RapidReviewText(models.Model):
    """The text of a version's document, read when the version arrived, and its full-text search vector.

    Kept beside the version rather than on it: versions are read on every case page and deadline
    refresh, and a document's text runs to megabytes. reviews.search reads and indexes it.
    """

    version = models.OneToOneField(
        RapidReviewVersion, on_delete=models.CASCADE, primary_key=True, related_name="document_text"
    )
    # Empty when nothing could be read (a scan, an old .doc, a damaged file): the upload stands regardless.
    text = models.TextField(blank=True)
    truncated = models.BooleanField(default=False, help_text="Only the document's first part was kept.")
    # The version's findings (weight A) and its document's text (weight B), on PostgreSQL only; null on
    # SQLite, which searches `text` directly. Its GIN index is created by migration 0004 on PostgreSQL
    # only (SQLite cannot build one), so it is not in Meta.indexes: it serves reviews.selectors.case_search.
    search_vector = SearchVectorField(null=True, blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "rapid review text"

    def __str__(self):
        return f"Text of {self.version}"


class Lcspr(FSMModelMixin, models.Model):
    """A local child safeguarding practice review.

    Working Together: completed and published within 6 calendar months of the decision to initiate it;
    the final report reaches the Panel and DfE at least 7 working days before publication. A pause does
    not reset the clock.
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        PAUSED = "paused", "Paused"
        FINAL_REPORT_RECEIVED = "final_report_received", "Final report received"
        PUBLISHED = "published", "Published"
        NOT_PUBLISHED = "not_published", "Not published"

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="lcspr")
    partnership = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="lcsprs", limit_choices_to={"kind": "partnership"}
    )
    status = FSMField(max_length=30, choices=Status.choices, default=Status.IN_PROGRESS, protected=True)
    decision_on = models.DateField("date of the decision to initiate")
    reviewer = models.CharField(max_length=200, blank=True)
    terms_of_reference = models.TextField(blank=True)
    panel_view = models.TextField("the Panel's view", blank=True)
    final_report = models.FileField(upload_to="lcspr-final-reports/%Y/%m/", blank=True)
    final_report_received_on = models.DateField(null=True, blank=True)
    planned_publication_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    publication_url = models.URLField(blank=True)
    not_published_reasons = models.TextField(blank=True)
    not_published_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # One on with every change to the review through a service (as the case's: incidents.workflow).
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "local review (LCSPR)"
        verbose_name_plural = "local reviews (LCSPRs)"

    def __str__(self):
        return f"LCSPR for {self.incident}"

    @property
    def case(self):
        return self.incident

    @transition(field=status, source=Status.IN_PROGRESS, target=Status.PAUSED, permission="reviews.run_lcspr")
    def pause(self):
        pass

    @transition(field=status, source=Status.PAUSED, target=Status.IN_PROGRESS, permission="reviews.run_lcspr")
    def resume(self):
        pass

    @transition(
        field=status, source=Status.IN_PROGRESS, target=Status.FINAL_REPORT_RECEIVED, permission="reviews.run_lcspr"
    )
    def receive_final_report(self, *, received_on, planned_publication_on):
        self.final_report_received_on = received_on
        self.planned_publication_on = planned_publication_on

    @transition(
        field=status, source=Status.FINAL_REPORT_RECEIVED, target=Status.PUBLISHED, permission="reviews.run_lcspr"
    )
    def publish(self, *, published_on, url):
        self.published_on = published_on
        self.publication_url = url

    @transition(
        field=status,
        source=[Status.IN_PROGRESS, Status.PAUSED, Status.FINAL_REPORT_RECEIVED],
        target=Status.NOT_PUBLISHED,
        permission="reviews.run_lcspr",
    )
    def record_not_published(self, *, on, reasons):
        self.not_published_on = on
        self.not_published_reasons = reasons


class LcsprPause(models.Model):
    """A time the review stood still, and why. The six-month clock runs on regardless."""

    class Reason(models.TextChoices):
        CRIMINAL_PROCEEDINGS = "criminal_proceedings", "Criminal proceedings"
        INQUEST = "inquest", "Inquest"
        FAMILY_PROCEEDINGS = "family_proceedings", "Family proceedings"
        OTHER = "other", "Other"

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    details = models.TextField(blank=True)
    panel_told_on = models.DateField("when the Panel was told")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["lcspr", "started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lcspr"], condition=models.Q(ended_on__isnull=True), name="lcspr_one_open_pause"
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()} from {self.started_on}"


class LcsprMilestone(models.Model):
    """An entry in the review's log: a panel met, a draft shared, a family spoken to."""

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="milestones")
    happened_on = models.DateField()
    description = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["lcspr", "happened_on", "pk"]

    def __str__(self):
        return f"{self.happened_on}: {self.description[:50]}"


class Recommendation(FSMModelMixin, models.Model):
    """A recommendation of the review, with an owner, a due date and how its impact will be evaluated."""

    # What the partnership records and changes; the status moves through the transitions below.
    EDITABLE = (
        "text",
        "owner_organisation",
        "owner_role",
        "due_on",
        "impact_evaluation",
        "completion_evidence",
    )

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        NOT_COMPLETED = "not_completed", "Not completed"

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField()
    owner_organisation = models.CharField(max_length=200, help_text="The organisation that owns it, e.g. the police.")
    owner_role = models.CharField(max_length=200)
    due_on = models.DateField()
    status = FSMField(max_length=20, choices=Status.choices, default=Status.OPEN, protected=True)
    impact_evaluation = models.TextField("how impact will be evaluated")
    completion_evidence = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["lcspr", "due_on", "pk"]

    def __str__(self):
        return self.text[:60]

    @property
    def case(self):
        return self.lcspr.incident

    @transition(field=status, source=Status.OPEN, target=Status.IN_PROGRESS, permission="reviews.run_lcspr")
    def start(self):
        pass

    @transition(
        field=status,
        source=[Status.OPEN, Status.IN_PROGRESS],
        target=Status.COMPLETED,
        permission="reviews.run_lcspr",
    )
    def complete(self, *, on):
        self.completed_on = on
        self.closed_on = on

    @transition(
        field=status,
        source=[Status.OPEN, Status.IN_PROGRESS],
        target=Status.NOT_COMPLETED,
        permission="reviews.run_lcspr",
    )
    def record_not_completed(self, *, on):
        self.closed_on = on
