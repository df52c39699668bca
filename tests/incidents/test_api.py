"""The cases API: bad input gets a clear error and loses nothing; filters; the shape of a case."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Incident
from incidents.services import incident_create, incident_key_offline, incident_submit, incident_withdraw

from ..conftest import case_values

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
WINDOWS_EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
)


def body(**overrides):
    values = {
        "local_authority": "E08000035",
        "incident_date": "2022-09-10",
        "la_aware_date": "2022-09-12",
        "reason": "serious_harm",
        "abuse_or_neglect": "suspected",
        "children": [{"age_years": 4, "sex": "male", "ethnicity": "pakistani", "child_in_need": "previous"}],
    }
    return {**values, **overrides}


@pytest.fixture
def as_notifier(client_for, leeds_notifier):
    return client_for(leeds_notifier)


@pytest.fixture
def as_secretariat(client_for, secretariat):
    return client_for(secretariat)


def test_a_notifier_starts_a_draft(as_notifier, leeds):
    response = as_notifier.post("/api/v1/incidents/", body(), format="json")
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["reference"].startswith("CSPR-")
    assert (case["status"], case["channel"], case["local_authority"]) == ("draft", "online", "E08000035")
    assert case["notification_due"] == "2022-09-20"
    assert case["is_late"] is False and case["is_retrospective"] is False
    assert case["children"][0]["is_index"] is True
    assert case["children"][0]["age_group"] == "1_to_5"
    assert case["children"][0]["disability"] == "not_recorded"
    assert [(d["kind"], d["due_on"], d["status"]) for d in case["deadlines"]] == [
        ("notification", "2022-09-20", "open")
    ]
    assert case["timeline"][0]["kind"] == "created"


def test_a_notifier_in_one_authority_need_not_name_it(as_notifier, leeds):
    payload = body()
    del payload["local_authority"]
    response = as_notifier.post("/api/v1/incidents/", payload, format="json")
    assert response.status_code == 201
    assert response.json()["local_authority"] == "E08000035"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (body(la_aware_date="2022-09-01"), "la_aware_date"),
        (body(incident_date="2099-01-01", la_aware_date="2099-01-02"), "incident_date"),
        (body(reason="accident"), "reason"),
        (body(children=[{"sex": "unknown"}]), "children"),
        (body(children=[{"ethnicity": "martian"}]), "children"),
        (body(children=[{"is_index": True}, {"is_index": True}]), "children"),
        (body(children=[{"age_years": 19}]), "children"),
        (body(local_authority="E99999999"), "local_authority"),
        (body(incident_date="10/09/2022"), "incident_date"),
        (body(colour="blue"), "colour"),
        (body(children=[{"favourite_food": "chips"}]), "children"),
        (body(offline_received_on="2022-09-13"), "offline_received_on"),
    ],
)
def test_bad_input_gets_a_field_level_400_and_saves_nothing(as_notifier, leeds, payload, field):
    response = as_notifier.post("/api/v1/incidents/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Incident.objects.exists()


def test_a_withdrawal_without_a_reason_is_a_400(as_notifier, draft, leeds_notifier, london_time):
    with london_time("2022-09-14"):
        incident_submit(incident=draft, by=leeds_notifier)
    response = as_notifier.post(f"/api/v1/incidents/{draft.reference}/withdraw/", {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    assert Incident.objects.get(pk=draft.pk).status == "notified"


def test_a_late_submission_without_a_reason_is_a_400(as_notifier, draft):
    response = as_notifier.post(f"/api/v1/incidents/{draft.reference}/submit/", {}, format="json")
    assert response.status_code == 400
    assert "late_reason" in response.json()
    response = as_notifier.post(
        f"/api/v1/incidents/{draft.reference}/submit/", {"late_reason": "Awaiting police information."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["is_late"] is True


def test_a_transition_the_state_does_not_allow_is_a_409(as_notifier, draft, leeds_notifier, london_time):
    with london_time("2022-09-14"):
        incident_submit(incident=draft, by=leeds_notifier)
    response = as_notifier.post(f"/api/v1/incidents/{draft.reference}/submit/", {}, format="json")
    assert response.status_code == 409
    assert "notified" in response.json()["detail"]
    response = as_notifier.post(f"/api/v1/incidents/{draft.reference}/confirm/", {}, format="json")
    assert response.status_code == 409


def test_changing_a_withdrawn_case_is_a_409(as_notifier, draft, leeds_notifier, london_time):
    with london_time("2022-09-14"):
        incident_submit(incident=draft, by=leeds_notifier)
        incident_withdraw(incident=draft, by=leeds_notifier, reason="Not met")
    response = as_notifier.patch(f"/api/v1/incidents/{draft.reference}/", {"reason": "death"}, format="json")
    assert response.status_code == 409


def test_a_patch_changes_the_reason_and_the_timeline_says_so(as_secretariat, draft, leeds_notifier, london_time):
    with london_time("2022-09-14"):
        incident_submit(incident=draft, by=leeds_notifier)
    response = as_secretariat.patch(f"/api/v1/incidents/{draft.reference}/", {"reason": "death"}, format="json")
    assert response.status_code == 200
    case = response.json()
    assert (case["reason"], case["reason_at_notification"]) == ("death", "serious_harm")
    change = case["timeline"][-1]
    assert change["kind"] == "reason_changed"
    assert change["actor"] == "secretariat@panel.example.org"
    assert change["details"] == {"field": "reason", "from": "serious_harm", "to": "death"}


def test_a_patch_cannot_move_a_case_to_another_authority(as_notifier, draft):
    response = as_notifier.patch(
        f"/api/v1/incidents/{draft.reference}/", {"local_authority": "E08000032"}, format="json"
    )
    assert response.status_code == 400
    assert Incident.objects.get(pk=draft.pk).notifying_la.code == "E08000035"


def test_the_secretariat_keys_an_offline_notification_with_its_original(
    as_secretariat, leeds, client_for, leeds_notifier
):
    payload = body(channel="offline", offline_method="email", offline_received_on="2022-09-14")
    payload["children"] = json.dumps(payload["children"])
    payload["offline_document"] = SimpleUploadedFile("email.pdf", PDF)
    response = as_secretariat.post("/api/v1/incidents/", payload, format="multipart")
    assert response.status_code == 201, response.content
    case = response.json()
    assert (case["status"], case["channel"], case["notified_on"]) == ("notified", "offline", "2022-09-14")
    assert case["has_offline_document"] is True
    assert {d["kind"] for d in case["deadlines"]} == {"notification", "offline_confirmation", "rapid_review"}

    download = client_for(leeds_notifier).get(f"/api/v1/incidents/{case['reference']}/offline-document/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")


def test_a_renamed_executable_is_refused_with_415(as_secretariat, leeds):
    payload = body(channel="offline", offline_method="post", offline_received_on="2022-09-14")
    payload["children"] = json.dumps(payload["children"])
    payload["offline_document"] = SimpleUploadedFile("letter.pdf", WINDOWS_EXECUTABLE, content_type="application/pdf")
    response = as_secretariat.post("/api/v1/incidents/", payload, format="multipart")
    assert response.status_code == 415
    assert "offline_document" in response.json()
    assert not Incident.objects.exists()


def test_a_document_over_the_limit_is_refused_with_413(as_secretariat, leeds, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    payload = body(channel="offline", offline_method="post", offline_received_on="2022-09-14")
    payload["children"] = json.dumps(payload["children"])
    payload["offline_document"] = SimpleUploadedFile("letter.pdf", PDF + b"0" * 2048)
    response = as_secretariat.post("/api/v1/incidents/", payload, format="multipart")
    assert response.status_code == 413
    assert not Incident.objects.exists()


def test_filters(as_secretariat, secretariat, leeds, bradford, leeds_notifier, london_time):
    with london_time("2022-09-13"):
        leeds_case = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
        # Keyed by the Panel on the 13th: Bradford must confirm it within 5 working days.
        bradford_case = incident_key_offline(
            by=secretariat,
            notifying_la=bradford,
            offline_method="phone",
            offline_received_on=datetime.date(2022, 9, 13),
            **case_values(
                reason="death", incident_date=datetime.date(2022, 9, 1), la_aware_date=datetime.date(2022, 9, 1)
            ),
        )
    with london_time("2022-09-14"):
        incident_submit(incident=leeds_case, by=leeds_notifier)

    def refs(query):
        response = as_secretariat.get(f"/api/v1/incidents/?{query}")
        assert response.status_code == 200, response.content
        return [case["reference"] for case in response.json()["results"]]

    assert sorted(refs("status=notified")) == sorted([bradford_case.reference, leeds_case.reference])
    assert refs("channel=online") == [leeds_case.reference]
    assert refs("local_authority=E08000032") == [bradford_case.reference]
    assert refs("reason=death") == [bradford_case.reference]
    with london_time("2022-09-22"):  # Bradford has not confirmed (due the 21st); Leeds notified in time
        assert refs("overdue=true") == [bradford_case.reference]
        assert refs("overdue=false") == [leeds_case.reference]
        assert as_secretariat.get("/api/v1/deadlines/?overdue=true").json()["count"] == 1
    assert refs("incident_date_after=2022-09-05") == [leeds_case.reference]
    assert refs("incident_date_before=2022-09-05") == [bradford_case.reference]
    assert as_secretariat.get("/api/v1/incidents/?status=lost").status_code == 400


def test_the_list_is_paginated_and_its_queries_do_not_grow_with_it(client_for, leeds, leeds_notifier, london_time):
    as_notifier = client_for(leeds_notifier)
    with london_time("2022-09-13"):
        for _ in range(3):
            incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
    as_notifier.get("/api/v1/incidents/")  # warm the person's scope
    with CaptureQueriesContext(connection) as few:
        as_notifier.get("/api/v1/incidents/")
    with london_time("2022-09-13"):
        for _ in range(7):
            incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
    with CaptureQueriesContext(connection) as many:
        response = as_notifier.get("/api/v1/incidents/")
    assert response.json()["count"] == 10
    assert len(many) == len(few)
    assert as_notifier.get("/api/v1/incidents/?page=99").status_code == 404


def test_an_unknown_case_is_a_404(as_secretariat, db):
    assert as_secretariat.get("/api/v1/incidents/CSPR-2022-99999/").status_code == 404


@pytest.mark.parametrize("value", ["null", "maybe", "2"])
def test_a_filter_that_is_neither_true_nor_false_is_a_400(as_secretariat, value, db):
    for url in ("/api/v1/incidents/", "/api/v1/deadlines/"):
        response = as_secretariat.get(f"{url}?overdue={value}")
        assert response.status_code == 400, url
        assert "overdue" in response.json()
