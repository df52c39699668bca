"""Two passes of the reminder engine at the same moment, on PostgreSQL: each reminder goes out once."""

import datetime
from collections import Counter

import pytest
from django.core import mail
from django.db import connection

from deadlines.services import bank_holidays_sync
from incidents.services import incident_create, incident_key_offline, incident_submit
from notices.ladders import rungs_default_seed
from notices.models import Notice
from notices.services import reminders_pass

from ..conftest import case_values
from ..incidents.test_concurrency import run_together
from .test_reminders import at, told

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent passes are tested on PostgreSQL"),
]
D = datetime.date.fromisoformat


@pytest.fixture
def cases(leeds, bradford, leeds_notifier, bradford_notifier, leeds_lead, bradford_lead, secretariat, london_time):
    """Cases whose deadlines fall across the bank holidays of September 2022 and Christmas 2022."""
    bank_holidays_sync()  # transactional tests start from an emptied database
    rungs_default_seed()
    made = []
    for notifier, la, aware, notified_on in (
        (leeds_notifier, leeds, "2022-09-12", "2022-09-14"),  # rapid review due 6 October (19 September a holiday)
        (bradford_notifier, bradford, "2022-12-19", "2022-12-21"),  # rapid review due 17 January
        (leeds_notifier, leeds, "2022-12-20", None),  # a draft: its notification overdue after Christmas
    ):
        with london_time(aware):
            case = incident_create(
                by=notifier, notifying_la=la, **case_values(incident_date=D(aware), la_aware_date=D(aware))
            )
        if notified_on:
            with london_time(notified_on):
                incident_submit(incident=case, by=notifier)
        made.append(case)
    with london_time("2022-12-22"):  # keyed by the Panel: Bradford must confirm it
        made.append(
            incident_key_offline(
                by=secretariat,
                notifying_la=bradford,
                offline_method="phone",
                offline_received_on=D("2022-12-22"),
                **case_values(incident_date=D("2022-12-20"), la_aware_date=D("2022-12-21")),
            )
        )
    return made


@pytest.mark.parametrize("day", ["2022-10-07", "2023-01-04", "2023-01-18"])
def test_two_passes_at_once_send_each_due_reminder_once(cases, day):
    results = run_together(lambda _: reminders_pass(now=at(day)), times=2)

    sent = Notice.objects.filter(status="sent")
    assert sent.exists()
    assert sum(result["sent"] for result in results) == sent.count()
    items = told(mail.outbox)
    assert len(items) == sent.count()  # messages sent = reminders due, nothing twice
    assert max(Counter(items).values()) == 1
    assert not Notice.objects.filter(status="pending").exists()
