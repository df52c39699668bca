"""The reminder engine: one pass finds what has fallen due, claims each reminder once, and sends it.

Driven by the database, never by messages queued ahead: every pass works out from the deadlines what is
due now, so a pass missed (a broker down, a worker stopped) is caught up by the next. Each reminder is a
row, made once (a unique constraint) and claimed once by a compare-and-set update, as healthchecks
claims a flip: of two passes at once, only the one whose update changed the row sends it.
"""

import datetime
import functools
import operator
import time
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from notifications_python_client.notifications import NotificationsAPIClient

from deadlines.models import REMINDER_LOOK_ON, Deadline
from deadlines.workingdays import WorkingCalendar, add_months
from incidents.models import TimelineEvent
from letters.models import LetterEvent
from organisations.models import Membership, Organisation, Role
from reviews.models import ReviewEvent

from .models import EventTold, Notice, Rung

# A claim older than this was left by a pass that died between claiming and sending (a worker killed, a
# machine lost): a later pass claims the notice again, still by compare-and-set, so it is neither lost nor
# sent by two passes. Far longer than a live pass ever holds a claim: each person's notices are claimed
# just before their one email goes, and that send is bounded by EMAIL_TIMEOUT (SMTP) or the Notify
# client's HTTP timeout, seconds each, so no living pass has a claim taken from under it.
CLAIM_TIMEOUT = datetime.timedelta(minutes=15)

# A failed send is tried again after these waits; after the last it is marked failed.
RETRY_AFTER = (datetime.timedelta(minutes=5), datetime.timedelta(minutes=30), datetime.timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_AFTER) + 1

# Deadline.next_reminder_on of a deadline whose ladder has no date still to come (a kind without a ladder,
# or past its last rung that does not repeat): no pass looks at it again unless its due date or status
# changes, or its kind's ladder does (deadlines_look_again), each of which sets it back to NULL.
NO_MORE_RUNGS = datetime.date.max

# Rows written or claimed in one statement, at most (SQLite allows 32,766 parameters in one).
BATCH_SIZE = 1000
# Deadlines given one next look in one statement: at most those of so many due dates, each a condition.
DUE_DATES_A_STATEMENT = 200

# Who acts on a deadline, by the kind of organisation responsible for it.
ACTING_ROLE = {
    Organisation.Kind.LOCAL_AUTHORITY: Role.LA_NOTIFIER,
    Organisation.Kind.PARTNERSHIP: Role.PARTNERSHIP_LEAD,
    Organisation.Kind.PANEL: Role.PANEL_SECRETARIAT,
}


def rung_date(rung, due_on, *, calendar, repeat=0):
    """The date a rung (or its nth repeat) falls on, counted from the deadline's due date."""
    offset = rung.offset + repeat * (rung.repeat_every or 0)
    if rung.unit == Rung.Unit.MONTHS:
        return add_months(due_on, offset)
    return calendar.add_working_days(due_on, offset)


def rung_around(rung, due_on, *, today, calendar):
    """Where today falls among a rung's dates (the rung, then each repeat): the last that has come, as
    (repeat, date), and the first still to come; either is None where there is none.

    A rung that repeats has its count worked out from the working days (or months) since the due date and
    then checked against its dates, rather than by stepping through them: a deadline years overdue has
    hundreds of repeats behind it.
    """
    day = functools.cache(lambda repeat: rung_date(rung, due_on, calendar=calendar, repeat=repeat))
    if not rung.repeat_every:
        return ((0, day(0)), None) if day(0) <= today else (None, day(0))
    if rung.unit == Rung.Unit.MONTHS:
        since = (today.year - due_on.year) * 12 + today.month - due_on.month
    else:
        since = calendar.working_day_lag(due_on, today)
    come = max(0, (since - rung.offset) // rung.repeat_every + 1)  # how many have come, but for a day or so
    while come and day(come - 1) > today:
        come -= 1
    while day(come) <= today:
        come += 1
    return ((come - 1, day(come - 1)) if come else None), day(come)


def ladder_around(rungs, due_on, *, today, calendar):
    """Where today falls on a ladder, for a deadline due on `due_on`: the last date of each rung that has
    come, as (rung, repeat, date), and the first date on the ladder still to come, or NO_MORE_RUNGS."""
    come, upcoming = [], NO_MORE_RUNGS
    for rung in rungs:
        last, following = rung_around(rung, due_on, today=today, calendar=calendar)
        if last is not None:
            come.append((rung, *last))
        if following is not None:
            upcoming = min(upcoming, following)
    return come, upcoming


def reminder_due(deadline, come):
    """The rung (and repeat) due for this deadline now, of the dates on its ladder that have come
    (ladder_around): the latest, not before the deadline began. Earlier ones a pass missed are not sent
    late: the latest says it all."""
    latest = None
    for rung, repeat, day in come:
        if day >= deadline.starts_on and (latest is None or day > latest[2]):
            latest = (rung, repeat, day)
    return latest


def recipients(responsible, escalate):
    """The people whose role acts on a deadline in the responsible organisation; with an escalating rung,
    the Panel secretariat too (and a partnership's leads, for its authority's deadline). Returns their user
    ids, and the team mailboxes of the organisations told."""
    people = Q(organisation=responsible, role=ACTING_ROLE[responsible.kind])
    organisations = Q(pk=responsible.pk)
    if escalate:
        people |= Q(role=Role.PANEL_SECRETARIAT)
        organisations |= Q(kind=Organisation.Kind.PANEL)
        if responsible.partnership_id:
            people |= Q(organisation_id=responsible.partnership_id, role=Role.PARTNERSHIP_LEAD)
            organisations |= Q(pk=responsible.partnership_id)
    memberships = Membership.objects.filter(people, user__is_active=True)
    return sorted(set(memberships.values_list("user_id", flat=True))), _mailboxes(organisations)


def _mailboxes(organisations):
    return sorted(
        set(Organisation.objects.filter(organisations).exclude(team_mailbox="").values_list("team_mailbox", flat=True))
    )


def _addressed(notice_values, user_ids, mailboxes):
    """One notice for each person and each team mailbox."""
    return [Notice(recipient_id=user_id, **notice_values) for user_id in user_ids] + [
        Notice(mailbox=mailbox, **notice_values) for mailbox in mailboxes
    ]


def _notices_create(rows, *, counted_among):
    """Insert the rows; one that exists already (made by an earlier or a simultaneous pass) is left as it is.
    Returns how many were new, counted among `counted_among` (the notices of the deadlines or events the
    rows are for) rather than across the whole table."""
    if not rows:
        return 0
    mine = Notice.objects.filter(counted_among)
    before = mine.count()
    Notice.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH_SIZE)
    return mine.count() - before


def reminders_make(*, now, calendar=None):
    """Make the rows for what has fallen due on the open deadlines; returns how many rows were new.

    A pass reads only the deadlines it must look at today (Deadline.next_reminder_on come, or not yet worked
    out): between two dates on its ladder nothing about a deadline's reminders changes. Each one read is
    given the next date on its ladder, so the work of a pass follows what is due, not how many are open.
    """
    today = timezone.localdate(now)
    looked_at = Deadline.objects.alias(look_on=REMINDER_LOOK_ON).filter(look_on__lte=today)
    deadlines = list(looked_at.select_related("responsible").order_by())  # in no order: read off their index
    if not deadlines:
        return 0
    calendar = calendar or WorkingCalendar.from_database()
    ladders = {}
    for rung in Rung.objects.all():
        ladders.setdefault(rung.deadline_kind, []).append(rung)
    # Once a pass for each kind and due date, and each organisation's people, rather than once a deadline.
    around = functools.cache(
        lambda kind, due_on: ladder_around(ladders.get(kind, []), due_on, today=today, calendar=calendar)
    )
    told = functools.cache(recipients)
    rows, next_looks = [], defaultdict(list)
    for deadline in deadlines:
        come, next_on = around(deadline.kind, deadline.due_on)
        due = reminder_due(deadline, come)
        if due is not None:
            rung, repeat, day = due
            values = {
                "incident_id": deadline.incident_id,
                "deadline": deadline,
                "rung": rung,
                "occurrence": repeat,
                "due_on": day,
                "next_attempt_at": now,
            }
            rows += _addressed(values, *told(deadline.responsible, rung.escalate))
        # Until the first date still to come, reminder_due gives the same answer every day.
        next_looks[deadline.due_on, next_on].append(deadline.pk)
    made = _notices_create(rows, counted_among=Q(deadline__in={row.deadline_id for row in rows}))
    _next_looks_record(next_looks)
    return made


def _next_looks_record(next_looks):
    """Give each deadline read its next look, {(due date read, next look): [deadline ids]}, in a statement for
    each date of a next look (or for each so many due dates).

    Only once its rows are made (a pass that dies before this leaves the deadline to the next one), and
    only while its due date is the one read and it is still open: a deadline changed during the pass
    keeps the NULL its change gave it, and the next pass looks at it afresh.
    """
    by_next_on = defaultdict(list)
    for (due_on, next_on), ids in next_looks.items():
        by_next_on[next_on].append(Q(pk__in=ids, due_on=due_on))
    for next_on, as_read in by_next_on.items():
        for start in range(0, len(as_read), DUE_DATES_A_STATEMENT):
            read = functools.reduce(operator.or_, as_read[start : start + DUE_DATES_A_STATEMENT])
            Deadline.objects.open().filter(read).update(next_reminder_on=next_on)


def deadlines_look_again(*, kinds):
    """Have the next pass look again at the open deadlines of these kinds, whose ladder has changed: each
    one's next date (Deadline.next_reminder_on) was worked out on the old ladder."""
    return Deadline.objects.open().filter(kind__in=kinds).update(next_reminder_on=None)


def reminders_stop(*, now=None):
    """A deadline met or cancelled sends nothing more: its waiting reminders are stopped.

    Only those waiting for a later try: one whose time has come is stopped as it is claimed (notices_send),
    which reads it anyway. So this reads the pending notices' index after `now` alone, which stays short
    even just after a large pass, whose sent notices leave entries before `now` until the table is vacuumed.
    Only reminders: a message (no deadline) waiting for a retry, or left by a pass that died, is still sent.
    """
    now = now or timezone.now()
    return (
        Notice.objects.filter(status=Notice.Status.PENDING, next_attempt_at__gt=now, deadline__isnull=False)
        .exclude(deadline__status=Deadline.Status.OPEN)
        .update(status=Notice.Status.STOPPED)
    )


# Case messages -----------------------------------------------------------------------------------------

# What happened to a case, and who is told of it: the notifying authority's notifiers ("la"), its
# partnership's leads ("partnership") and the Panel's secretariat ("secretariat").
MESSAGES = {
    TimelineEvent.Kind.SUBMITTED: ("partnership", "secretariat"),  # the rapid review's clock has started
    TimelineEvent.Kind.KEYED_OFFLINE: ("la", "partnership", "secretariat"),
    TimelineEvent.Kind.RETROSPECTIVE_REQUESTED: ("la", "partnership"),
    ReviewEvent.RAPID_REVIEW_SENT: ("secretariat",),
    ReviewEvent.RAPID_REVIEW_RETURNED: ("la", "partnership"),
    LetterEvent.ISSUED: ("la", "partnership"),
}
# Messages are made from the timeline for this long after the event: a pass missed by less is caught up.
MESSAGES_LOOK_BACK = datetime.timedelta(days=7)


def message_recipients(la, audiences):
    """The people told of an event on a case notified by this local authority, and their organisations'
    team mailboxes."""
    people, organisations = Q(pk__in=[]), Q(pk__in=[])
    if "la" in audiences:
        people |= Q(organisation=la, role=Role.LA_NOTIFIER)
        organisations |= Q(pk=la.pk)
    if "partnership" in audiences and la.partnership_id:
        people |= Q(organisation_id=la.partnership_id, role=Role.PARTNERSHIP_LEAD)
        organisations |= Q(pk=la.partnership_id)
    if "secretariat" in audiences:
        people |= Q(role=Role.PANEL_SECRETARIAT)
        organisations |= Q(kind=Organisation.Kind.PANEL)
    # Messages are a choice (organisations.User.wants_case_messages); reminders are not.
    memberships = Membership.objects.filter(people, user__is_active=True, user__wants_case_messages=True)
    return sorted(set(memberships.values_list("user_id", flat=True))), _mailboxes(organisations)


def messages_make(*, now):
    """Make a message for each person told of each recent event; returns how many rows were new.

    An event is told once, to the people there are when a pass first reads it: its messages and the record
    that it was told (EventTold) are written together, and a pass reads only the recent events not yet told.
    """
    told_already = EventTold.objects.filter(event=OuterRef("pk"))
    events = TimelineEvent.objects.filter(
        ~Exists(told_already), kind__in=MESSAGES, at__gte=now - MESSAGES_LOOK_BACK, at__lte=now
    )
    events = list(events.select_related("incident__notifying_la"))
    if not events:
        return 0
    told = functools.cache(message_recipients)  # looked up once a pass for each authority, not once an event
    rows = []
    for event in events:
        user_ids, mailboxes = told(event.incident.notifying_la, MESSAGES[event.kind])
        user_ids = [user_id for user_id in user_ids if user_id != event.actor_id]  # not told of what they did
        values = {
            "incident_id": event.incident_id,
            "event": event,
            "due_on": timezone.localdate(event.at),
            "next_attempt_at": now,
        }
        rows += _addressed(values, user_ids, mailboxes)
    with transaction.atomic():
        made = _notices_create(rows, counted_among=Q(event__in=events))
        EventTold.objects.bulk_create(
            [EventTold(event=event, told_at=now) for event in events], ignore_conflicts=True, batch_size=BATCH_SIZE
        )
    return made


# Sending -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Addressee:
    """Who a digest goes to: a person (with their name) or a team mailbox (with none)."""

    email: str
    name: str


@dataclass(frozen=True)
class Due:
    """A notice whose time has come, as its digest shows it: read as plain values, not model instances, as
    one pass may read a hundred thousand."""

    pk: int
    attempts: int
    due_on: datetime.date  # the rung's date, or the day of the event
    reference: str
    what: str
    deadline_id: int | None
    deadline_due_on: datetime.date | None
    deadline_open: bool


def claimable(now):
    """Notices no pass holds: never claimed, or claimed by a pass that died before sending (CLAIM_TIMEOUT)."""
    return Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)


def notices_claim(notice_ids, *, now):
    """Claim these notices for this pass, in one statement for up to BATCH_SIZE of them: returns the ids of
    those this pass's update changed, which are this pass's alone.

    The compare-and-set is in the UPDATE's own WHERE (pending, and claimable as claimable() says), which
    PostgreSQL checks again on a row another pass changed meanwhile, so of two passes only one changes each
    row. Its ids come back through RETURNING (PostgreSQL, SQLite 3.35+): reading back the rows claimed at
    this pass's time could take for its own a row another pass claimed at the same microsecond.
    """
    table, pk = connection.ops.quote_name(Notice._meta.db_table), connection.ops.quote_name(Notice._meta.pk.column)
    at = connection.ops.adapt_datetimefield_value
    claimed = set()
    for start in range(0, len(notice_ids), BATCH_SIZE):
        batch = list(notice_ids[start : start + BATCH_SIZE])
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET claimed_at = %s"  # noqa: S608 (names from the model, values as parameters)
                f" WHERE {pk} IN ({', '.join(['%s'] * len(batch))}) AND status = %s"
                f" AND (claimed_at IS NULL OR claimed_at < %s) RETURNING {pk}",
                [at(now), *batch, Notice.Status.PENDING, at(now - CLAIM_TIMEOUT)],
            )
            claimed.update(notice_id for (notice_id,) in cursor.fetchall())
    return claimed


def notice_claim(notice_id, *, now):
    """Claim a notice for this pass: True for the one pass whose update changed the row.

    Of two passes taking one at once (new, or left by a dead pass), the second's update finds the first's
    fresh claim and changes nothing. One moment stays open: a pass killed after the mail server took the
    email and before the row says so leaves a claim a later pass sends again; SMTP gives no way to ask.
    Through GOV.UK Notify even that is sent once: notify_send looks up its reference first.
    """
    return notice_id in notices_claim([notice_id], now=now)


def digest_send(addressee, notices, *, today):
    """One email to one person (or team mailbox) with everything for them in this pass (Due records). Never a
    child's name."""
    language = translation.get_language()
    items = [
        {"reference": notice.reference, "what": notice.what, "said": _said(notice, today=today, language=language)}
        for notice in notices
    ]
    context = {"name": addressee.name, "items": items, "service_url": settings.SERVICE_URL}
    if len(notices) == 1:
        subject = f"{items[0]['what']}: {items[0]['reference']}"
    else:
        subject = f"{len(notices)} things on your cases"
    body = render_to_string("notices/digest.txt", context)
    if settings.NOTIFY_API_KEY:
        notify_send(addressee.email, subject=subject, body=body, reference=notify_reference(notices))
        return
    send_mail(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [addressee.email],
        html_message=render_to_string("notices/digest.html", context),
    )


def _said(notice, *, today, language):
    """What a digest says of a notice, after its case's reference: "Rapid review, due 6 October 2022 (7 days
    left)", or of a message "Notification submitted, on 14 September 2022". Put together here rather than
    in the templates, which then have two values to show for each of thousands of items in a pass."""
    if notice.deadline_id:
        due_on = notice.deadline_due_on
        return f"{notice.what}, due {_long_date(due_on, language)} ({_when(due_on, today=today)})"
    return f"{notice.what}, on {_long_date(notice.due_on, language)}"


@functools.lru_cache(maxsize=4096)
def _long_date(day, language):
    """ "6 October 2022". Worked out once for each date: a pass puts thousands of items on a few hundred dates,
    and the template's date filter looks up the month's name in the translations each time."""
    return date_format(day, "j F Y")


def notify_reference(notices):
    """The rows' ids, as GOV.UK Notify's `reference`: what a retry looks up before sending again."""
    return "notices-" + "-".join(str(pk) for pk in sorted(notice.pk for notice in notices))


def notify_send(email, *, subject, body, reference):
    """Send through GOV.UK Notify's generic template (NOTIFY_TEMPLATE_ID, with ((subject)) and ((body))),
    unless a notification with this reference was already accepted: a send whose answer was lost is not
    sent twice when it is tried again."""
    client = NotificationsAPIClient(settings.NOTIFY_API_KEY)
    if client.get_all_notifications(reference=reference).get("notifications"):
        return
    client.send_email_notification(
        email_address=email,
        template_id=settings.NOTIFY_TEMPLATE_ID,
        personalisation={"subject": subject, "body": body},
        reference=reference,
    )


def _when(due_on, *, today):
    days = (due_on - today).days
    if days == 0:
        return "due today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"{-days} day{'s' if days != -1 else ''} overdue"


def notices_send(*, now, send=None):
    """Send each person one digest of everything whose time has come. Returns how many notices were sent.

    Each person's notices are claimed together just before their email goes, at the pass's own clock (`now`
    moved on by the time the pass has taken so far), so a living pass's claim is never older than one send.
    A statement each: the claim, the stop of any whose deadline was met or cancelled (as read at the start
    of the pass), and once the email has gone, sent, written in the commit of the next person's claim.
    """
    send = send or digest_send
    today = timezone.localdate(now)
    started = time.monotonic()
    sent, unrecorded = 0, []
    try:
        for person, candidates in _due_by_person(now).items():
            claimed_at = now + datetime.timedelta(seconds=time.monotonic() - started)
            with transaction.atomic(savepoint=False):
                # The last person's email has gone: the rows say so in the commit that claims this person's,
                # one commit (one wait for the disk) a person. Nothing is sent between the two.
                _sent_record(unrecorded, now=now)
                claimed = notices_claim([notice.pk for notice in candidates], now=claimed_at)
            unrecorded = []
            theirs, closed = [], []
            for notice in candidates:
                if notice.pk not in claimed:
                    continue  # another pass has it
                if notice.deadline_id and not notice.deadline_open:
                    closed.append(notice.pk)
                else:
                    theirs.append(notice)
            if closed:
                Notice.objects.filter(pk__in=closed).update(status=Notice.Status.STOPPED)
            if not theirs:
                continue
            try:
                send(person, sorted(theirs, key=lambda n: (n.due_on, n.pk)), today=today)
            except Exception as error:  # any failure to send is tried again on a later pass
                _failed(theirs, error=error, now=now)
                continue
            unrecorded = [notice.pk for notice in theirs]
            sent += len(theirs)
    finally:
        _sent_record(unrecorded, now=now)
    return sent


def _due_by_person(now):
    """The notices whose time has come and that no pass holds, by whom they go to, with what their digest
    shows (and no more: a pass may read a hundred thousand)."""
    due = Notice.objects.filter(claimable(now), status=Notice.Status.PENDING, next_attempt_at__lte=now)
    if not due.order_by("next_attempt_at").values_list("pk", flat=True)[:1]:
        # Most passes: the first entry of the pending notices' index, which its order makes the plan
        # whatever the table's figures say (after a large pass they count its notices as pending still).
        return {}
    kinds = {kind: str(label) for kind, label in Deadline.Kind.choices}  # each label translated once a pass
    rows = due.values(
        *("pk", "attempts", "due_on", "mailbox", "deadline_id", "recipient_id"),
        reference=F("incident__reference"),
        summary=F("event__summary"),
        kind=F("deadline__kind"),
        deadline_due_on=F("deadline__due_on"),
        deadline_status=F("deadline__status"),
        email=F("recipient__email"),
        full_name=F("recipient__full_name"),
    )
    by_person = {}
    for row in rows:
        if row["recipient_id"]:
            addressee = Addressee(email=row["email"], name=row["full_name"] or row["email"])
        else:
            addressee = Addressee(email=row["mailbox"], name="")
        notice = Due(
            pk=row["pk"],
            attempts=row["attempts"],
            due_on=row["due_on"],
            reference=row["reference"],
            what=kinds.get(row["kind"], row["kind"]) if row["deadline_id"] else row["summary"],
            deadline_id=row["deadline_id"],
            deadline_due_on=row["deadline_due_on"],
            deadline_open=row["deadline_status"] == Deadline.Status.OPEN,
        )
        by_person.setdefault(addressee, []).append(notice)
    return by_person


def _sent_record(notice_ids, *, now):
    """Mark the notices sent, in SQL written out as notices_claim's is: once for every person of a pass,
    where building the ORM's update took longer than the database took to run it."""
    table, pk = connection.ops.quote_name(Notice._meta.db_table), connection.ops.quote_name(Notice._meta.pk.column)
    for start in range(0, len(notice_ids), BATCH_SIZE):
        batch = list(notice_ids[start : start + BATCH_SIZE])
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET status = %s, sent_at = %s"  # noqa: S608 (names from the model, values as parameters)
                f" WHERE {pk} IN ({', '.join(['%s'] * len(batch))})",
                [Notice.Status.SENT, connection.ops.adapt_datetimefield_value(now), *batch],
            )


def _failed(notices, *, error, now):
    """Each notice's try is counted: it waits for its next, or is failed after the last (one update for all
    those on the same try)."""
    by_attempts = defaultdict(list)
    for notice in notices:
        by_attempts[notice.attempts + 1].append(notice.pk)
    for attempts, ids in by_attempts.items():
        if attempts >= MAX_ATTEMPTS:
            values = {"status": Notice.Status.FAILED}
        else:
            values = {"claimed_at": None, "next_attempt_at": now + RETRY_AFTER[attempts - 1]}
        Notice.objects.filter(pk__in=ids).update(attempts=attempts, last_error=str(error)[:500], **values)


def reminders_pass(*, now=None):
    """One pass of the engine: stop what is no longer needed, make what has fallen due, send it."""
    now = now or timezone.now()
    stopped = reminders_stop(now=now)
    made = reminders_make(now=now) + messages_make(now=now)
    sent = notices_send(now=now)
    return {"stopped": stopped, "made": made, "sent": sent}
