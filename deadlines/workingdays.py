"""Working days and calendar months, as the statutory deadlines count them.

A working day is Monday to Friday, except bank holidays in England and Wales (the BankHoliday table).
numpy's business-day functions do the counting against that calendar; a WorkingCalendar can be
built once and reused for many dates, which is what reports over thousands of cases want.
"""

import datetime

import numpy as np
from dateutil.relativedelta import relativedelta

from .models import BankHoliday


class WorkingCalendar:
    """Monday to Friday, less the given holidays."""

    def __init__(self, holidays):
        self._calendar = np.busdaycalendar(weekmask="1111100", holidays=[np.datetime64(d, "D") for d in holidays])

    @classmethod
    def from_database(cls):
        return cls(BankHoliday.objects.values_list("date", flat=True))

    def is_working_day(self, day):
        return bool(np.is_busday(np.datetime64(day, "D"), busdaycal=self._calendar))

    def add_working_days(self, start, n):
        """The n-th working day after `start` (before it, for negative n); `start` itself never counts.

        Working Together to Safeguard Children: "within n working days of X" means on or before
        add_working_days(X, n).
        """
        if n == 0:
            return start
        # numpy first moves a non-working start to a working day, then steps. Moving it back (forward,
        # when stepping back) keeps `start` from counting: Saturday + 1 is Monday, Saturday - 1 is Friday.
        roll = "backward" if n > 0 else "forward"
        day = np.busday_offset(np.datetime64(start, "D"), n, roll=roll, busdaycal=self._calendar)
        return day.astype(datetime.date)

    def working_day_lag(self, first, second):
        """Working days after `first` up to and including `second`: 0 for the same day, negative if earlier."""
        one_day = np.timedelta64(1, "D")
        begin, end = np.datetime64(first, "D") + one_day, np.datetime64(second, "D") + one_day
        return int(np.busday_count(begin, end, busdaycal=self._calendar))


def add_working_days(start, n):
    return WorkingCalendar.from_database().add_working_days(start, n)


def working_day_lag(first, second):
    return WorkingCalendar.from_database().working_day_lag(first, second)


def is_working_day(day):
    return WorkingCalendar.from_database().is_working_day(day)


def add_months(start, months):
    """Calendar months, clamped to the end of a shorter month: 2023-08-31 + 6 months is 2024-02-29."""
    return start + relativedelta(months=months)
