"""Working days and calendar months, checked against the examples in the domain reference."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deadlines.models import BankHoliday
from deadlines.services import bank_holidays_sync
from deadlines.workingdays import WorkingCalendar, add_months, add_working_days, is_working_day, working_day_lag

D = datetime.date.fromisoformat
pytestmark = pytest.mark.django_db

# The bundled GOV.UK list covers these years; outside them only weekends are known.
dates_with_known_holidays = st.dates(min_value=D("2013-01-01"), max_value=D("2027-12-31"))


def test_it_has_the_one_off_bank_holidays():
    for day in ("2022-06-03", "2022-09-19", "2023-05-08"):
        assert BankHoliday.objects.filter(date=D(day)).exists(), day
        assert not is_working_day(D(day))


def test_it_counts_five_working_days_over_the_queens_funeral():
    assert add_working_days(D("2022-09-12"), 5) == D("2022-09-20")


def test_it_counts_five_working_days_over_christmas():
    assert add_working_days(D("2022-12-23"), 5) == D("2023-01-04")


def test_it_never_counts_the_start_day():
    saturday = D("2022-09-10")
    assert add_working_days(saturday, 1) == D("2022-09-12")
    assert add_working_days(D("2022-09-12"), 1) == D("2022-09-13")


def test_it_counts_back_for_negative_days():
    assert add_working_days(D("2022-09-21"), -2) == D("2022-09-16")
    assert add_working_days(D("2022-09-10"), -1) == D("2022-09-09")


def test_it_measures_the_working_day_lag():
    assert working_day_lag(D("2022-09-12"), D("2022-09-12")) == 0
    assert working_day_lag(D("2022-09-12"), D("2022-09-20")) == 5
    assert working_day_lag(D("2022-12-23"), D("2023-01-04")) == 5
    assert working_day_lag(D("2022-09-20"), D("2022-09-12")) == -5


def test_it_adds_calendar_months_clamped_to_the_month_end():
    assert add_months(D("2023-08-31"), 6) == D("2024-02-29")
    assert add_months(D("2023-03-15"), 6) == D("2023-09-15")


def test_it_honours_a_day_an_administrator_added():
    assert add_working_days(D("2031-06-02"), 1) == D("2031-06-03")
    BankHoliday.objects.create(date=D("2031-06-03"), title="Proclaimed holiday")
    assert add_working_days(D("2031-06-02"), 1) == D("2031-06-04")


def test_it_syncs_bank_holidays_without_duplicates():
    count = BankHoliday.objects.count()
    assert count > 100
    assert bank_holidays_sync() == 0
    assert BankHoliday.objects.count() == count


@pytest.fixture
def calendar(db):
    return WorkingCalendar.from_database()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=300)
@given(start=dates_with_known_holidays, n=st.integers(min_value=0, max_value=300))
def test_the_lag_of_n_working_days_is_n(calendar, start, n):
    assert calendar.working_day_lag(start, calendar.add_working_days(start, n)) == n


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=300)
@given(start=dates_with_known_holidays, n=st.integers(min_value=1, max_value=300))
def test_a_result_is_never_a_weekend_or_bank_holiday(calendar, start, n):
    holidays = set(BankHoliday.objects.values_list("date", flat=True))
    result = calendar.add_working_days(start, n)
    assert result.weekday() < 5
    assert result not in holidays
    assert result > start


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)
@given(start=dates_with_known_holidays, n=st.integers(min_value=1, max_value=60))
def test_every_day_between_is_counted_once(calendar, start, n):
    """The n-th working day is the one where a plain day-by-day count of working days reaches n."""
    day, counted = start, 0
    while counted < n:
        day += datetime.timedelta(days=1)
        counted += calendar.is_working_day(day)
    assert calendar.add_working_days(start, n) == day
