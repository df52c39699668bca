"""Retention: removing each kind of record once past the period csprp/settings.py keeps it for (each
period's basis is given there), and recording what went. `manage.py purge` runs `records_purge`.

A case is only ever removed whole: its notification and children, timeline, deadlines, messages and
reminders, rapid review and its versions, local review, letters, the files of its documents and letters,
and the history rows of all of them (simple_history keeps those in tables of their own, which the
database does not cascade to). It lives here, above every app whose records make up a case.
"""

import datetime
from dataclasses import dataclass, field

import structlog
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.utils import NestedObjects
from django.contrib.sessions.models import Session
from django.db import models, router, transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce, Greatest
from knox.models import AuthToken
from simple_history.utils import get_history_model_for_model

from audit.models import AccessEvent
from audit.services import access_events_purge
from deadlines.models import Deadline
from incidents.models import Incident
from letters.models import Letter
from notices.models import Notice
from organisations.services import expired_tokens_delete

from .models import PurgeRecord

Kind = PurgeRecord.Kind
logger = structlog.get_logger(__name__)


@dataclass
class Purged:
    """What went (or, in a dry run, would go) of one kind: records older than `before`."""

    kind: str
    before: datetime.datetime
    count: int
    identifiers: list = field(default_factory=list)

    @property
    def label(self):
        return Kind(self.kind).label


def years_before(moment, years):
    """The same moment `years` years earlier (29 February falls back to the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


# Cases ------------------------------------------------------------------------------------------------


def cases_past_retention(*, now):
    """Cases nothing has been done on for CASE_RETENTION_YEARS: every step of a case is on its timeline
    (and changes its row), so the later of its last event and its last change is when it was last worked on."""
    before = years_before(now, settings.CASE_RETENTION_YEARS)
    last_activity = Greatest("updated_at", Coalesce(Max("timeline__at"), "updated_at"))
    cases = Incident.objects.annotate(last_activity=last_activity).filter(last_activity__lt=before)
    return before, cases.order_by("reference")


def _collected(objects):
    """Every row that deleting `objects` deletes with them, by model (Django's own cascade, as the admin
    lists it before a delete)."""
    collector = NestedObjects(using=router.db_for_write(Incident))
    collector.collect(objects)
    return {model: list(instances) for model, instances in collector.data.items()}


def _files_of(collected):
    """The stored files of the rows removed (documents, letters' PDFs), as (storage, name)."""
    files = []
    for model, instances in collected.items():
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for instance in instances:
            for file_field in file_fields:
                stored = getattr(instance, file_field.attname)
                if stored:
                    files.append((stored.storage, stored.name))
    return files


def _history_remove(collected):
    """The history rows of the rows removed, and of any row of the case removed before them (a child taken
    off the case, say: its history still names the case)."""
    removed = {model: {instance.pk for instance in instances} for model, instances in collected.items()}
    for model, pks in removed.items():
        if not hasattr(model._meta, "simple_history_manager_attribute"):
            continue
        history = get_history_model_for_model(model)
        condition = Q(**{f"{model._meta.pk.attname}__in": pks})
        for history_field in history._meta.concrete_fields:
            related = history_field.related_model
            if history_field.is_relation and related in removed and history_field.name != "history_user":
                condition |= Q(**{f"{history_field.attname}__in": removed[related]})
        history.objects.filter(condition).delete()


def _files_delete(files):
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError as error:
            # The rows are gone; a file left behind names no case and is found by its folder's age.
            logger.error("purge_file_not_deleted", path=name, error=str(error))


def case_remove(incident):
    """Delete a case whole, in one transaction; its files go once that has committed."""
    with transaction.atomic():
        # Letters protect the case (and the rapid review versions they answer): they go first.
        letters = _collected(list(Letter.objects.filter(incident=incident)))
        case = _collected([incident])
        files = _files_of(letters) + _files_of(case)
        Letter.objects.filter(incident=incident).delete()
        Incident.objects.filter(pk=incident.pk).delete()
        # After the rows: simple_history records each delete as one more history row.
        _history_remove(letters)
        _history_remove(case)
        transaction.on_commit(lambda: _files_delete(files))


def cases_purge(*, now, dry_run):
    before, cases = cases_past_retention(now=now)
    references = []
    for incident in cases:
        if not dry_run:
            case_remove(incident)
        references.append(incident.reference)
    return Purged(Kind.CASE, before, len(references), references)


# Everything else: counted and deleted by date ----------------------------------------------------------


def notices_purge(*, now, dry_run):
    """Reminders and messages sent or given up. A reminder for a deadline still open stays: it is how the
    reminder engine knows it was sent (notices.services.reminders_make would make it again)."""
    before = now - datetime.timedelta(days=settings.NOTICE_RETENTION_DAYS)
    done = Notice.objects.exclude(status=Notice.Status.PENDING).exclude(deadline__status=Deadline.Status.OPEN)
    old = done.annotate(finished=Coalesce("sent_at", "created_at")).filter(finished__lt=before)
    return Purged(Kind.NOTICE, before, old.count() if dry_run else old.delete()[0])


def access_events_purge_old(*, now, dry_run):
    """The access log: deleted only through audit.services, which alone may (the log is append-only)."""
    before = years_before(now, settings.ACCESS_LOG_RETENTION_YEARS)
    if dry_run:
        return Purged(Kind.ACCESS_EVENT, before, AccessEvent.objects.filter(at__lt=before).count())
    return Purged(Kind.ACCESS_EVENT, before, access_events_purge(before=before))


def api_tokens_purge(*, now, dry_run):
    """Expired API tokens: swept here (organisations.services.expired_tokens_delete), never on a request."""
    before = now - datetime.timedelta(days=settings.API_TOKEN_RETENTION_DAYS)
    if dry_run:
        return Purged(Kind.API_TOKEN, before, AuthToken.objects.filter(expiry__lt=before).count())
    return Purged(Kind.API_TOKEN, before, expired_tokens_delete(before=before))


def sign_in_attempts_purge(*, now, dry_run):
    """django-axes' failures, lockouts and sign-ins (an AccessAttempt takes its expiry row with it)."""
    before = now - datetime.timedelta(days=settings.SIGN_IN_ATTEMPT_RETENTION_DAYS)
    count = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        old = model.objects.filter(attempt_time__lt=before)
        count += old.count() if dry_run else old.delete()[1].get(model._meta.label, 0)
    return Purged(Kind.SIGN_IN_ATTEMPT, before, count)


def sessions_purge(*, now, dry_run):
    """Sessions past their expiry, as Django's clearsessions removes them (sessions live in the database)."""
    old = Session.objects.filter(expire_date__lt=now)
    return Purged(Kind.SESSION, now, old.count() if dry_run else old.delete()[0])


# Cases last, so that a dry run counts what a real run removes: a case's own messages past their period go
# with the notices first either way.
PURGES = (
    notices_purge,
    access_events_purge_old,
    api_tokens_purge,
    sign_in_attempts_purge,
    sessions_purge,
    cases_purge,
)


def records_purge(*, now, dry_run=False):
    """Remove every record past its retention period, kind by kind; record each kind that lost any in a
    PurgeRecord. Returns what went (or, in a dry run, what would go, and nothing is removed or recorded)."""
    results = []
    for purge in PURGES:
        with transaction.atomic():
            purged = purge(now=now, dry_run=dry_run)
            if purged.count and not dry_run:
                PurgeRecord.objects.create(
                    at=now, kind=purged.kind, count=purged.count, before=purged.before, identifiers=purged.identifiers
                )
        results.append(purged)
    if not dry_run:
        logger.info("records_purged", **{purged.kind: purged.count for purged in results})
    return results
