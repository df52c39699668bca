"""What the purge command removed: one row a kind of record a run, kept for good (it names no child)."""

from django.db import models


class PurgeRecord(models.Model):
    """The records of one kind that one run of `purge` removed, once past their retention period
    (casefile.retention). Identifiers are case references, never anything about a child."""

    class Kind(models.TextChoices):
        CASE = "case", "Cases, with everything recorded about them"
        NOTICE = "notice", "Reminders and messages sent"
        ACCESS_EVENT = "access_event", "Access log entries"
        API_TOKEN = "api_token", "Expired API tokens"
        SIGN_IN_ATTEMPT = "sign_in_attempt", "Sign-in attempts"
        SESSION = "session", "Expired sessions"

    at = models.DateTimeField(help_text="When the purge ran.")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    count = models.PositiveIntegerField()
    before = models.DateTimeField(help_text="Records older than this were removed.")
    identifiers = models.JSONField(default=list, blank=True, help_text="Case references, for cases.")

    class Meta:
        ordering = ["-at", "kind"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M}: {self.count} {self.get_kind_display().lower()}"
