"""The access log: one row for every time a person (or a command) saw a case's records.

Append-only. The model refuses to change or delete a row, the admin only shows them, and on PostgreSQL a
trigger refuses UPDATE, DELETE and TRUNCATE of the table (migration 0002) except in a transaction that has
said it is purging (`SET LOCAL csprp.purging = 'on'`): the retention purge (audit.services.access_events_purge)
and `manage.py flush`.

Nothing here identifies a child: a case is named by its reference, a document by its download name, a
letter by its number, and a search by its filters, never its words (which may be a child's name).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

PATH_MAX_LENGTH = 500
USER_AGENT_MAX_LENGTH = 300


class AccessLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a recorded access through Django."""


class AccessEventQuerySet(models.QuerySet):
    """Inserts and reads only: the queryset's bulk update and delete refuse, as the rows' own save and delete do.
    The retention purge deletes with `_raw_delete`, which bypasses this guard, in a transaction the trigger
    accepts."""

    def update(self, **kwargs):
        raise AccessLogIsAppendOnly("Recorded accesses are never changed.")

    def delete(self):
        raise AccessLogIsAppendOnly("Recorded accesses are removed only by the retention purge.")


class AccessEvent(models.Model):
    class Action(models.TextChoices):
        VIEWED_CASE = "viewed_case", "Viewed a case"
        VIEWED_DOCUMENT = "viewed_document", "Downloaded a document"
        VIEWED_LETTER = "viewed_letter", "Viewed a letter"
        SEARCHED = "searched", "Searched cases"
        EXPORTED = "exported", "Exported"

    class Via(models.TextChoices):
        PAGE = "page", "Page"
        API = "api", "API"
        COMMAND = "command", "Command"

    # Indexed: the admin lists newest first and filters by date, and the retention purge deletes by age.
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # PROTECT: a person who has seen records is deactivated, never deleted, so their accesses keep their row.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="access_events"
    )
    # As they were at the time, so the row reads the same after the person leaves or moves organisation.
    user_email = models.CharField("email", max_length=254, blank=True)
    organisations = models.CharField(max_length=500, blank=True, help_text="The person's organisations and roles.")
    action = models.CharField(max_length=20, choices=Action.choices)
    kind = models.CharField(max_length=40, help_text="What was seen: case, rapid_review_document, letter, ...")
    identifier = models.CharField(max_length=200, blank=True, help_text="Its reference, number or file name.")
    case_reference = models.CharField(max_length=30, blank=True, help_text="The case it belongs to, if any.")
    # Coded filters and counts only: never free text such as a search's words.
    detail = models.JSONField(default=dict, blank=True)
    path = models.CharField(max_length=PATH_MAX_LENGTH, blank=True, help_text="Without its query string.")
    method = models.CharField(max_length=10, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=USER_AGENT_MAX_LENGTH, blank=True)
    request_id = models.CharField("request id", max_length=64, blank=True)
    via = models.CharField(max_length=10, choices=Via.choices)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "access"
        verbose_name_plural = "access log"

    def __str__(self):
        who = self.user_email or "a command"
        return f"{who} {self.get_action_display().lower()} {self.identifier or self.kind}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AccessLogIsAppendOnly("Recorded accesses are never changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessLogIsAppendOnly("Recorded accesses are removed only by the retention purge.")
