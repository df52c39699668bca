"""Two people acting on one case at the same moment, on PostgreSQL with real transactions and threads."""

import threading
import time

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from deadlines.services import bank_holidays_sync
from incidents import services
from incidents.models import Incident
from incidents.services import incident_create

from ..conftest import case_values

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL"),
]


@pytest.fixture(autouse=True)
def bank_holidays():
    bank_holidays_sync()  # transactional tests start from an emptied database


def run_together(work, times):
    """Run `work(i)` in `times` threads released at the same instant; return what each returned."""
    barrier = threading.Barrier(times)
    results = [None] * times

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_concurrent_submissions_one_succeeds_the_other_gets_409(draft, leeds_notifier, monkeypatch):
    # Hold each submission open a little after it changed the case, so that the two overlap for sure.
    refresh = services.incident_deadlines_refresh

    def slow_refresh(**kwargs):
        time.sleep(0.5)
        return refresh(**kwargs)

    monkeypatch.setattr(services, "incident_deadlines_refresh", slow_refresh)

    def submit(_):
        client = APIClient()
        client.force_authenticate(leeds_notifier)
        return client.post(
            f"/api/v1/incidents/{draft.reference}/submit/", {"late_reason": "Late."}, format="json"
        ).status_code

    assert sorted(run_together(submit, 2)) == [200, 409]
    incident = Incident.objects.get(pk=draft.pk)
    assert incident.status == "notified"
    assert incident.timeline.filter(kind="submitted").count() == 1


def test_concurrent_creation_never_gives_the_same_reference_twice(leeds_notifier, leeds, london_time):
    def create(_):
        with london_time("2022-09-13"):
            return [incident_create(by=leeds_notifier, notifying_la=leeds, **case_values()).reference for _ in range(3)]

    references = [reference for batch in run_together(create, 8) for reference in batch]
    assert len(references) == 24
    assert len(set(references)) == 24
    assert sorted(references) == [f"CSPR-2022-{n:05d}" for n in range(1, 25)]


def test_two_people_changing_one_draft_from_one_version_one_wins_whole_the_other_gets_409(
    draft, leeds_notifier, monkeypatch, london_time
):
    """Both read version 1 and send their change at the same instant: the first to lock the case changes it,
    the second waits for that to commit, finds version 2 and is refused. What is stored is all of the winner's
    change and none of the other's."""
    refresh = services.incident_deadlines_refresh

    def slow_refresh(**kwargs):
        time.sleep(0.5)  # the winner holds the case's lock a while, so the two overlap for sure
        return refresh(**kwargs)

    monkeypatch.setattr(services, "incident_deadlines_refresh", slow_refresh)
    changes = [
        {"reason": "death", "case_outline": "Found unresponsive at home.", "looked_after_child_death": True},
        {"reason": "other", "case_outline": "Injured at a childminder's.", "looked_after_child_death": False},
    ]

    def change(i):
        client = APIClient()
        client.force_authenticate(leeds_notifier)
        with london_time("2022-09-13"):
            response = client.patch(
                f"/api/v1/incidents/{draft.reference}/", changes[i], format="json", HTTP_IF_MATCH='"1"'
            )
        return response.status_code, response.json()

    results = run_together(change, 2)
    assert sorted(status for status, _ in results) == [200, 409]
    winner = next(i for i, (status, _) in enumerate(results) if status == 200)
    _, refused = results[1 - winner]
    assert refused["version"] == 2
    incident = Incident.objects.get(pk=draft.pk)
    stored = {name: getattr(incident, name) for name in changes[winner]}
    assert stored == changes[winner]
    assert incident.version == 2
    assert incident.timeline.filter(kind="reason_changed").count() == 1
    assert incident.history.count() == 2  # drafted, then the winner's change: nothing of the other's
