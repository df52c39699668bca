"""Notices: each rung of a deadline's ladder tells the right people once, and nothing after it is met."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from deadlines.models import Deadline
from incidents.services import incident_withdraw
from notices.ladders import rungs_default_seed
from notices.models import Notice
from notices.services import MAX_ATTEMPTS, reminders_pass
from reviews.services import rapid_review_send

from ..conftest import rapid_review_values

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(day, hour=9):
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=LONDON)


def told(outbox):
    """(recipient, reference, what) for every item of every email sent."""
    return [
        (message.to[0], reference, what.strip())
        for message in outbox
        for reference, what in re.findall(r"^- (CSPR-\d{4}-\d{5}): ([^,]+),", message.body, re.M)
    ]


@pytest.fixture(autouse=True)
def ladders(db):
    rungs_default_seed()


@pytest.fixture
def awaiting_review(notified, leeds_lead, secretariat):
    """Notified on 14 September 2022: the partnership's rapid review is due on 6 October."""
    assert Deadline.objects.get(incident=notified, kind="rapid_review").due_on == datetime.date(2022, 10, 6)
    return notified


def test_it_climbs_the_ladder_once_a_rung_and_escalates(awaiting_review, leeds_lead, secretariat):
    lead, panel = leeds_lead.email, secretariat.email
    ref = awaiting_review.reference
    awaiting_review.children.update(first_name="Ada")
    reminders_pass(now=at("2022-09-28"))
    assert told(mail.outbox) == []  # 6 working days before: nothing yet

    reminders_pass(now=at("2022-09-29"))  # 5 working days before
    reminders_pass(now=at("2022-09-29", 15))  # a later pass the same day sends nothing again
    assert told(mail.outbox) == [(lead, ref, "Rapid review")]
    assert "6 October 2022 (7 days left)" in mail.outbox[0].body

    reminders_pass(now=at("2022-10-04"))  # 2 working days before
    reminders_pass(now=at("2022-10-07"))  # 1 working day after: escalated to the Panel's secretariat
    assert told(mail.outbox)[1:] == [
        (lead, ref, "Rapid review"),
        (lead, ref, "Rapid review"),
        (panel, ref, "Rapid review"),
    ]
    assert "1 day overdue" in mail.outbox[-1].body
    assert not any("Ada" in message.body or "Ada" in message.alternatives[0][0] for message in mail.outbox)


def test_meeting_the_deadline_stops_every_later_rung(awaiting_review, leeds_lead, london_time):
    reminders_pass(now=at("2022-10-04"))
    with london_time("2022-10-05"):
        rapid_review_send(
            incident=awaiting_review, by=leeds_lead, **rapid_review_values(completed_on=datetime.date(2022, 10, 5))
        )
    sent = len(mail.outbox)
    for day in ("2022-10-05", "2022-10-07", "2022-10-13", "2022-11-01"):
        reminders_pass(now=at(day))
    rapid_review_mail = [item for item in told(mail.outbox[sent:]) if item[2] == "Rapid review"]
    assert rapid_review_mail == []


def test_a_withdrawn_case_sends_nothing_more(awaiting_review, leeds_notifier, london_time):
    with time_machine.travel(at("2022-10-04"), tick=False):
        call_command("send_reminders", stdout=io.StringIO())
    assert Notice.objects.filter(status="sent").count() == 1
    with london_time("2022-10-05"):
        incident_withdraw(incident=awaiting_review, by=leeds_notifier, reason="Criteria not met.")
    sent = len(mail.outbox)
    for day in ("2022-10-05", "2022-10-07", "2022-10-13"):
        reminders_pass(now=at(day))
    assert len(mail.outbox) == sent


def test_a_failed_send_is_tried_again_once_and_then_marked_failed(awaiting_review, leeds_lead, settings, monkeypatch):
    from notices import services

    calls = []

    def broken(person, reminders, *, today):
        calls.append(person)
        raise ConnectionError("mail server unreachable")

    monkeypatch.setattr(services, "digest_send", broken)
    reminders_pass(now=at("2022-09-29"))
    reminder = Notice.objects.get()
    assert (reminder.status, reminder.attempts, reminder.last_error) == ("pending", 1, "mail server unreachable")

    reminders_pass(now=at("2022-09-29", 9) + datetime.timedelta(minutes=1))  # too soon to try again
    assert len(calls) == 1
    monkeypatch.undo()
    reminders_pass(now=at("2022-09-29", 10))
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("sent", 1)
    reminders_pass(now=at("2022-09-29", 16))
    assert len(told(mail.outbox)) == 1  # once, whatever the passes


def test_after_the_last_try_it_is_failed_and_never_sent(awaiting_review, monkeypatch):
    from notices import services

    def broken(person, reminders, *, today):
        raise ConnectionError("mail server unreachable")

    monkeypatch.setattr(services, "digest_send", broken)
    now = at("2022-09-29")
    for _ in range(MAX_ATTEMPTS + 2):
        reminders_pass(now=now)
        now += datetime.timedelta(hours=3)
    reminder = Notice.objects.get()
    assert (reminder.status, reminder.attempts) == ("failed", MAX_ATTEMPTS)
    monkeypatch.undo()
    reminders_pass(now=now)
    assert mail.outbox == []
