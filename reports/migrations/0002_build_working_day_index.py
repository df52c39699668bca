"""Build the working day index from the bank holidays as they stand, so the first report need not."""

from django.db import migrations
from django.utils import timezone


def build(apps, schema_editor):
    from reports.models import INDEX_FIRST_DATE, holidays_digest, index_bounds, working_day_rows

    BankHoliday = apps.get_model("deadlines", "BankHoliday")
    WorkingDayIndex = apps.get_model("reports", "WorkingDayIndex")
    WorkingDayIndexBuild = apps.get_model("reports", "WorkingDayIndexBuild")
    holidays = list(BankHoliday.objects.values_list("date", flat=True))
    today = timezone.localdate()
    first, last = index_bounds(first=INDEX_FIRST_DATE, last=today, today=today)
    WorkingDayIndex.objects.all().delete()
    WorkingDayIndex.objects.bulk_create(
        (
            WorkingDayIndex(date=day, ordinal=ordinal, next_ordinal=next_ordinal, is_working_day=working)
            for day, ordinal, next_ordinal, working in working_day_rows(holidays=holidays, first=first, last=last)
        ),
        batch_size=2000,
    )
    WorkingDayIndexBuild.objects.update_or_create(
        pk=1, defaults={"holidays_digest": holidays_digest(holidays), "first_date": first, "last_date": last}
    )


def unbuild(apps, schema_editor):
    apps.get_model("reports", "WorkingDayIndex").objects.all().delete()
    apps.get_model("reports", "WorkingDayIndexBuild").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_working_day_index"),
        ("deadlines", "0002_seed_bank_holidays"),
    ]

    operations = [migrations.RunPython(build, unbuild)]
