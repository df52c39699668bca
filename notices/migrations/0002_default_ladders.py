"""The default reminder ladders, one per deadline kind; administrators change them in the admin."""

from django.db import migrations

WD, MONTHS = "working_days", "months"

# (offset, unit, escalate, repeat_every): negative offsets are before the due date.
WORKING_DAY_LADDER = [(-2, WD, False, None), (0, WD, False, None), (1, WD, True, 5)]
LADDERS = {
    "notification": WORKING_DAY_LADDER,
    "retrospective_notification": WORKING_DAY_LADDER,
    "offline_confirmation": WORKING_DAY_LADDER,
    "rapid_review": [(-5, WD, False, None), *WORKING_DAY_LADDER],
    "rapid_review_resubmission": WORKING_DAY_LADDER,
    "panel_response": [(-2, WD, False, None), (0, WD, False, None), (1, WD, False, 5)],
    "final_report": [(-5, WD, False, None), *WORKING_DAY_LADDER],
    "lcspr_publication": [(-2, MONTHS, False, None), (-1, MONTHS, False, None), (0, WD, False, None), (1, MONTHS, True, 1)],
    "recommendation": [(-1, MONTHS, False, None), (0, WD, False, None), (1, MONTHS, False, 1)],
}


def seed(apps, schema_editor):
    Rung = apps.get_model("notices", "Rung")
    for kind, ladder in LADDERS.items():
        for offset, unit, escalate, repeat_every in ladder:
            Rung.objects.get_or_create(
                deadline_kind=kind,
                offset=offset,
                unit=unit,
                defaults={"escalate": escalate, "repeat_every": repeat_every},
            )


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
