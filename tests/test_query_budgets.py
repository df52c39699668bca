"""Query budgets: each hot read costs an exact number of queries, the same for a few rows as for many.

A budget is the count measured for the small case; the large one (ten times the cases, or a case holding
more of everything) must cost exactly the same. A change that adds a query for each row, or one more for
every request, fails here and lists the queries (pytest-django's django_assert_num_queries).

API requests carry a real API token, so signing in (one query: organisations.authentication) counts too.
"""

import datetime
import gzip

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from incidents.models import TimelineEvent
from incidents.services import incident_create, incident_submit
from incidents.workflow import timeline_record
from letters.models import Letter
from letters.services import letter_draft
from notices.models import Notice
from organisations.services import api_token_create
from reviews.services import lcspr_milestone_add, rapid_review_return, rapid_review_send, recommendation_add
from tests.conftest import case_values, rapid_review_values, recommendation_values
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat

# The cases API's list: the token, the person's scope, the count, the page of cases (with their authorities),
# their children and their deadlines. A partnership lead's requests read their partnerships' authorities
# once besides (incidents.selectors.case_scope).
CASE_LIST = {"secretariat": 6, "leeds_notifier": 6, "leeds_lead": 7}
# The deadlines API's list: the token, the scope, the count, and the page of deadlines with their cases.
DEADLINE_LIST = {"secretariat": 4, "leeds_notifier": 4, "leeds_lead": 5}
# One case in full: the token, the scope; the case with its rapid and local reviews, its children, deadlines,
# rapid review versions, local review pauses, milestones and recommendations; the access log (the person's
# organisations, then its row); the timeline, the letters, and the notices (the Panel's only). Where a rule
# refuses a person something (a Panel member the children's names, a notifier the notices), Django's own
# permissions are read next: two queries, once a request.
CASE_DETAIL = {"secretariat": 14, "panel_member": 16, "leeds_notifier": 15}
# The case page: the session, the person, the second factor, the scope; the case with its reviews, children,
# deadlines and rapid review versions; the access log; the letters, the timeline; saving the session. A
# partnership lead's actions read Django's permissions and the second factor besides.
CASE_PAGE = {"secretariat": 15, "leeds_lead": 19}
# The start page (the Panel's queue for the secretariat) and the case list page.
HOME = {"leeds_notifier": 16, "leeds_lead": 17, "secretariat": 18}
CASE_LIST_PAGE = {"leeds_notifier": 14, "leeds_lead": 15, "secretariat": 11}


def sql_of(queries, *parts):
    """The one query captured whose SQL has every part given."""
    (sql,) = [query["sql"] for query in queries.captured_queries if all(part in query["sql"] for part in parts)]
    return sql


def token_client(user):
    """An API client that sends a real API token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
    return client


def page_client(user):
    client = Client()
    sign_in(client, user)
    return client


def cases(leeds, notifier, london_time, count):
    """`count` Leeds cases from September 2022, two in three notified (their deadlines long past due), the
    rest drafts, which only Leeds sees."""
    with london_time("2022-09-14"):
        for number in range(count):
            incident = incident_create(by=notifier, notifying_la=leeds, **case_values())
            if number % 3:
                incident_submit(incident=incident, by=notifier)


def child(number):
    return {"is_index": number == 0, "age_years": 3 + number, "sex": "female", "ethnicity": "white_british"}


def case_file(leeds, notifier, lead, secretariat, london_time, *, large):
    """A notified case with a rapid review, a local review, letters and messages: one of each for a small case;
    for a large one 5 children, 3 versions of its rapid review (two returned), 3 letters, 3 recommendations
    (each a deadline) and milestones, 6 messages and at least 20 timeline events."""
    many = 3 if large else 1
    with london_time("2022-09-14"):
        incident = incident_create(
            by=notifier, notifying_la=leeds, **case_values(children=[child(n) for n in range(5 if large else 1)])
        )
        incident = incident_submit(incident=incident, by=notifier)
    with london_time("2022-10-03"):
        rapid_review_send(incident=incident, by=lead, **rapid_review_values())
    for day in ("2022-10-10", "2022-10-24")[: many - 1]:
        with london_time(day):
            rapid_review_return(incident=incident, by=secretariat, reason="More on health visiting.")
            rapid_review_send(incident=incident, by=lead, **rapid_review_values(completed_on=D(day)))
    with london_time("2022-11-01"):
        for number in range(many):
            letter_draft(incident=incident, by=secretariat, kind=Letter.Kind.GENERAL)
            due_on = D("2024-03-31") + datetime.timedelta(days=number)
            recommendation_add(incident=incident, by=lead, **recommendation_values(due_on=due_on))
            lcspr_milestone_add(incident=incident, by=lead, happened_on=D("2022-10-31"), description="Panel met.")
        while large and incident.timeline.count() < 20:
            timeline_record(incident, TimelineEvent.Kind.UPDATED, by=secretariat)
    for event in incident.timeline.all()[: 6 if large else 1]:
        Notice.objects.create(
            incident=incident,
            event=event,
            recipient=notifier,
            due_on=D("2022-11-01"),
            status=Notice.Status.SENT,
            next_attempt_at=timezone.now(),
            sent_at=timezone.now(),
        )
    return incident


# The cases API -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("who", ["secretariat", "leeds_notifier", "leeds_lead"])
@pytest.mark.parametrize("query", ["", "?overdue=true"])
def test_the_case_list_costs_the_same_for_5_cases_as_for_50(
    request, leeds, leeds_notifier, london_time, django_assert_num_queries, count, who, query
):
    client = token_client(request.getfixturevalue(who))
    cases(leeds, leeds_notifier, london_time, count)

    with django_assert_num_queries(CASE_LIST[who]) as queries:
        response = client.get(f"/api/v1/incidents/{query}")

    assert response.status_code == 200
    # Newest first, the id breaking ties: the order of incident_created_idx, so a page is read off it. Who
    # sees which case is decided on the case's own columns: no join, no subquery but `overdue`'s.
    page = sql_of(queries, 'FROM "incidents_incident"', "ORDER BY")
    assert 'ORDER BY "incidents_incident"."created_at" DESC, "incidents_incident"."id" DESC LIMIT' in page
    condition = page.split(" WHERE ", 1)[1]
    assert "organisation" not in condition and condition.count("SELECT") == (1 if query else 0)
    shown = response.json()
    # Every case on the one page: the Panel and the partnership see the notified ones, Leeds its drafts too.
    notified = len([n for n in range(count) if n % 3])
    assert shown["count"] == len(shown["results"]) == (count if who == "leeds_notifier" else notified)


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("who", ["secretariat", "leeds_notifier", "leeds_lead"])
@pytest.mark.parametrize("query", ["", "?overdue=true"])
def test_the_deadline_list_costs_the_same_for_5_cases_as_for_50(
    request, leeds, leeds_notifier, london_time, django_assert_num_queries, count, who, query
):
    client = token_client(request.getfixturevalue(who))
    cases(leeds, leeds_notifier, london_time, count)

    with django_assert_num_queries(DEADLINE_LIST[who]) as queries:
        response = client.get(f"/api/v1/deadlines/{query}")

    assert response.status_code == 200
    # Scoped on each deadline's own case, joined to show it: no subquery over every case the person sees (for
    # the Panel, all of them), nor over every deadline for `overdue`.
    assert "SELECT" not in sql_of(queries, 'FROM "deadlines_deadline"', "LIMIT").split("FROM", 1)[1]
    shown = response.json()
    assert len(shown["results"]) == min(shown["count"], 50) and shown["count"] >= count * 2 // 3


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
@pytest.mark.parametrize("who", ["secretariat", "panel_member", "leeds_notifier"])
def test_a_case_costs_the_same_however_much_it_holds(
    request, leeds, leeds_notifier, leeds_lead, secretariat, london_time, django_assert_num_queries, large, who
):
    incident = case_file(leeds, leeds_notifier, leeds_lead, secretariat, london_time, large=large)
    client = token_client(request.getfixturevalue(who))

    with django_assert_num_queries(CASE_DETAIL[who]):
        response = client.get(f"/api/v1/incidents/{incident.reference}/")

    assert response.status_code == 200
    case = response.json()
    assert len(case["children"]) == (5 if large else 1)
    assert len(case["rapid_review"]["versions"]) == (3 if large else 1)
    assert len(case["lcspr"]["milestones"]) == len(case["lcspr"]["recommendations"]) == (3 if large else 1)
    assert len(case["timeline"]) >= (20 if large else 1)
    # Draft letters and the notices are the Panel's; a Panel member is never shown a child's name.
    panel = who != "leeds_notifier"
    assert (len(case["letters"]), len(case["notices"])) == (((3, 6) if large else (1, 1)) if panel else (0, 0))
    assert ("first_name" in case["children"][0]) == (who != "panel_member")


# Pages ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
@pytest.mark.parametrize("who", ["secretariat", "leeds_lead"])
def test_the_case_page_costs_the_same_however_much_it_holds(
    request, leeds, leeds_notifier, leeds_lead, secretariat, london_time, django_assert_num_queries, large, who
):
    incident = case_file(leeds, leeds_notifier, leeds_lead, secretariat, london_time, large=large)
    client = page_client(request.getfixturevalue(who))

    with django_assert_num_queries(CASE_PAGE[who]):
        response = client.get(reverse("web:case", args=[incident.reference]))

    assert response.status_code == 200
    assert response.content.count(b"Rapid review, version") == (3 if large else 1)


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("who", ["leeds_notifier", "leeds_lead", "secretariat"])
@pytest.mark.parametrize("url", ["home", "web:case-list"])
def test_the_start_page_and_the_case_list_page_cost_the_same_for_5_cases_as_for_50(
    request, leeds, leeds_notifier, london_time, django_assert_num_queries, count, who, url
):
    client = page_client(request.getfixturevalue(who))
    cases(leeds, leeds_notifier, london_time, count)

    with django_assert_num_queries((HOME if url == "home" else CASE_LIST_PAGE)[who]):
        response = client.get(reverse(url))

    assert response.status_code == 200


# Signing in with an API token ----------------------------------------------------------------------------


def test_a_token_signs_a_request_in_with_one_query_however_many_tokens_the_person_has(
    leeds_notifier, django_assert_num_queries
):
    key = api_token_create(user=leeds_notifier)
    for _ in range(3):
        AuthToken.objects.create(user=leeds_notifier, expiry=datetime.timedelta(days=-1))

    # The token with its person; then the person again with their memberships (GET /me/ shows them).
    with django_assert_num_queries(3):
        response = Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/")

    assert response.status_code == 200
    # The expired tokens wait for the purge (organisations.services.expired_tokens_delete).
    assert AuthToken.objects.filter(user=leeds_notifier).count() == 4


def test_an_expired_token_is_refused_and_deleted_when_presented(leeds_notifier):
    _token, key = AuthToken.objects.create(user=leeds_notifier, expiry=datetime.timedelta(days=-1))

    response = Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/")

    assert response.status_code == 401
    assert not AuthToken.objects.filter(user=leeds_notifier).exists()


# Compression ---------------------------------------------------------------------------------------------


def test_answers_are_compressed_for_a_client_that_takes_gzip(leeds, leeds_notifier, london_time):
    cases(leeds, leeds_notifier, london_time, 20)
    client = token_client(leeds_notifier)

    response = client.get("/api/v1/incidents/", HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    plain = gzip.decompress(response.content)
    assert plain.startswith(b'{"count":20,')
    assert len(response.content) * 5 < len(plain)
