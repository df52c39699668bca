"""Who can do what: every case endpoint, for every role, in their own organisation and in another.

Outside a person's organisations a case does not exist (404); a role that may not act gets 403;
without credentials, 401. A draft is its authority's alone until it is submitted. No list ever shows
another authority's case.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from incidents.services import incident_key_offline
from reviews.services import rapid_review_send_unnotified

from ..conftest import case_values
from ..documents import real_pdf

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"

ROLES = [
    "leeds_notifier",  # notifier in the case's authority
    "bradford_notifier",  # notifier in another authority
    "leeds_lead",  # lead of the case's partnership
    "bradford_lead",  # lead of another partnership
    "secretariat",
    "panel_member",
    "analyst",
    "anonymous",
]

# endpoint: expected status for each role, in the order of ROLES.
MATRIX = {
    "list": [200, 200, 200, 200, 200, 200, 403, 401],
    "retrieve": [200, 404, 200, 404, 200, 200, 404, 401],
    "retrieve_draft": [200, 404, 404, 404, 404, 404, 404, 401],
    "retrieve_unnotified": [200, 404, 200, 404, 200, 200, 404, 401],
    "create": [201, 403, 403, 403, 403, 403, 403, 401],
    "key_offline": [403, 403, 403, 403, 201, 403, 403, 401],
    "patch": [200, 404, 403, 404, 200, 403, 404, 401],
    "patch_draft": [200, 404, 404, 404, 404, 404, 404, 401],
    "submit": [200, 404, 404, 404, 404, 404, 404, 401],
    "submit_unnotified": [200, 404, 403, 404, 403, 403, 404, 401],
    "withdraw": [200, 404, 403, 404, 200, 403, 404, 401],
    "withdraw_draft": [409, 404, 404, 404, 404, 404, 404, 401],
    "confirm": [200, 404, 403, 404, 403, 403, 404, 401],
    "offline_document": [200, 404, 200, 404, 200, 200, 404, 401],
    "deadlines": [200, 200, 200, 200, 200, 200, 403, 401],
}


@pytest.fixture
def offline(secretariat, leeds, london_time):
    with london_time("2022-09-16"):
        return incident_key_offline(
            by=secretariat,
            notifying_la=leeds,
            offline_method="post",
            offline_received_on=datetime.date(2022, 9, 14),
            offline_document=SimpleUploadedFile("letter.pdf", PDF),
            **case_values(),
        )


@pytest.fixture
def unnotified(leeds_lead, leeds, london_time):
    """A case opened from a rapid review Leeds never notified: Leeds is asked to notify it."""
    with london_time("2022-09-20"):
        review = rapid_review_send_unnotified(
            by=leeds_lead,
            local_authority=leeds,
            document=SimpleUploadedFile("review.pdf", real_pdf()),
            incident_fields={"incident_date": datetime.date(2022, 9, 1), "reason": "serious_harm"},
            children=[{"age_years": 4}],
            completed_on=datetime.date(2022, 9, 20),
            reason_at_review="serious_harm",
            likely_cause="non_fatal_assault_intrafamilial",
            lcspr_decision="not_required",
            lcspr_rationale="Learning is in hand.",
        )
    return review.incident


def draft_body():
    return {
        "local_authority": "E08000035",
        "incident_date": "2022-09-10",
        "la_aware_date": "2022-09-12",
        "reason": "death",
        "children": [{"age_years": 1}],
    }


def call(endpoint, client, request):
    """Make the endpoint's request against a case in the state it needs."""
    if endpoint == "list":
        request.getfixturevalue("draft")
        return client.get("/api/v1/incidents/")
    if endpoint.startswith("retrieve"):
        fixture = {"retrieve": "notified", "retrieve_draft": "draft", "retrieve_unnotified": "unnotified"}[endpoint]
        return client.get(f"/api/v1/incidents/{request.getfixturevalue(fixture).reference}/")
    if endpoint == "create":
        return client.post("/api/v1/incidents/", draft_body(), format="json")
    if endpoint == "key_offline":
        body = {**draft_body(), "channel": "offline", "offline_method": "phone", "offline_received_on": "2022-09-13"}
        return client.post("/api/v1/incidents/", body, format="json")
    if endpoint.startswith("patch"):
        case = request.getfixturevalue("draft" if endpoint == "patch_draft" else "notified")
        return client.patch(f"/api/v1/incidents/{case.reference}/", {"case_outline": "More known."}, format="json")
    if endpoint.startswith("submit"):
        case = request.getfixturevalue("unnotified" if endpoint == "submit_unnotified" else "draft")
        body = {"late_reason": "Late."}
        if endpoint == "submit_unnotified":
            client.patch(f"/api/v1/incidents/{case.reference}/", {"la_aware_date": "2022-09-21"}, format="json")
        return client.post(f"/api/v1/incidents/{case.reference}/submit/", body, format="json")
    if endpoint.startswith("withdraw"):
        case = request.getfixturevalue("draft" if endpoint == "withdraw_draft" else "notified")
        return client.post(f"/api/v1/incidents/{case.reference}/withdraw/", {"reason": "Not met."}, format="json")
    if endpoint == "confirm":
        case = request.getfixturevalue("offline")
        return client.post(f"/api/v1/incidents/{case.reference}/confirm/", {}, format="json")
    if endpoint == "offline_document":
        return client.get(f"/api/v1/incidents/{request.getfixturevalue('offline').reference}/offline-document/")
    if endpoint == "deadlines":
        request.getfixturevalue("draft")
        return client.get("/api/v1/deadlines/")
    raise AssertionError(endpoint)


@pytest.mark.parametrize(
    ("endpoint", "role", "expected"),
    [(endpoint, role, statuses[i]) for endpoint, statuses in MATRIX.items() for i, role in enumerate(ROLES)],
)
def test_permission_matrix(endpoint, role, expected, request, leeds, bradford, panel):
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(request.getfixturevalue(role))
    response = call(endpoint, client, request)
    assert response.status_code == expected, response.content


@pytest.mark.parametrize("role", ["bradford_notifier", "bradford_lead"])
def test_no_list_shows_another_authoritys_case(role, request, draft, notified, offline):
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(role))
    assert client.get("/api/v1/incidents/").json()["results"] == []
    assert client.get("/api/v1/deadlines/").json()["results"] == []
    assert client.get("/api/v1/incidents/?status=notified").json()["count"] == 0


@pytest.mark.parametrize("role", ["leeds_notifier", "leeds_lead", "secretariat", "panel_member"])
def test_people_who_can_see_the_case_find_it_in_lists(role, request, notified):
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(role))
    assert [c["reference"] for c in client.get("/api/v1/incidents/").json()["results"]] == [notified.reference]
    assert {d["incident"] for d in client.get("/api/v1/deadlines/").json()["results"]} == {notified.reference}


@pytest.mark.parametrize("role", ["leeds_lead", "secretariat", "panel_member", "bradford_notifier"])
def test_a_draft_is_in_no_list_but_its_authoritys(role, request, draft):
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(role))
    assert client.get("/api/v1/incidents/").json()["results"] == []
    assert client.get("/api/v1/deadlines/").json()["results"] == []


def test_a_home_authority_sees_the_case_but_cannot_act_on_it(notified, bradford, bradford_notifier):
    notified.home_la = bradford
    notified.save()
    client = APIClient()
    client.force_authenticate(bradford_notifier)
    assert client.get(f"/api/v1/incidents/{notified.reference}/").status_code == 200
    assert [c["reference"] for c in client.get("/api/v1/incidents/").json()["results"]] == [notified.reference]
    response = client.post(f"/api/v1/incidents/{notified.reference}/withdraw/", {"reason": "x"}, format="json")
    assert response.status_code == 403


def test_a_placing_authority_sees_the_case_but_cannot_act_on_it(notified, bradford, bradford_notifier):
    notified.placing_la = bradford
    notified.save()
    client = APIClient()
    client.force_authenticate(bradford_notifier)
    assert client.get(f"/api/v1/incidents/{notified.reference}/").status_code == 200
    assert [c["reference"] for c in client.get("/api/v1/incidents/").json()["results"]] == [notified.reference]
    response = client.patch(f"/api/v1/incidents/{notified.reference}/", {"case_outline": "x"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("link", ["home_la", "placing_la"])
def test_the_partnership_of_a_home_or_placing_authority_sees_the_case(link, notified, bradford, bradford_lead):
    setattr(notified, link, bradford)
    notified.save()
    client = APIClient()
    client.force_authenticate(bradford_lead)
    assert client.get(f"/api/v1/incidents/{notified.reference}/").status_code == 200
    assert [c["reference"] for c in client.get("/api/v1/incidents/").json()["results"]] == [notified.reference]


@pytest.mark.parametrize(
    ("role", "sees_names"),
    [("leeds_notifier", True), ("leeds_lead", True), ("secretariat", True), ("panel_member", False)],
)
def test_names_are_shown_only_to_roles_that_need_them(role, sees_names, request, leeds_notifier, leeds, london_time):
    from incidents.services import incident_create, incident_submit

    with london_time("2022-09-13"):
        case = incident_create(
            by=leeds_notifier, notifying_la=leeds, **case_values(children=[{"first_name": "Ada", "age_years": 2}])
        )
        incident_submit(incident=case, by=leeds_notifier)
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(role))
    for url in (f"/api/v1/incidents/{case.reference}/", "/api/v1/incidents/"):
        assert ("Ada" in client.get(url).content.decode()) is sees_names, url
