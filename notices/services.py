"""The reminder engine: one pass finds what has fallen due, claims each reminder once, and sends it.

Driven by the database, never by messages queued ahead: every pass works out from the deadlines what is
due now, so a pass missed (a broker down, a worker stopped) is caught up by the next. Each reminder is a
row, made once (a unique constraint) and claimed once by a compare-and-set update, as healthchecks
claims a flip: of two passes at once, only the one whose update changed the row sends it.
"""

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from notifications_python_client.notifications import NotificationsAPIClient

from deadlines.models import Deadline
from deadlines.workingdays import WorkingCalendar, add_months
from incidents.models import TimelineEvent
from letters.models import LetterEvent
from organisations.models import Membership, Organisation, Role
from reviews.models import ReviewEvent

from .models import Notice, Rung

# A claim older than this was left by a pass that died between claiming and sending (a worker killed, a
# machine lost): a later pass claims the notice again, still by compare-and-set, so it is neither lost nor
# sent by two passes. Far longer than a live pass ever holds a claim: each person's notices are claimed
# just before their one email goes, and that send is bounded by EMAIL_TIMEOUT (SMTP) or the Notify
# client's HTTP timeout, seconds each, so no living pass has a claim taken from under it.
CLAIM_TIMEOUT = datetime.timedelta(minutes=15)

# A failed send is tried again after these waits; after the last it is marked failed.
RETRY_AFTER = (datetime.timedelta(minutes=5), datetime.timedelta(minutes=30), datetime.timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_AFTER) + 1

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


def reminder_due(deadline, rungs, *, today, calendar):
    """The rung (and repeat) due for this deadline now: the latest date on its ladder that has come, not
    before the deadline began. Earlier ones a pass missed are not sent late: the latest says it all."""
    latest = None
    for rung in rungs:
        repeat = 0
        while True:
            day = rung_date(rung, deadline.due_on, calendar=calendar, repeat=repeat)
            if day > today:
                break
            if day >= deadline.starts_on and (latest is None or day > latest[2]):
                latest = (rung, repeat, day)
            if not rung.repeat_every:
                break
            repeat += 1
    return latest


def recipients(deadline, rung):
    """The people whose role acts on the deadline in the responsible organisation; with an escalating
    rung, the Panel secretariat too (and a partnership's leads, for its authority's deadline). Returns
    their user ids, and the team mailboxes of the organisations told."""
    responsible = deadline.responsible
    people = Q(organisation=responsible, role=ACTING_ROLE[responsible.kind])
    organisations = Q(pk=responsible.pk)
    if rung.escalate:
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


def reminders_make(*, now, calendar=None):
    """Make the rows for what has fallen due on every open deadline; returns how many rows were new."""
    calendar = calendar or WorkingCalendar.from_database()
    today = timezone.localdate(now)
    ladders = {}
    for rung in Rung.objects.all():
        ladders.setdefault(rung.deadline_kind, []).append(rung)
    rows = []
    deadlines = Deadline.objects.open().filter(kind__in=ladders).select_related("responsible")
    for deadline in deadlines.iterator():
        due = reminder_due(deadline, ladders[deadline.kind], today=today, calendar=calendar)
        if due is None:
            continue
        rung, repeat, day = due
        values = {
            "incident_id": deadline.incident_id,
            "deadline": deadline,
            "rung": rung,
            "occurrence": repeat,
            "due_on": day,
            "next_attempt_at": now,
        }
        rows += _addressed(values, *recipients(deadline, rung))
    before = Notice.objects.count()
    # A row that exists already (made by an earlier or a simultaneous pass) is left as it is.
    Notice.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return Notice.objects.count() - before


def reminders_stop():
    """A deadline met or cancelled sends nothing more: its waiting reminders are stopped.

    Only reminders: a message (no deadline) waiting for a retry, or left by a pass that died, is still sent.
    """
    return (
        Notice.objects.filter(status=Notice.Status.PENDING, deadline__isnull=False)
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


def message_recipients(incident, audiences):
    """The people told of an event, and their organisations' team mailboxes."""
    la = incident.notifying_la
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
    """Make a message for each person told of each recent event; returns how many rows were new."""
    events = TimelineEvent.objects.filter(kind__in=MESSAGES, at__gte=now - MESSAGES_LOOK_BACK, at__lte=now)
    rows = []
    for event in events.select_related("incident__notifying_la").iterator():
        user_ids, mailboxes = message_recipients(event.incident, MESSAGES[event.kind])
        user_ids = [user_id for user_id in user_ids if user_id != event.actor_id]  # not told of what they did
        values = {
            "incident_id": event.incident_id,
            "event": event,
            "due_on": timezone.localdate(event.at),
            "next_attempt_at": now,
        }
        rows += _addressed(values, user_ids, mailboxes)
    before = Notice.objects.count()
    Notice.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return Notice.objects.count() - before


# Sending -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Addressee:
    """Who a digest goes to: a person (with their name) or a team mailbox (with none)."""

    email: str
    name: str


def claimable(now):
    """Notices no pass holds: never claimed, or claimed by a pass that died before sending (CLAIM_TIMEOUT)."""
    return Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)


def notice_claim(notice_id, *, now):
    """Claim a notice for this pass: True for the one pass whose update changed the row.

    Of two passes taking one at once (new, or left by a dead pass), the second's update finds the first's
    fresh claim and changes nothing. One moment stays open: a pass killed after the mail server took the
    email and before the row says so leaves a claim a later pass sends again; SMTP gives no way to ask.
    Through GOV.UK Notify even that is sent once: notify_send looks up its reference first.
    """
    return bool(
        Notice.objects.filter(claimable(now), pk=notice_id, status=Notice.Status.PENDING).update(claimed_at=now)
    )


def digest_send(addressee, notices, *, today):
    """One email to one person (or team mailbox) with everything for them in this pass. Never a child's name."""
    items = [
        {
            "reference": notice.incident.reference,
            "what": notice.what,
            "due_on": notice.deadline.due_on if notice.deadline_id else None,
            "when": _when(notice.deadline.due_on, today=today) if notice.deadline_id else "",
            "happened_on": notice.due_on,
        }
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

    Each person's notices are claimed just before their email goes, at the pass's own clock (`now` moved on
    by the time the pass has taken so far), so a living pass's claim is never older than one send.
    """
    send = send or digest_send
    today = timezone.localdate(now)
    started = time.monotonic()
    due = Notice.objects.filter(claimable(now), status=Notice.Status.PENDING, next_attempt_at__lte=now)
    by_person = {}
    for notice in due.select_related("recipient", "incident", "deadline", "event"):
        addressee = Addressee(
            email=notice.address, name=(notice.recipient.full_name or notice.address) if notice.recipient_id else ""
        )
        by_person.setdefault(addressee, []).append(notice)
    sent = 0
    for person, candidates in by_person.items():
        claimed_at = now + datetime.timedelta(seconds=time.monotonic() - started)
        theirs = []
        for notice in candidates:
            if not notice_claim(notice.pk, now=claimed_at):
                continue  # another pass has it
            if notice.deadline_id and notice.deadline.status != Deadline.Status.OPEN:
                Notice.objects.filter(pk=notice.pk).update(status=Notice.Status.STOPPED)
                continue
            theirs.append(notice)
        if not theirs:
            continue
        ids = [notice.pk for notice in theirs]
        try:
            send(person, sorted(theirs, key=lambda n: (n.due_on, n.pk)), today=today)
        except Exception as error:  # any failure to send is tried again on a later pass
            _failed(theirs, error=error, now=now)
            continue
        Notice.objects.filter(pk__in=ids).update(status=Notice.Status.SENT, sent_at=now)
        sent += len(ids)
    return sent


def _failed(notices, *, error, now):
    for notice in notices:
        attempts = notice.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            values = {"status": Notice.Status.FAILED}
        else:
            values = {"claimed_at": None, "next_attempt_at": now + RETRY_AFTER[attempts - 1]}
        Notice.objects.filter(pk=notice.pk).update(attempts=attempts, last_error=str(error)[:500], **values)


def reminders_pass(*, now=None):
    """One pass of the engine: stop what is no longer needed, make what has fallen due, send it."""
    now = now or timezone.now()
    stopped = reminders_stop()
    made = reminders_make(now=now) + messages_make(now=now)
    sent = notices_send(now=now)
    return {"stopped": stopped, "made": made, "sent": sent}
