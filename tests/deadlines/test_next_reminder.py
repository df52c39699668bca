"""A deadline's next look by the reminder engine (Deadline.next_reminder_on) is forgotten whenever what it was
worked out from changes: its due date, its status, or the working-day calendar."""

import datetime

import pytest

from deadlines.models import Deadline
from deadlines.services import bank_holidays_sync, deadline_outcome, deadline_schedule, deadlines_cancel_open

D = datetime.date.fromisoformat
pytestmark = pytest.mark.django_db


@pytest.fixture
def rapid_review(notified):
    """The Leeds case's open rapid review deadline, which the reminder engine last looked at on 29 September
    and will look at again on 4 October."""
    deadline = Deadline.objects.get(incident=notified, kind=Deadline.Kind.RAPID_REVIEW)
    Deadline.objects.filter(pk=deadline.pk).update(next_reminder_on=D("2022-10-04"))
    deadline.refresh_from_db()
    return deadline


def next_look(deadline):
    deadline.refresh_from_db()
    return deadline.next_reminder_on


def test_a_new_deadline_has_its_next_look_still_to_be_worked_out(notified):
    assert set(notified.deadlines.values_list("next_reminder_on", flat=True)) == {None}


def test_it_forgets_the_next_look_when_the_due_date_moves(rapid_review):
    deadline_schedule(
        incident=rapid_review.incident,
        kind=rapid_review.kind,
        responsible=rapid_review.responsible,
        starts_on=rapid_review.starts_on,
        due_on=rapid_review.due_on + datetime.timedelta(days=7),
    )
    assert next_look(rapid_review) is None


def test_it_keeps_the_next_look_when_nothing_it_came_from_changes(rapid_review):
    deadline_schedule(
        incident=rapid_review.incident,
        kind=rapid_review.kind,
        responsible=rapid_review.responsible,
        starts_on=rapid_review.starts_on - datetime.timedelta(days=1),
        due_on=rapid_review.due_on,
    )
    assert next_look(rapid_review) == D("2022-10-04")


def test_it_forgets_the_next_look_when_the_deadline_is_met(rapid_review):
    deadline_outcome(incident=rapid_review.incident, kind=rapid_review.kind, met_on=D("2022-10-03"))
    assert next_look(rapid_review) is None


def test_it_forgets_the_next_look_when_the_deadline_is_cancelled(rapid_review):
    deadlines_cancel_open(incident=rapid_review.incident, on=D("2022-10-03"))
    assert next_look(rapid_review) is None


def test_a_new_bank_holiday_has_every_open_deadline_looked_at_again(rapid_review):
    bank_holidays_sync(holidays=[{"date": D("2022-10-03"), "title": "A proclaimed holiday"}])
    assert next_look(rapid_review) is None


def test_a_holiday_already_known_changes_nothing(rapid_review):
    bank_holidays_sync(holidays=[{"date": D("2022-09-19"), "title": "State Funeral of Queen Elizabeth II"}])
    assert next_look(rapid_review) == D("2022-10-04")
