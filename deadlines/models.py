"""Bank holidays in England and Wales: the days that are not working days besides weekends."""

import datetime

from django.db import models
from django.db.models.functions import Coalesce


class BankHoliday(models.Model):
    """One bank holiday. Seeded from GOV.UK's list; administrators add days proclaimed later."""

    class Source(models.TextChoices):
        GOVUK = "govuk", "GOV.UK bank holidays list"
        PROCLAMATION = "proclamation", "Added by an administrator"

    date = models.DateField(unique=True)
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PROCLAMATION)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d %B %Y}: {self.title}"


class DeadlineQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Deadline.Status.OPEN)

    def overdue(self, *, today):
        return self.filter(status=Deadline.Status.OPEN, due_on__lt=today)

    def not_overdue(self, *, today):
        return self.exclude(status=Deadline.Status.OPEN, due_on__lt=today)


# The day the reminder engine must next look at a deadline (notices.services.reminders_make): never while it
# is not open (NULL), at once while its next look is not worked out (the earliest date), else next_reminder_on.
REMINDER_LOOK_ON = models.Case(
    models.When(status="open", then=Coalesce("next_reminder_on", models.Value(datetime.date.min))),
    output_field=models.DateField(),
)


class Deadline(models.Model):
    """One thing someone must do by a date, for one case. Computed from dates, never counted down.

    An open deadline past its due date is overdue; one met after its due date was met late.
    """

    class Kind(models.TextChoices):
        NOTIFICATION = "notification", "Serious incident notification"
        RETROSPECTIVE_NOTIFICATION = "retrospective_notification", "Retrospective notification"
        OFFLINE_CONFIRMATION = "offline_confirmation", "Offline notification confirmed"
        RAPID_REVIEW = "rapid_review", "Rapid review"
        RAPID_REVIEW_RESUBMISSION = "rapid_review_resubmission", "Returned rapid review sent again"
        PANEL_RESPONSE = "panel_response", "Panel response letter"
        LCSPR_PUBLICATION = "lcspr_publication", "Local review published"
        FINAL_REPORT = "final_report", "Final report to the Panel and DfE"
        RECOMMENDATION = "recommendation", "Recommendation completed"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        CANCELLED = "cancelled", "Cancelled"

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    # Tells apart deadlines of one kind on one case, such as each recommendation's; empty otherwise.
    subject = models.CharField(max_length=100, blank=True, default="")
    responsible = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="deadlines")
    starts_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    met_on = models.DateField(null=True, blank=True)
    cancelled_on = models.DateField(null=True, blank=True)
    # The first day on which the reminder engine must look at this deadline again (notices.services
    # .reminders_make): the next date on its ladder after the day it last looked. NULL until worked out,
    # and again whenever the due date or status changes (deadlines.services), so it is worked out afresh.
    next_reminder_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "kind", "subject"], name="deadline_one_per_kind_and_subject"),
            models.CheckConstraint(
                name="deadline_met_on_iff_met",
                condition=models.Q(status="met", met_on__isnull=False)
                | (~models.Q(status="met") & models.Q(met_on__isnull=True)),
            ),
        ]
        indexes = [
            # Overdue lists and reminders (DeadlineQuerySet.overdue: the deadlines API's `overdue` filter, the
            # Panel's overdue queue; notices.services.reminders_make) only ever look at open deadlines, a small
            # share of all rows.
            models.Index(fields=["due_on"], condition=models.Q(status="open"), name="deadline_open_due_idx"),
            # The case list's `overdue` filter (incidents.selectors.incident_overdue_filter) asks, for each
            # case, whether one of its open deadlines is past due: a correlated EXISTS on the case.
            models.Index(
                fields=["incident", "due_on"], condition=models.Q(status="open"), name="deadline_open_incident_idx"
            ),
            # The deadlines API's list in its order (incidents.api.DeadlineListApi): for the Panel, who see
            # nearly every deadline, a page is read off the index instead of sorting them all.
            models.Index(fields=["due_on", "kind", "id"], name="deadline_due_order_idx"),
            # Each pass of the reminder engine (notices.services.reminders_make) reads only the deadlines due a
            # look (REMINDER_LOOK_ON up to today): one range of this index, empty in a pass with nothing due
            # however many deadlines are open. On the expression, not on next_reminder_on for open deadlines:
            # PostgreSQL keeps figures for an indexed expression, and these count only open deadlines, where
            # the column's count of NULLs would be every closed deadline's, and the planner would read every
            # open deadline to find the few not yet worked out.
            models.Index(REMINDER_LOOK_ON, name="deadline_reminder_look_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} due {self.due_on}"

    def is_overdue(self, *, today):
        return self.status == self.Status.OPEN and self.due_on < today

    @property
    def met_late(self):
        return self.status == self.Status.MET and self.met_on > self.due_on
