"""The start page and the case list cost the same number of queries for 5 cases as for 50."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.services import incident_create, incident_submit
from tests.conftest import case_values
from tests.signin import sign_in


def _cases(leeds, notifier, count):
    for number in range(count):
        incident = incident_create(by=notifier, notifying_la=leeds, **case_values())
        if number % 2:
            incident_submit(incident=incident, by=notifier, late_reason="Known late.")


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["leeds_notifier", "leeds_lead", "secretariat"])
@pytest.mark.parametrize("url", ["home", "web:case-list"])
def test_same_queries_for_5_cases_as_for_50(request, leeds, leeds_notifier, who, url):
    person = request.getfixturevalue(who)
    client = Client()
    sign_in(client, person)
    _cases(leeds, leeds_notifier, 5)
    few = _queries(client, reverse(url))
    _cases(leeds, leeds_notifier, 45)
    many = _queries(client, reverse(url))
    assert few == many, f"{url} as {who}: {few} queries for 5 cases, {many} for 50"
