"""The Panel's queue, each of its lists (a page and its CSV) and the regional view cost the same number of
queries for 5 rows as for 50."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.services import incident_create, incident_key_offline, incident_submit
from letters.models import Letter
from letters.services import letter_ask_for_approval, letter_draft
from notices.models import Notice
from reviews.services import rapid_review_send
from tests.conftest import case_values, rapid_review_values
from tests.factories import LocalAuthorityFactory
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat
# Codes no fixture uses (the factory's own sequence reaches Leeds's E08000035).
CODES = (f"E06{number:06d}" for number in itertools.count(1))


def _work(leeds, notifier, lead, secretariat, london_time, count):
    """`count` of everything the queue lists: reviews awaiting a response (each with overdue deadlines
    and a letter put forward), offline notifications to chase, failed messages, and authorities."""
    for _ in range(count):
        with london_time("2022-09-14"):
            incident = incident_submit(
                incident=incident_create(by=notifier, notifying_la=leeds, **case_values()), by=notifier
            )
            keyed = incident_key_offline(
                by=secretariat,
                notifying_la=leeds,
                offline_method="phone",
                offline_received_on=D("2022-09-14"),
                **case_values(),
            )
        with london_time("2022-10-03"):
            rapid_review_send(incident=incident, by=lead, **rapid_review_values())
            letter = letter_draft(incident=incident, by=secretariat, kind=Letter.Kind.GENERAL)
            letter_ask_for_approval(letter=letter, by=secretariat)
        Notice.objects.create(
            incident=keyed,
            event=keyed.timeline.first(),
            recipient=notifier,
            due_on=D("2022-09-14"),
            status=Notice.Status.FAILED,
            attempts=5,
            next_attempt_at=timezone.now(),
            claimed_at=timezone.now(),
        )
        LocalAuthorityFactory(code=next(CODES))


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
        assert response.status_code == 200
        if response.get("Content-Type", "").startswith("text/csv"):
            assert response.content.count(b"\n") > 1
    return len(queries)


URLS = [
    ("home", None),
    ("web:queue-rapid-reviews", None),
    ("web:queue-rapid-reviews", {"download": "csv"}),
    ("web:queue-letters", None),
    ("web:queue-letters", {"download": "csv"}),
    ("web:queue-overdue", {"sort": "kind"}),
    ("web:queue-overdue", {"download": "csv"}),
    ("web:queue-chasers", None),
    ("web:queue-chasers", {"download": "csv"}),
    ("web:queue-failed-messages", None),
    ("web:queue-failed-messages", {"download": "csv"}),
    ("web:regions", None),
    ("web:regions", {"download": "csv"}),
]


@pytest.mark.parametrize(("url", "params"), URLS)
def test_same_queries_for_5_items_as_for_50(url, params, leeds, leeds_notifier, leeds_lead, secretariat, london_time):
    client = Client()
    sign_in(client, secretariat)
    _work(leeds, leeds_notifier, leeds_lead, secretariat, london_time, 5)
    few = _queries(client, reverse(url), params)
    _work(leeds, leeds_notifier, leeds_lead, secretariat, london_time, 45)
    many = _queries(client, reverse(url), params)
    assert few == many, f"{url} {params}: {few} queries for 5 items, {many} for 50"
