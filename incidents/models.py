"""The case: one serious incident, its notification to the Panel, the children involved and its timeline."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from deadlines.models import Deadline
from organisations.models import Organisation

from .codes import (
    AbuseOrNeglect,
    CareOrder,
    Channel,
    Ethnicity,
    History,
    LookedAfter,
    OfflineMethod,
    Reason,
    Sex,
    TriState,
    age_group,
)


class ReferenceSequence(models.Model):
    """The last case number given out in a year, for references such as CSPR-2025-00042."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Incident(FSMModelMixin, models.Model):
    """A serious child safeguarding incident and its notification (Children Act 2004 s16C).

    One notification per incident, however many children are involved.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        NOTIFIED = "notified", "Notified"
        WITHDRAWN = "withdrawn", "Withdrawn"
        NOT_NOTIFIED = "not_notified", "Not notified"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    status = FSMField(max_length=20, choices=Status.choices, default=Status.DRAFT, protected=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)

    notifying_la = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="notified_incidents",
        limit_choices_to={"kind": Organisation.Kind.LOCAL_AUTHORITY},
        verbose_name="notifying local authority",
    )
    home_la = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="home_incidents",
        limit_choices_to={"kind": Organisation.Kind.LOCAL_AUTHORITY},
        verbose_name="child's home local authority",
    )
    placing_la = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placed_incidents",
        limit_choices_to={"kind": Organisation.Kind.LOCAL_AUTHORITY},
        verbose_name="placing local authority",
    )

    incident_date = models.DateField()
    # Unknown only on a case opened from a rapid review nobody notified; the authority gives it on submitting.
    la_aware_date = models.DateField("date the local authority became aware", null=True, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    # Kept apart from `reason`, which may change later (a harmed child may die).
    reason_at_notification = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    abuse_or_neglect = models.CharField(
        "abuse or neglect", max_length=20, choices=AbuseOrNeglect.choices, default=AbuseOrNeglect.SUSPECTED
    )
    looked_after_child_death = models.BooleanField("death of a looked-after child", default=False)
    case_outline = models.TextField(blank=True)

    notified_on = models.DateField(null=True, blank=True)
    late_reason = models.TextField(blank=True)
    # Set once, when the notification is made after the rapid review was sent: retrospective for good.
    retrospective = models.BooleanField(default=False)
    retrospective_requested_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    offline_method = models.CharField(max_length=10, choices=OfflineMethod.choices, blank=True)
    offline_received_on = models.DateField(null=True, blank=True)
    offline_document = models.FileField(upload_to="offline-notifications/%Y/%m/", blank=True)
    offline_keyed_on = models.DateField(null=True, blank=True)
    offline_confirmed_on = models.DateField(null=True, blank=True)
    offline_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # One on with every change through a service (incidents.workflow.version_next): someone who changes
    # the case says which version they read, and is refused if it is no longer the current one.
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        # Newest first; the id breaks ties between cases made in the same instant, so pages never overlap.
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="incident_aware_not_before_incident", condition=Q(la_aware_date__gte=models.F("incident_date"))
            ),
            models.CheckConstraint(
                name="incident_offline_has_received_date",
                condition=Q(channel="online") | Q(offline_received_on__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["incident_date"]),
            models.Index(fields=["status"]),
            # The cases API's list (incident_list in Meta.ordering, IncidentViewSet.list): a page is read off
            # the index, newest first, instead of sorting every case the person sees.
            models.Index(fields=["-created_at", "-id"], name="incident_created_idx"),
            # The case list page and the start page's recent cases (web.views.cases.case_list,
            # casefile.selectors.work_for), most recently changed first.
            models.Index(fields=["-updated_at", "-id"], name="incident_updated_idx"),
            # The cases people who see every case may see (incidents.selectors.case_scope: all but drafts):
            # the case lists' counts, with or without ?overdue, and the deadlines API's join to its cases
            # read this index alone (an index-only scan), not every row of the cases table.
            models.Index(fields=["id"], condition=~Q(status="draft"), name="incident_seen_idx"),
        ]

    def __str__(self):
        return self.reference

    # Transitions change only this instance; incidents.services wraps each one.

    @transition(
        field=status,
        source=[Status.DRAFT, Status.NOT_NOTIFIED],
        target=Status.NOTIFIED,
        permission="incidents.submit_notification",
        custom={"label": "Submit notification", "admin": True},
    )
    def submit(self, *, on, late_reason=""):
        """A case opened from a rapid review nobody notified is retrospective whatever the dates: its
        review came first. (Cases imported from the historical log compare the two dates instead.)"""
        self.notified_on = on
        self.retrospective = self.status == self.Status.NOT_NOTIFIED
        self.reason_at_notification = self.reason
        if late_reason:
            self.late_reason = late_reason

    @transition(
        field=status,
        source=Status.NOTIFIED,
        target=Status.WITHDRAWN,
        permission="incidents.withdraw_notification",
        custom={"label": "Withdraw", "admin": True, "form": "incidents.admin.WithdrawForm"},
    )
    def withdraw(self, *, on, reason):
        self.withdrawn_on = on
        self.withdrawn_reason = reason

    @transition(
        field=status,
        source=Status.NOTIFIED,
        target=Status.NOTIFIED,
        conditions=[lambda incident: incident.awaits_confirmation],
        permission="incidents.confirm_notification",
        custom={"label": "Confirm offline notification", "admin": True},
    )
    def confirm(self, *, on, by, late_reason=""):
        self.offline_confirmed_on = on
        self.offline_confirmed_by = by
        if late_reason:
            self.late_reason = late_reason

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.NOT_NOTIFIED,
        permission="reviews.open_unnotified_case",
        custom={"admin": False},
    )
    def open_unnotified(self, *, requested_on):
        """A rapid review arrived for an incident nobody notified: the authority is asked to notify it."""
        self.retrospective_requested_on = requested_on

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.NOTIFIED,
        permission="incidents.key_offline",
        custom={"admin": False},
    )
    def key_offline(self, *, received_on, keyed_on):
        """The Panel keys a notification that reached it another way: notified on the day it arrived."""
        self.notified_on = received_on
        self.offline_keyed_on = keyed_on
        self.reason_at_notification = self.reason

    # What the dates say.

    @property
    def case(self):
        """The case itself: permissions take a case or any record of one (incidents.rules)."""
        return self

    @property
    def awaits_confirmation(self):
        return self.channel == Channel.OFFLINE and self.offline_confirmed_on is None

    def _deadline(self, kind):
        # Reads the prefetched deadlines when the selector fetched them, so lists need no query per row.
        return next((d for d in self.deadlines.all() if d.kind == kind), None)

    @property
    def notification_due(self):
        """Working Together: the local authority notifies within 5 working days of becoming aware."""
        deadline = self._deadline(Deadline.Kind.NOTIFICATION)
        return deadline.due_on if deadline else None

    @property
    def is_late(self):
        due = self.notification_due
        return bool(self.notified_on and due and self.notified_on > due)

    @property
    def is_retrospective(self):
        """Its notification date is later than its rapid review's: fixed when the notification is made."""
        return self.retrospective

    @property
    def index_child(self):
        return next((child for child in self.children.all() if child.is_index), None)


class Child(models.Model):
    """A child involved in the incident: the index child in full, others as far as known."""

    # What is recorded about a child besides names: the partnership confirms these at rapid review.
    CHARACTERISTICS = (
        "date_of_birth",
        "age_years",
        "sex",
        "gender_identity_differs",
        "lgbtq",
        "ethnicity",
        "disability",
        "disability_type",
        "family_known_to_csc",
        "child_in_need",
        "child_protection_plan",
        "looked_after",
        "placement",
        "care_order",
    )

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="children")
    is_index = models.BooleanField("index child", default=False)
    # Names are optional, and shown only to the roles that need them (incidents.rules).
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    age_years = models.PositiveSmallIntegerField("age in whole years at the incident", null=True, blank=True)
    sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.NOT_RECORDED)
    gender_identity_differs = models.CharField(max_length=20, choices=TriState.choices, default=TriState.NOT_RECORDED)
    lgbtq = models.CharField("LGBTQ+", max_length=20, choices=TriState.choices, default=TriState.NOT_RECORDED)
    ethnicity = models.CharField(max_length=30, choices=Ethnicity.choices, default=Ethnicity.NOT_RECORDED)
    disability = models.CharField(max_length=20, choices=TriState.choices, default=TriState.NOT_RECORDED)
    disability_type = models.CharField(max_length=200, blank=True)
    family_known_to_csc = models.CharField(
        "family known to children's social care", max_length=20, choices=History.choices, default=History.NOT_RECORDED
    )
    child_in_need = models.CharField(max_length=20, choices=History.choices, default=History.NOT_RECORDED)
    child_protection_plan = models.CharField(max_length=20, choices=History.choices, default=History.NOT_RECORDED)
    looked_after = models.CharField(max_length=20, choices=LookedAfter.choices, default=LookedAfter.NOT_RECORDED)
    placement = models.CharField("placement details", max_length=200, blank=True)
    care_order = models.CharField(max_length=30, choices=CareOrder.choices, default=CareOrder.NOT_RECORDED)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_index", "pk"]
        verbose_name_plural = "children"
        constraints = [
            models.UniqueConstraint(
                fields=["incident"], condition=Q(is_index=True), name="child_one_index_per_incident"
            ),
            models.CheckConstraint(name="child_age_under_18", condition=Q(age_years__lte=17)),
        ]

    def __str__(self):
        # Never a name, nor a database id: what tells the children of a case apart without naming them.
        age = f"aged {self.age_years}" if self.age_years is not None else "age not recorded"
        return f"{'Index child' if self.is_index else 'Child'}, {age}, {self.get_sex_display().lower()}"

    @property
    def age_group(self):
        return age_group(self.age_years)


class TimelineEvent(models.Model):
    """Something that happened to a case: who, what, when, and the details that matter."""

    class Kind(models.TextChoices):
        CREATED = "created", "Draft notification started"
        KEYED_OFFLINE = "keyed_offline", "Offline notification keyed by the Panel"
        SUBMITTED = "submitted", "Notification submitted"
        WITHDRAWN = "withdrawn", "Notification withdrawn"
        CONFIRMED = "confirmed", "Offline notification confirmed"
        UPDATED = "updated", "Details changed"
        REASON_CHANGED = "reason_changed", "Reason changed"
        CHILDREN_CHANGED = "children_changed", "Children's details changed"
        RETROSPECTIVE_REQUESTED = "retrospective_requested", "Retrospective notification requested"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    # A choice from the app that recorded it: TimelineEvent.Kind for the case, reviews.models.ReviewEvent
    # for its reviews, and so on up. Its label is kept as the summary.
    kind = models.CharField(max_length=40)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    summary = models.CharField(max_length=300)
    # Codes, dates and field names only: never a child's name.
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # The reminder engine's messages (notices.services.messages_make) are made from the events of the
            # last few days: a range of this index, not a scan of every event of every case.
            models.Index(fields=["at"], name="timeline_event_at_idx"),
        ]

    def __str__(self):
        return f"{timezone.localtime(self.at):%-d %b %Y %H:%M} · {self.summary}"
