"""The work of a reminder pass follows what is due, not how much there is: a pass looks at a deadline only on
the dates of its ladder, an event only until it is told, each organisation's people once, and each person's
digest is claimed and marked sent in a statement each."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deadlines.models import Deadline
from deadlines.services import deadline_schedule, deadlines_cancel_open
from notices import services
from notices.ladders import rungs_default_seed
from notices.models import EventTold, Notice, Rung
from notices.services import (
    CLAIM_TIMEOUT,
    NO_MORE_RUNGS,
    deadlines_look_again,
    messages_make,
    notice_claim,
    notices_claim,
    notices_send,
    reminders_pass,
)

from .test_reminders import at, told

D = datetime.date.fromisoformat
pytestmark = pytest.mark.django_db

# A pass with nothing due: stop what is no longer needed, find the deadlines to look at today, the events
# not yet told and the notices whose time has come. Four statements, whatever the size of the tables.
EMPTY_PASS_STATEMENTS = 4


@pytest.fixture(autouse=True)
def ladders(db):
    rungs_default_seed()


@pytest.fixture
def rapid_review(notified, leeds_lead):
    """The Leeds case's rapid review, due on 6 October 2022: its ladder's dates are 29 September (5 working
    days before), 4 October (2 before), the 6th, the 7th (escalated) and every 5 working days after that."""
    deadline = Deadline.objects.get(incident=notified, kind=Deadline.Kind.RAPID_REVIEW)
    assert deadline.due_on == D("2022-10-06")
    return deadline


def next_look(deadline):
    deadline.refresh_from_db()
    return deadline.next_reminder_on


def recommendations(incident, *, due_on, count, first=0):
    """`count` open recommendation deadlines of the case, each for Leeds to act on by `due_on`."""
    return [
        deadline_schedule(
            incident=incident,
            kind=Deadline.Kind.RECOMMENDATION,
            subject=f"Recommendation {n}",
            responsible=incident.notifying_la,
            starts_on=D("2022-09-14"),
            due_on=due_on,
        )
        for n in range(first, first + count)
    ]


def test_it_gives_each_deadline_it_looks_at_the_next_date_on_its_ladder(rapid_review, secretariat):
    reminders_pass(now=at("2022-09-28"))
    assert next_look(rapid_review) == D("2022-09-29")
    reminders_pass(now=at("2022-09-29"))
    assert next_look(rapid_review) == D("2022-10-04")
    reminders_pass(now=at("2022-10-10"))  # days late: the 7th's escalation is sent, and its first repeat is next
    assert next_look(rapid_review) == D("2022-10-14")
    assert Notice.objects.filter(deadline=rapid_review).count() == 3  # the lead, the lead again, the secretariat


def test_a_pass_with_nothing_due_reads_nothing_however_many_deadlines_are_open(
    rapid_review, secretariat, django_assert_num_queries
):
    reminders_pass(now=at("2022-09-15"))  # tells of the notification, and works out each deadline's next look
    assert told(mail.outbox)
    with django_assert_num_queries(EMPTY_PASS_STATEMENTS):
        assert reminders_pass(now=at("2022-09-15", 15)) == {"stopped": 0, "made": 0, "sent": 0}

    recommendations(rapid_review.incident, due_on=D("2023-03-01"), count=30)
    reminders_pass(now=at("2022-09-16"))
    with django_assert_num_queries(EMPTY_PASS_STATEMENTS):
        assert reminders_pass(now=at("2022-09-16", 15)) == {"stopped": 0, "made": 0, "sent": 0}


def test_an_event_with_no_one_to_tell_is_read_once(notified, django_assert_num_queries):
    reminders_pass(now=at("2022-09-14", 15))  # notified by Leeds's notifier, and no one else to tell
    assert not Notice.objects.exists()
    assert EventTold.objects.filter(event__incident=notified, event__kind="submitted").exists()
    with django_assert_num_queries(EMPTY_PASS_STATEMENTS):
        reminders_pass(now=at("2022-09-14", 16))


def test_a_deadline_moved_after_its_look_is_reminded_on_its_new_ladder(rapid_review, leeds_lead):
    reminders_pass(now=at("2022-09-28"))
    assert mail.outbox == []
    deadline_schedule(
        incident=rapid_review.incident,
        kind=rapid_review.kind,
        responsible=rapid_review.responsible,
        starts_on=rapid_review.starts_on,
        due_on=D("2022-09-30"),  # 2 working days after the 28th
    )
    reminders_pass(now=at("2022-09-28", 15))
    assert told(mail.outbox) == [(leeds_lead.email, rapid_review.incident.reference, "Rapid review")]
    assert next_look(rapid_review) == D("2022-09-30")


def test_a_deadline_moved_while_a_pass_reads_it_is_looked_at_afresh_by_the_next(rapid_review, leeds_lead, monkeypatch):
    worked_out = services.ladder_around

    def moved_meanwhile(rungs, due_on, **kwargs):
        # The case's dates corrected by someone else while this pass works on the deadline it read.
        deadline_schedule(
            incident=rapid_review.incident,
            kind=rapid_review.kind,
            responsible=rapid_review.responsible,
            starts_on=rapid_review.starts_on,
            due_on=D("2022-09-30"),
        )
        return worked_out(rungs, due_on, **kwargs)

    monkeypatch.setattr(services, "ladder_around", moved_meanwhile)
    reminders_pass(now=at("2022-09-28"))
    monkeypatch.undo()
    assert next_look(rapid_review) is None  # not the date worked out from the due date it read

    reminders_pass(now=at("2022-09-28", 15))
    assert told(mail.outbox) == [(leeds_lead.email, rapid_review.incident.reference, "Rapid review")]


def test_a_deadline_past_its_last_rung_waits_until_its_ladder_changes(rapid_review, leeds_lead, secretariat):
    Rung.objects.filter(deadline_kind=rapid_review.kind).update(repeat_every=None)
    reminders_pass(now=at("2022-10-10"))
    assert next_look(rapid_review) == NO_MORE_RUNGS
    reminders_pass(now=at("2022-10-20"))
    assert Notice.objects.filter(deadline=rapid_review).count() == 2  # the 7th's, to the lead and the secretariat

    Rung.objects.filter(deadline_kind=rapid_review.kind, offset=1).update(repeat_every=5)
    assert deadlines_look_again(kinds=[rapid_review.kind]) == 1
    assert reminders_pass(now=at("2022-10-20", 15))["made"] == 2  # the 14th's repeat, to both again
    assert next_look(rapid_review) == D("2022-10-21")


def test_a_ladder_changed_in_the_admin_applies_to_the_deadlines_open(rapid_review, admin_client):
    reminders_pass(now=at("2022-09-28"))
    assert next_look(rapid_review) == D("2022-09-29")
    rung = Rung.objects.get(deadline_kind=rapid_review.kind, offset=-5)
    response = admin_client.post(
        reverse("admin:notices_rung_change", args=[rung.pk]),
        {"deadline_kind": rung.deadline_kind, "offset": -6, "unit": rung.unit, "repeat_every": ""},
    )
    assert response.status_code == 302
    assert next_look(rapid_review) is None


def test_each_organisations_people_are_looked_up_once_a_pass(notified, leeds_notifier):
    deadlines_cancel_open(incident=notified, on=D("2022-09-30"))
    recommendations(notified, due_on=D("2022-11-15"), count=2)
    recommendations(notified, due_on=D("2022-11-22"), count=8, first=2)
    for day in ("2022-10-01", "2022-10-15", "2022-10-22"):  # a month before each: the first rung
        reminders_pass(now=at(day))
    mail.outbox = []

    statements = []
    for day in ("2022-11-15", "2022-11-22"):  # on the day: 2 deadlines, then 8, for Leeds's notifier
        with CaptureQueriesContext(connection) as queries:
            assert reminders_pass(now=at(day))["sent"] in (2, 8)
        statements.append(len(queries))
    assert statements[0] == statements[1]
    assert [len(told([message])) for message in mail.outbox] == [2, 8]


def test_a_persons_digest_is_claimed_in_one_statement_and_marked_sent_in_another(
    rapid_review, django_assert_num_queries
):
    now = at("2022-10-07")
    Notice.objects.bulk_create(
        Notice(
            incident=rapid_review.incident,
            deadline=rapid_review,
            rung=Rung.objects.get(deadline_kind=rapid_review.kind, offset=1),
            occurrence=occurrence,
            mailbox="safeguarding@leeds-partnership.example.org",
            due_on=rapid_review.due_on,
            next_attempt_at=now,
        )
        for occurrence in range(30)
    )
    with django_assert_num_queries(4):  # whether anything is due and what, its claim, and its sending
        assert notices_send(now=now) == 30
    assert len(mail.outbox) == 1
    assert set(Notice.objects.values_list("status", flat=True)) == {Notice.Status.SENT}


@pytest.fixture
def messages(notified, leeds_lead, secretariat, panel):
    """The notification's messages to the partnership lead, the secretariat and the Panel's team mailbox."""
    panel.team_mailbox = "casework@panel.example.org"
    panel.save()
    assert messages_make(now=notified.timeline.get(kind="submitted").at) == 3
    return list(Notice.objects.order_by("pk"))


def test_a_batch_is_claimed_once_and_only_what_no_live_pass_holds(messages):
    first, second, third = messages
    claimed_at = at("2022-09-14", 15)
    assert notice_claim(first.pk, now=claimed_at)
    Notice.objects.filter(pk=third.pk).update(status=Notice.Status.SENT)
    ids = [notice.pk for notice in messages]

    assert notices_claim(ids, now=claimed_at + datetime.timedelta(minutes=1)) == {second.pk}
    assert notices_claim(ids, now=claimed_at + datetime.timedelta(minutes=2)) == set()
    later = claimed_at + CLAIM_TIMEOUT + datetime.timedelta(seconds=30)
    assert notices_claim(ids, now=later) == {first.pk}  # the first's claim is past the timeout, the second's not
    assert notices_claim(ids, now=later) == set()
