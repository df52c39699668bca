"""Where today falls on a reminder ladder, worked out from the time since the due date, is where stepping
through every date of the ladder one by one puts it, for any due date, day and ladder."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from deadlines.services import govuk_bank_holidays
from deadlines.workingdays import WorkingCalendar
from notices.ladders import DEFAULT_LADDERS
from notices.models import Rung
from notices.services import NO_MORE_RUNGS, ladder_around, reminder_due, rung_date

CALENDAR = WorkingCalendar([holiday["date"] for holiday in govuk_bank_holidays()])
LADDERS = {
    kind: [Rung(deadline_kind=kind, offset=offset, unit=unit, escalate=escalate, repeat_every=repeat_every)
           for offset, unit, escalate, repeat_every in ladder]
    for kind, ladder in DEFAULT_LADDERS.items()
}  # fmt: skip
days = st.dates(min_value=datetime.date(2016, 1, 1), max_value=datetime.date(2027, 12, 31))


def stepped(rungs, due_on, *, starts_on, today):
    """Every date of the ladder in turn, up to the first after today: the latest that has come (not before
    the deadline began) and the first still to come."""
    latest, upcoming = None, NO_MORE_RUNGS
    for rung in rungs:
        repeat = 0
        while True:
            day = rung_date(rung, due_on, calendar=CALENDAR, repeat=repeat)
            if day > today:
                upcoming = min(upcoming, day)
                break
            if day >= starts_on and (latest is None or day > latest[2]):
                latest = (rung, repeat, day)
            if not rung.repeat_every:
                break
            repeat += 1
    return latest, upcoming


class Deadline:
    def __init__(self, starts_on):
        self.starts_on = starts_on


@settings(max_examples=400, deadline=None)
@given(kind=st.sampled_from(sorted(LADDERS)), due_on=days, today=days, started_before=st.integers(0, 400))
def test_it_finds_the_rung_due_and_the_next_date_as_stepping_through_the_ladder_does(
    kind, due_on, today, started_before
):
    starts_on = due_on - datetime.timedelta(days=started_before)
    come, upcoming = ladder_around(LADDERS[kind], due_on, today=today, calendar=CALENDAR)
    assert (reminder_due(Deadline(starts_on), come), upcoming) == stepped(
        LADDERS[kind], due_on, starts_on=starts_on, today=today
    )
