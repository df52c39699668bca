"""The default reminder ladders, one per deadline kind, as the service first ships them.

Migration 0002 loads a frozen copy into a new database; administrators change them in the admin.
`rungs_default_seed` puts back any that are missing (a test database emptied between tests, say).
"""

from .models import Rung

WD, MONTHS = Rung.Unit.WORKING_DAYS, Rung.Unit.MONTHS

# (offset, unit, escalate, repeat_every): negative offsets are before the due date.
WORKING_DAY_LADDER = [(-2, WD, False, None), (0, WD, False, None), (1, WD, True, 5)]
DEFAULT_LADDERS = {
    "notification": WORKING_DAY_LADDER,
    "retrospective_notification": WORKING_DAY_LADDER,
    "offline_confirmation": WORKING_DAY_LADDER,
    "rapid_review": [(-5, WD, False, None), *WORKING_DAY_LADDER],
    "rapid_review_resubmission": WORKING_DAY_LADDER,
    "panel_response": [(-2, WD, False, None), (0, WD, False, None), (1, WD, False, 5)],
    "final_report": [(-5, WD, False, None), *WORKING_DAY_LADDER],
    "lcspr_publication": [
        (-2, MONTHS, False, None),
        (-1, MONTHS, False, None),
        (0, WD, False, None),
        (1, MONTHS, True, 1),
    ],
    "recommendation": [(-1, MONTHS, False, None), (0, WD, False, None), (1, MONTHS, False, 1)],
}


def rungs_default_seed():
    """Add any default rung that is missing; never changes one an administrator edited."""
    made = 0
    for kind, ladder in DEFAULT_LADDERS.items():
        for offset, unit, escalate, repeat_every in ladder:
            _rung, created = Rung.objects.get_or_create(
                deadline_kind=kind,
                offset=offset,
                unit=unit,
                defaults={"escalate": escalate, "repeat_every": repeat_every},
            )
            made += created
    return made
