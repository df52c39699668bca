"""Writes for the national statistics: the case-log import, which makes the Panel's history into ordinary cases.

data-standard.md: an imported case is a case like any other. It is notified (or withdrawn) on its
dates, has its children and its rapid review, and its deadlines are computed by the same rules and
working-day calendar as every case's, so they are met or missed on the log's dates. What the log
cannot say is never made up: an empty cell stays "not recorded". A deadline nobody can now meet (a
step the log records as taken without its date, anything on a withdrawn notification) is cancelled on
the import date rather than left open for someone to be chased about years later; a rapid review not
yet received is awaited, as on any case.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from deadlines.models import Deadline
from deadlines.services import deadline_values
from deadlines.workingdays import WorkingCalendar
from incidents.codes import Channel, Reason
from incidents.models import Child, Incident, ReferenceSequence, TimelineEvent
from incidents.services import NOTIFICATION_WORKING_DAYS, OFFLINE_CONFIRMATION_WORKING_DAYS, RAPID_REVIEW_WORKING_DAYS
from incidents.workflow import today
from organisations.models import Organisation, Region, User
from organisations.reference_data import REGIONS
from organisations.services import partnership_code
from reviews.models import RapidReview

from .caselog import CaseLog, CaseRow, Problem, imported_authority_code

# The account imported cases are created by: inactive, in no organisation, so nobody can sign in as it
# or act through it. `.invalid` is a top-level domain reserved never to exist (RFC 2606).
IMPORTER_EMAIL = "case-log-import@csprp.invalid"
IMPORTER_NAME = "Case-log import"
# The notification was withdrawn before the service held it: the log gives neither the date nor why.
WITHDRAWN_REASON = "Recorded as withdrawn in the Panel's case log."
# Cases are looked up and written this many at a time: each table's rows of a batch in one COPY or bulk
# insert. Fewer, larger writes spend less time waiting on the database (500 at a time took a fifth longer).
BATCH_SIZE = 2000


class CaseLogEvent(models.TextChoices):
    """What the import records on a case's timeline (TimelineEvent.kind takes a choice from the app recording it)."""

    IMPORTED = "imported_from_case_log", "Imported from the Panel's case log"


class CaseLogInvalid(Exception):
    """The log has problems: nothing is imported."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems in the case log")
        self.problems = problems


@dataclass(frozen=True)
class NewAuthority:
    """A local authority the log names and the service does not know: created in its region, with its own
    partnership (every authority belongs to one, and a rapid review needs one)."""

    name: str
    region: str

    @property
    def code(self):
        return imported_authority_code(self.name)

    @property
    def partnership(self):
        # As England's partnerships are named (organisations/data/local_authorities.csv).
        return f"{self.name} Safeguarding Children Partnership"


@dataclass
class ImportPlan:
    """What importing a valid log does: the cases it makes, those it skips, the authorities it creates."""

    new: list[CaseRow] = field(default_factory=list)
    # Already in the service (imported before, or filed in it): reported, never duplicated nor changed.
    present: list[CaseRow] = field(default_factory=list)
    authorities: list[NewAuthority] = field(default_factory=list)

    def count(self, test):
        return sum(1 for row in self.new if test(row))

    @property
    def withdrawn(self):
        return self.count(lambda row: row.notification_status == Incident.Status.WITHDRAWN)

    @property
    def offline(self):
        return self.count(lambda row: row.channel == Channel.OFFLINE)

    @property
    def retrospective(self):
        return self.count(lambda row: row.retrospective)

    @property
    def with_rapid_review(self):
        return self.count(lambda row: row.rapid_review_received)

    @property
    def awaiting_rapid_review(self):
        """Notified, not withdrawn, no rapid review: their rapid review deadline stays open, as on any case."""
        return self.count(
            lambda row: row.notification_status == Incident.Status.NOTIFIED and not row.rapid_review_received
        )


def caselog_plan(*, log: CaseLog) -> ImportPlan:
    """What importing the log would do, read from the database; nothing is written."""
    if not log.is_valid:
        raise CaseLogInvalid(log.problems)
    references = [row.reference for row in log.rows]
    present = set()
    for start in range(0, len(references), BATCH_SIZE):
        chunk = references[start : start + BATCH_SIZE]
        present.update(Incident.objects.filter(reference__in=chunk).values_list("reference", flat=True))
    plan = ImportPlan()
    authorities = {}
    for row in log.rows:
        if row.reference in present:
            plan.present.append(row)
            continue
        plan.new.append(row)
        if row.authority is None:
            # caselog_read gave every row of an unknown authority its region, the same on each.
            authorities.setdefault(row.local_authority.casefold(), NewAuthority(row.local_authority, row.region))
    plan.authorities = list(authorities.values())
    return plan


def caselog_importer():
    """The user imported cases are created by, made the first time it is needed."""
    user = User.objects.filter(email=IMPORTER_EMAIL).first()
    return user or User.objects.create_user(IMPORTER_EMAIL, full_name=IMPORTER_NAME, is_active=False)


@transaction.atomic
def caselog_import(*, log: CaseLog, on_case: Callable[[CaseRow], None] | None = None) -> ImportPlan:
    """Import every case of a valid log in one transaction: all of them, or (on any error) none.

    A reference already in the service is skipped and counted, never duplicated nor updated: the
    service's record of a case is the one people have worked on since. `on_case` is called after each
    case is made (the command's progress bar).

    Cases are written BATCH_SIZE at a time, with their children, rapid reviews, timeline events and
    deadlines, each table in a few statements: a log of years of history is imported in a minute,
    not an hour of a query for every step of every case.
    """
    plan = caselog_plan(log=log)
    by = caselog_importer()
    on = today()
    calendar = WorkingCalendar.from_database()
    # Thousands of cases share each date: each due date is worked out once.
    add_working_days = functools.cache(calendar.add_working_days)
    authorities = _authorities_create(plan.authorities)
    for start in range(0, len(plan.new), BATCH_SIZE):
        rows = plan.new[start : start + BATCH_SIZE]
        for row in rows:
            row.authority = row.authority or authorities[row.local_authority.casefold()]
        events, deadlines = [], []
        for row, incident_id in zip(rows, _cases_create(rows, by=by), strict=True):
            events += _timeline_events(incident_id, row, by=by, on=on)
            deadlines += _deadlines(incident_id, row, on=on, add_working_days=add_working_days)
        _rows_create(TimelineEvent, events)
        _rows_create(Deadline, deadlines)
        if on_case:
            for row in rows:
                on_case(row)
    reference_sequences_advance(references=[row.reference for row in log.rows])
    return plan


def _authorities_create(new_authorities):
    made = {}
    for authority in new_authorities:
        region, _ = Region.objects.get_or_create(
            gss_code=REGIONS[authority.region], defaults={"name": authority.region}
        )
        partnership = Organisation.objects.filter(
            kind=Organisation.Kind.PARTNERSHIP, name__iexact=authority.partnership
        ).first() or Organisation.objects.create(
            kind=Organisation.Kind.PARTNERSHIP, name=authority.partnership, code=partnership_code(authority.partnership)
        )
        made[authority.name.casefold()] = Organisation.objects.create(
            kind=Organisation.Kind.LOCAL_AUTHORITY,
            name=authority.name,
            code=authority.code,
            region=region,
            partnership=partnership,
        )
    return made


def _cases_create(rows, *, by):
    """The cases, their children and their rapid reviews, a batch at a time, each with its history record.

    Returns the cases' ids, in the rows' order.
    """
    incident_ids = _rows_create(Incident, [_incident(row, by=by) for row in rows], history_by=by)

    children = []
    for row, incident_id in zip(rows, incident_ids, strict=True):
        # The index child as the log describes it; the others are known only to have been involved.
        children.append({"incident_id": incident_id, "is_index": True, **row.index_child})
        children += [{"incident_id": incident_id} for _ in range(row.children_involved - 1)]
    _rows_create(Child, children, history_by=by)

    reviews = [_rapid_review(row, incident_id) for row, incident_id in zip(rows, incident_ids, strict=True)]
    _rows_create(RapidReview, [review for review in reviews if review], history_by=by)
    return incident_ids


def _incident(row, *, by):
    offline = row.channel == Channel.OFFLINE
    return {
        "reference": row.reference,
        "status": row.notification_status,
        "channel": row.channel,
        "notifying_la_id": row.authority.pk,
        "incident_date": row.incident_date,
        "la_aware_date": row.la_aware_date,
        "reason": row.reason,
        "reason_at_notification": row.reason_at_notification,
        "notified_on": row.notification_date,
        "retrospective": row.retrospective,
        "withdrawn_reason": WITHDRAWN_REASON if row.notification_status == Incident.Status.WITHDRAWN else "",
        # An offline notification counts from the day it reached the Panel, which keyed it that day.
        "offline_received_on": row.notification_date if offline else None,
        "offline_keyed_on": row.notification_date if offline else None,
        "created_by_id": by.pk,
    }


def _rapid_review(row, incident_id):
    """The rapid review the Panel received, with what the statistics use.

    It has no RapidReviewVersion: a version is the document the partnership sent, with its completion
    date, rationale and sender, none of which the log holds. So no Panel response is expected of an
    imported review either. Nor is a local review opened for a decision that one was required: the log
    does not say what became of it, and the decision itself is kept here.
    """
    if not row.rapid_review_received:
        return None
    return {
        "incident_id": incident_id,
        "partnership_id": row.authority.partnership_id,
        "status": RapidReview.Status.SUBMITTED,
        "first_sent_on": row.rapid_review_date,
        "reason_at_review": row.reason_at_review,
        "likely_cause": row.likely_cause,
        "lcspr_decision": row.lcspr_decision,
        "panel_position": row.panel_position,
    }


def _timeline_events(incident_id, row, *, by, on):
    """The case's timeline: as incidents.workflow.timeline_record records each event."""
    details = {
        "imported_on": on.isoformat(),
        "status": row.notification_status,
        "channel": row.channel,
        "notified_on": row.notification_date and row.notification_date.isoformat(),
        "rapid_review_date": row.rapid_review_date and row.rapid_review_date.isoformat(),
        "retrospective": row.retrospective,
        "children": row.children_involved,
    }
    events = [
        {
            "incident_id": incident_id,
            "kind": CaseLogEvent.IMPORTED,
            "actor_id": by.pk,
            "summary": CaseLogEvent.IMPORTED.label,
            "details": details,
        }
    ]
    if row.reason_at_review and row.reason_at_review != row.reason_at_notification:
        # Kept as the service keeps a reason changed at rapid review (incidents.services.incident_reason_change).
        old, new = row.reason_at_notification, row.reason_at_review
        events.append(
            {
                "incident_id": incident_id,
                "kind": TimelineEvent.Kind.REASON_CHANGED,
                "actor_id": by.pk,
                "summary": f"Reason changed from {Reason(old).label.lower()} to {Reason(new).label.lower()} "
                "at rapid review",
                "details": {"field": "reason", "from": old, "to": new, "at": "rapid review"},
            }
        )
    return events


def _deadlines(incident_id, row, *, on, add_working_days):
    """The case's deadlines: those the services compute from its dates, less what the log cannot close.

    As incidents.services.incident_deadlines_refresh makes them for a new case: the notification's
    (aware + 5 working days, met on the notification date), an offline notification's confirmation
    (keyed + 5 working days; the Panel keyed it on the day it reached it) and the rapid review's
    (notification + 15 working days, none for a retrospective notification, whose review came first).
    As reviews.services.review_deadlines_refresh records it, the rapid review's is met on the day the
    review reached the Panel; an imported review has no versions and no local review, so nothing more
    is due. A deadline the log cannot close is cancelled on the import date (_kinds_the_log_cannot_close).
    tests/benchmarks/test_caselog.py checks these are the rows those services make.
    """
    authority = row.authority
    cancelled = _kinds_the_log_cannot_close(row)

    def deadline(kind, responsible, starts_on, working_days, met_on=None):
        return deadline_values(
            incident_id=incident_id,
            kind=kind,
            responsible_id=responsible,
            starts_on=starts_on,
            due_on=add_working_days(starts_on, working_days),
            met_on=met_on,
            cancelled_on=on if kind in cancelled else None,
        )

    made = []
    if row.la_aware_date:
        made.append(
            deadline(
                Deadline.Kind.NOTIFICATION,
                authority.pk,
                row.la_aware_date,
                NOTIFICATION_WORKING_DAYS,
                met_on=row.notification_date,
            )
        )
    if row.channel == Channel.OFFLINE:
        made.append(
            deadline(
                Deadline.Kind.OFFLINE_CONFIRMATION,
                authority.pk,
                row.notification_date,
                OFFLINE_CONFIRMATION_WORKING_DAYS,
            )
        )
    if row.notification_date and not row.retrospective and authority.partnership_id:
        made.append(
            deadline(
                Deadline.Kind.RAPID_REVIEW,
                authority.partnership_id,
                row.notification_date,
                RAPID_REVIEW_WORKING_DAYS,
                met_on=row.rapid_review_date,
            )
        )
    return made


def _kinds_the_log_cannot_close(row):
    """The kinds of deadline the import cancels on its date if open: those nobody can meet.

    domain.md: nothing stays open that nobody can close. A withdrawn notification needs nothing more
    (as incidents.services.incident_withdraw). A notification or a rapid review the log records as
    made, without its date, was made: it cannot be chased. An offline notification in the Panel's own
    log needs no confirmation from the authority. What the log records as not yet done (a rapid review
    not received) stays open, as on any case.
    """
    if row.notification_status == Incident.Status.WITHDRAWN:
        return set(Deadline.Kind)
    kinds = set()
    if row.notification_date is None:
        kinds.add(Deadline.Kind.NOTIFICATION)
    if row.channel == Channel.OFFLINE:
        kinds.add(Deadline.Kind.OFFLINE_CONFIRMATION)
    if row.rapid_review_received and row.rapid_review_date is None:
        kinds.add(Deadline.Kind.RAPID_REVIEW)
    return kinds


# Writing many rows ------------------------------------------------------------------------------------
# A case log holds years of cases, and the import writes every row of them: each new row is given as
# its fields' values ({attname: value}, the rest taking their defaults), not as a model instance, whose
# making costs more than writing it. bulk_create then spends most of its time in Python, preparing each
# value for an INSERT: on PostgreSQL the same rows are written with a binary COPY, in a tenth of the time.

# Fields whose Python value is the value stored (as get_db_prep_save gives it on PostgreSQL).
AS_THEY_ARE = frozenset(
    (
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "DateTimeField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    )
)
HISTORY_FIELDS = ("history_date", "history_change_reason", "history_type", "history_user")


def _rows_create(model, rows, *, history_by=None):
    """Insert new rows ({attname: value} each), and with `history_by` each one's history record (created,
    by that user), as bulk_create and simple_history.utils.bulk_create_with_history write them: by COPY
    on PostgreSQL, else with them.

    A history record names its row, so rows with history are given their ids first, from the table's
    sequence, and those ids are returned in order (rows written next may refer to them too). Rows
    without take theirs from the table as they are written, and None is returned.
    """
    if not rows:
        return []
    fields = model._meta.concrete_fields
    unknown = set().union(*rows) - {model_field.attname for model_field in fields}
    if unknown:
        raise TypeError(f"{model.__name__} has no fields {', '.join(sorted(unknown))}")
    if connection.vendor != "postgresql":
        objs = [model(**row) for row in rows]
        if history_by:
            bulk_create_with_history(objs, model, batch_size=BATCH_SIZE, default_user=history_by)
        else:
            model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
        return [obj.pk for obj in objs] if history_by else None

    ids = _ids_reserve(model, len(rows)) if history_by else None
    fields = [model_field for model_field in fields if ids or not model_field.primary_key]
    now = timezone.now()
    columns = []
    for model_field in fields:
        if model_field.primary_key:
            columns.append(ids)
            continue
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            default = now
        else:
            default = model_field.get_default()
        values = [row.get(model_field.attname, default) for row in rows]
        if model_field.get_internal_type() not in AS_THEY_ARE:
            values = [model_field.get_db_prep_save(value, connection) for value in values]
        columns.append(values)
    records = list(zip(*columns, strict=True))
    _copy(model, fields, records)
    if history_by:
        _history_copy(model, fields, records, by=history_by, at=now)
    return ids


def _ids_reserve(model, count):
    """Ids for new rows from the table's own sequence, as inserting them would take them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _history_copy(model, fields, records, *, by, at):
    """Each row's history record: its tracked values, created ("+") by `by`, with no reason given, as
    simple_history's HistoryManager.bulk_history_create makes them."""
    history = model.history.model
    tracked = {tracked_field.name for tracked_field in history.tracked_fields}
    positions = [n for n, model_field in enumerate(fields) if model_field.name in tracked]
    history_fields = [history._meta.get_field(fields[n].name) for n in positions]
    history_fields += [history._meta.get_field(name) for name in HISTORY_FIELDS]
    recorded = (at, None, "+", by.pk)
    _copy(history, history_fields, [tuple(record[n] for n in positions) + recorded for record in records])


def _copy(model, fields, records):
    """COPY records of the fields' values into the model's table, in PostgreSQL's binary format: each value
    is sent as its column's type (as Django's bulk insert casts them, with no length), never as text."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model_field.column) for model_field in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy,
    ):
        copy.set_types([model_field.db_type(connection).split("(")[0] for model_field in fields])
        for record in records:
            copy.write_row(record)


def reference_sequences_advance(*, references):
    """Move each year's sequence past the highest case number given, so incidents.services.reference_next
    never issues a reference that is already taken. A sequence already further on is left as it is."""
    highest = {}
    for reference in references:
        _prefix, year, number = reference.split("-")
        highest[int(year)] = max(highest.get(int(year), 0), int(number))
    for year, number in sorted(highest.items()):
        ReferenceSequence.objects.get_or_create(year=year)
        ReferenceSequence.objects.filter(year=year, last_number__lt=number).update(last_number=number)
