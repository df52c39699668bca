"""Seed the bank-holiday table from GOV.UK's England and Wales list as bundled with govuk-bank-holidays."""

from django.db import migrations
from govuk_bank_holidays.bank_holidays import BankHolidays


def seed(apps, schema_editor):
    BankHoliday = apps.get_model("deadlines", "BankHoliday")
    holidays = BankHolidays(use_cached_holidays=True).get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    known = set(BankHoliday.objects.values_list("date", flat=True))
    BankHoliday.objects.bulk_create(
        BankHoliday(date=h["date"], title=h["title"], source="govuk") for h in holidays if h["date"] not in known
    )


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
