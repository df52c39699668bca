"""Demonstration cases in every state, made through the services as a person would make them."""

import datetime

from django.db import transaction

from deadlines.workingdays import WorkingCalendar
from organisations.models import User
from organisations.selectors import organisation_find

from . import services
from .models import Incident
from .workflow import today

DEMO_OUTLINE = "Demonstration case: not a real child."


def demo_case_values(*, aware_working_days_ago, reason="serious_harm", age=2, sex="female", calendar=None):
    """A demonstration case's details: the authority became aware some working days ago."""
    calendar = calendar or WorkingCalendar.from_database()
    aware = calendar.add_working_days(today(), -aware_working_days_ago)
    return {
        "incident_date": aware - datetime.timedelta(days=1),
        "la_aware_date": aware,
        "reason": reason,
        "case_outline": DEMO_OUTLINE,
        "children": [{"age_years": age, "sex": sex, "ethnicity": "white_british", "child_in_need": "current"}],
    }


@transaction.atomic
def demo_cases_seed():
    """Draft, notified on time, notified late, withdrawn and offline cases, once. Returns how many were made."""
    if Incident.objects.filter(case_outline=DEMO_OUTLINE).exists():
        return 0
    notifier = User.objects.get(email="notifier@leeds.example.org")
    secretariat = User.objects.get(email="secretariat@panel.example.org")
    leeds = organisation_find(name_or_code="E08000035")
    calendar = WorkingCalendar.from_database()

    made = []

    def start(**kwargs):
        incident = services.incident_create(
            by=notifier, notifying_la=leeds, **demo_case_values(calendar=calendar, **kwargs)
        )
        made.append(incident)
        return incident

    start(aware_working_days_ago=1)
    on_time = start(aware_working_days_ago=2, reason="death", age=0, sex="male")
    services.incident_submit(incident=on_time, by=notifier)
    late = start(aware_working_days_ago=9, age=15)
    services.incident_submit(incident=late, by=notifier, late_reason="Police information arrived late.")
    withdrawn = start(aware_working_days_ago=4, age=8)
    services.incident_submit(incident=withdrawn, by=notifier)
    services.incident_withdraw(incident=withdrawn, by=notifier, reason="Further enquiry found no abuse or neglect.")
    offline_values = demo_case_values(calendar=calendar, aware_working_days_ago=3, age=11)
    offline = services.incident_key_offline(
        by=secretariat,
        notifying_la=leeds,
        offline_method="phone",
        offline_received_on=calendar.add_working_days(offline_values["la_aware_date"], 1),
        **offline_values,
    )
    made.append(offline)
    return len(made)
