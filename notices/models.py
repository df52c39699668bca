"""Reminder ladders as data, and one row for each reminder due to each person, claimed once."""

from django.conf import settings
from django.db import models

from deadlines.models import Deadline


class Rung(models.Model):
    """One step on a deadline kind's reminder ladder: so many working days (or calendar months) before or
    after the due date, to the responsible organisation's people, or escalated to the Panel's
    secretariat too; optionally again every so often while the deadline stays open."""

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", "Working days"
        MONTHS = "months", "Calendar months"

    deadline_kind = models.CharField(max_length=40, choices=Deadline.Kind.choices)
    # Negative before the due date, 0 on the day, positive after it.
    offset = models.SmallIntegerField()
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.WORKING_DAYS)
    escalate = models.BooleanField(default=False, help_text="Also tell the Panel secretariat.")
    repeat_every = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Then again every so many units while the deadline is open."
    )

    class Meta:
        ordering = ["deadline_kind", "unit", "offset"]
        constraints = [
            models.UniqueConstraint(fields=["deadline_kind", "unit", "offset"], name="rung_one_per_offset"),
        ]

    def __str__(self):
        when = "on the day" if self.offset == 0 else f"{abs(self.offset)} {self.get_unit_display().lower()}"
        side = "" if self.offset == 0 else (" before" if self.offset < 0 else " after")
        return f"{self.get_deadline_kind_display()}: {when}{side}"


class Notice(models.Model):
    """One thing the service tells one person: a deadline's reminder (a rung, and which repeat of it) or a
    message about something that happened to a case (a timeline event).

    Made when it falls due, claimed once by a compare-and-set update, sent after the claim commits.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed after every try"
        STOPPED = "stopped", "Not sent: the deadline was met or cancelled first"

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="notices")
    # A reminder: the deadline and the rung of its ladder.
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, null=True, blank=True, related_name="notices")
    rung = models.ForeignKey(Rung, on_delete=models.PROTECT, null=True, blank=True, related_name="notices")
    # 0 for the rung itself, 1 for its first repeat, and so on.
    occurrence = models.PositiveSmallIntegerField(default=0)
    # A message: what happened.
    event = models.ForeignKey(
        "incidents.TimelineEvent", on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    # A person, or an organisation's team mailbox.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    mailbox = models.EmailField(blank=True)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "rung", "occurrence", "recipient"],
                condition=models.Q(deadline__isnull=False, recipient__isnull=False),
                name="notice_reminder_once_per_person_and_rung",
            ),
            models.UniqueConstraint(
                fields=["deadline", "rung", "occurrence", "mailbox"],
                condition=models.Q(deadline__isnull=False) & ~models.Q(mailbox=""),
                name="notice_reminder_once_per_mailbox_and_rung",
            ),
            models.UniqueConstraint(
                fields=["event", "recipient"],
                condition=models.Q(event__isnull=False, recipient__isnull=False),
                name="notice_message_once_per_person_and_event",
            ),
            models.UniqueConstraint(
                fields=["event", "mailbox"],
                condition=models.Q(event__isnull=False) & ~models.Q(mailbox=""),
                name="notice_message_once_per_mailbox_and_event",
            ),
            models.CheckConstraint(
                name="notice_reminder_or_message",
                condition=models.Q(deadline__isnull=False, rung__isnull=False, event__isnull=True)
                | models.Q(deadline__isnull=True, rung__isnull=True, event__isnull=False),
            ),
            models.CheckConstraint(
                name="notice_to_a_person_or_a_mailbox",
                condition=(models.Q(recipient__isnull=False) & models.Q(mailbox=""))
                | (models.Q(recipient__isnull=True) & ~models.Q(mailbox="")),
            ),
        ]
        indexes = [
            # Each pass of the reminder engine (notices.services) looks only at pending rows: notices_send at
            # those whose time has come (then filters out the few claimed by a live pass), reminders_stop at
            # all of them. Sent, stopped and failed rows, nearly all of the table, are never read by a pass.
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="notice_pending_idx"),
        ]

    def __str__(self):
        what = self.deadline or self.event
        return f"{what} to {self.recipient_id or self.mailbox} ({self.get_status_display()})"

    @property
    def address(self):
        return self.recipient.email if self.recipient_id else self.mailbox

    @property
    def what(self):
        return self.deadline.get_kind_display() if self.deadline_id else self.event.summary


class EventTold(models.Model):
    """A timeline event the reminder engine has told: its messages made, to everyone it tells, or to no one
    when there was nobody to tell. A pass reads only the recent events without one (notices.services
    .messages_make), so it reads each event once, not every event of the last days on every pass."""

    event = models.OneToOneField(
        "incidents.TimelineEvent", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    told_at = models.DateTimeField()

    def __str__(self):
        return f"{self.event_id} told at {self.told_at:%Y-%m-%d %H:%M}"
