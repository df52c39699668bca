"""GET /api/v1/reports/annual/: the command's figures, for the Panel's caseworkers and analysts only."""

import datetime
import io
import json

import pytest
import yaml
from django.core.management import call_command

from reports.figures import annual_report
from reviews.services import rapid_review_send

from ..conftest import rapid_review_values

D = datetime.date.fromisoformat
pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/annual/"
YEAR = {"from": "2022-04-01", "to": "2023-03-31"}


@pytest.fixture
def reviewed(notified, leeds_lead, london_time):
    """The Leeds case notified on 14 September 2022, its rapid review received on 3 October."""
    with london_time("2022-10-03"):
        rapid_review_send(incident=notified, by=leeds_lead, **rapid_review_values())
    return notified


@pytest.mark.parametrize("person", ["analyst", "secretariat", "panel_member"])
def test_the_panel_and_analysts_get_the_figures_the_command_prints(person, request, client_for, reviewed):
    response = client_for(request.getfixturevalue(person)).get(URL, YEAR)

    assert response.status_code == 200
    body = response.json()
    assert body == annual_report(date_from=D("2022-04-01"), date_to=D("2023-03-31"))
    out = io.StringIO()
    call_command("annual_report", "--from", "2022-04-01", "--to", "2023-03-31", stdout=out)
    assert json.loads(out.getvalue()) == body
    assert body["notifications"]["total"] == 1
    # Incident Saturday 10 September, notified Wednesday the 14th: the 3rd working day after it.
    assert body["timeliness"]["lag_working_days_mean"] == 3
    assert body["children"]["age_group_by_sex"]["1_to_5"]["female"] == 1


@pytest.mark.parametrize("person", ["leeds_notifier", "leeds_lead"])
def test_local_authorities_and_partnerships_are_refused_with_403(person, request, client_for, reviewed):
    response = client_for(request.getfixturevalue(person)).get(URL, YEAR)
    assert response.status_code == 403
    assert "notifications" not in response.json()


def test_someone_with_no_role_is_refused_with_403(client_for, db):
    from ..factories import UserFactory

    assert client_for(UserFactory(email="nobody@example.org")).get(URL, YEAR).status_code == 403


def test_without_credentials_it_is_401(api_client, db):
    assert api_client.get(URL, YEAR).status_code == 401


def test_the_role_is_checked_before_the_input(client_for, leeds_notifier):
    assert client_for(leeds_notifier).get(URL, {"from": "not a date"}).status_code == 403


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({}, {"from", "to"}),
        ({"from": "2022-04-01"}, {"to"}),
        ({"from": "2022-04-31", "to": "2023-03-31"}, {"from"}),
        ({"from": "01/04/2022", "to": "2023-03-31"}, {"from"}),
        ({"from": "", "to": "2023-03-31"}, {"from"}),
        ({"from": "1999-12-31", "to": "2023-03-31"}, {"from"}),
        ({"from": "2022-04-01", "to": "9999-03-31"}, {"to"}),
        ({"from": "2023-04-01", "to": "2023-03-31"}, {"to"}),
    ],
)
def test_a_missing_bad_or_implausible_date_is_a_field_level_400(client_for, analyst, query, errors):
    response = client_for(analyst).get(URL, query)
    assert response.status_code == 400
    assert set(response.json()) == errors


def test_a_period_the_wrong_way_round_says_so(client_for, analyst):
    response = client_for(analyst).get(URL, {"from": "2023-04-01", "to": "2023-03-31"})
    assert response.json() == {"to": ["The end of the period must not be before its start."]}


def test_a_period_of_one_day_is_a_period(client_for, analyst):
    response = client_for(analyst).get(URL, {"from": "2022-09-10", "to": "2022-09-10"})
    assert response.status_code == 200
    assert list(response.json()["notifications"]["by_month"]) == ["2022-09"]


def test_the_schema_documents_its_query_and_its_figures(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    operation = yaml.safe_load(path.read_text())["paths"][URL]["get"]

    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert {"from", "to"} <= set(parameters)
    assert all(parameters[name]["required"] and parameters[name]["in"] == "query" for name in ("from", "to"))
    assert parameters["from"]["schema"]["format"] == "date"
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
    report = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert report["required"] == [
        "period",
        "notifications",
        "timeliness",
        "decisions",
        "children",
        "causes",
        "social_care",
    ]
    children = report["properties"]["children"]["properties"]
    assert children["age_group_by_sex"]["properties"]["under_1"]["required"] == [
        "male",
        "female",
        "other",
        "not_recorded",
    ]
    assert report["properties"]["timeliness"]["properties"]["lag_working_days_mean"]["nullable"] is True
