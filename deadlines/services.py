"""Writes to the working-day calendar."""

from django.db import transaction
from govuk_bank_holidays.bank_holidays import BankHolidays

from .models import BankHoliday


def govuk_bank_holidays():
    """England and Wales bank holidays from the list GOV.UK publishes, as bundled with govuk-bank-holidays.

    The package ships a copy of https://www.gov.uk/bank-holidays.json, so nothing is fetched at run time.
    """
    calendar = BankHolidays(use_cached_holidays=True)
    return calendar.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)


@transaction.atomic
def bank_holidays_sync(*, holidays=None):
    """Add any GOV.UK bank holiday the table lacks; never removes or changes a day. Returns how many were added."""
    holidays = govuk_bank_holidays() if holidays is None else holidays
    known = set(BankHoliday.objects.values_list("date", flat=True))
    new = [
        BankHoliday(date=h["date"], title=h["title"], source=BankHoliday.Source.GOVUK)
        for h in holidays
        if h["date"] not in known
    ]
    BankHoliday.objects.bulk_create(new)
    return len(new)
