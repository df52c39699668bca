"""Rapid reviews: sending, returning, saying none is needed, retrospective notifications, documents."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver
from rest_framework.test import APIClient

from deadlines.models import Deadline
from incidents.models import Child, Incident, TimelineEvent
from incidents.services import incident_submit, incident_withdraw
from reviews.models import RapidReview
from reviews.selectors import review_facts
from reviews.services import rapid_review_send

from ..documents import real_docx, real_pdf, windows_executable

D = datetime.date.fromisoformat
pytestmark = pytest.mark.django_db


def review_body(document=None, **overrides):
    values = {
        "document": document or SimpleUploadedFile("review.pdf", real_pdf()),
        "completed_on": "2022-09-30",
        "reason_at_review": "serious_harm",
        "likely_cause": "non_fatal_assault_intrafamilial",
        "lcspr_decision": "not_required",
        "lcspr_rationale": "The learning is already being acted on.",
        "immediate_actions": "Safety plan for siblings.",
        "learning": "Information sharing between health and police.",
        "practice_themes": '["whole_family", "babies"]',
    }
    return {**values, **overrides}


def service_values(**overrides):
    values = {
        "document": SimpleUploadedFile("review.pdf", real_pdf()),
        "completed_on": D("2022-09-30"),
        "reason_at_review": "serious_harm",
        "likely_cause": "non_fatal_assault_intrafamilial",
        "lcspr_decision": "not_required",
        "lcspr_rationale": "The learning is already being acted on.",
    }
    return {**values, **overrides}


def deadline(incident, kind, subject=""):
    return Deadline.objects.get(incident=incident, kind=kind, subject=subject)


@pytest.fixture
def as_lead(client_for, leeds_lead):
    return client_for(leeds_lead)


def test_the_partnership_sends_its_rapid_review(as_lead, notified, london_time):
    with london_time("2022-10-03"):
        response = as_lead.post(
            f"/api/v1/incidents/{notified.reference}/rapid-review/", review_body(), format="multipart"
        )
    assert response.status_code == 201, response.content
    review = response.json()
    assert (review["status"], review["first_sent_on"]) == ("submitted", "2022-10-03")
    assert review["versions"][0]["practice_themes"] == ["whole_family", "babies"]
    assert review["versions"][0]["document_type"] == "application/pdf"

    rapid_review = deadline(notified, Deadline.Kind.RAPID_REVIEW)
    assert (rapid_review.due_on, rapid_review.status, rapid_review.met_on) == (D("2022-10-06"), "met", D("2022-10-03"))
    assert rapid_review.responsible == notified.notifying_la.partnership
    panel_response = deadline(notified, Deadline.Kind.PANEL_RESPONSE, "rapid review version 1")
    assert (panel_response.starts_on, panel_response.due_on, panel_response.status) == (
        D("2022-10-03"),
        D("2022-10-24"),
        "open",
    )
    assert panel_response.responsible.kind == "panel"

    case = as_lead.get(f"/api/v1/incidents/{notified.reference}/").json()
    assert case["rapid_review"]["status"] == "submitted"
    assert case["timeline"][-1]["kind"] == "rapid_review_sent"


def test_the_panel_response_service_level_is_configurable(leeds_lead, notified, london_time, settings):
    settings.PANEL_RESPONSE_WORKING_DAYS = 10
    with london_time("2022-10-03"):
        rapid_review_send(incident=notified, by=leeds_lead, **service_values())
    assert deadline(notified, Deadline.Kind.PANEL_RESPONSE, "rapid review version 1").due_on == D("2022-10-17")


def test_the_rapid_review_is_due_15_working_days_after_notification(notified):
    # Notified on 14 September 2022; 19 September was the Queen's funeral.
    assert deadline(notified, Deadline.Kind.RAPID_REVIEW).due_on == D("2022-10-06")
    assert deadline(notified, Deadline.Kind.RAPID_REVIEW).status == "open"


def test_a_real_pdf_and_a_real_docx_are_accepted_and_stored_outside_the_web_root(
    as_lead, client_for, notified, secretariat, bradford_lead, analyst, leeds_notifier, london_time
):
    secretariat_client = client_for(secretariat)
    with london_time("2022-10-03"):
        first = as_lead.post(f"/api/v1/incidents/{notified.reference}/rapid-review/", review_body(), format="multipart")
        assert first.status_code == 201
        returned = secretariat_client.post(
            f"/api/v1/incidents/{notified.reference}/rapid-review/return/", {"reason": "Add the health chronology."}
        )
        assert returned.status_code == 200
        docx_bytes = real_docx()
        docx = SimpleUploadedFile("review.docx", docx_bytes)
        second = as_lead.post(
            f"/api/v1/incidents/{notified.reference}/rapid-review/", review_body(document=docx), format="multipart"
        )
    assert second.status_code == 201, second.content
    assert [v["document_type"] for v in second.json()["versions"]] == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]

    for version in RapidReview.objects.get(incident=notified).versions.all():
        stored = Path(version.document.path).resolve()
        assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
        assert not stored.is_relative_to(Path(settings.STATIC_ROOT).resolve())
        # Even someone who may read the document cannot fetch the stored file by its path.
        for url in (version.document.url, f"/media/{version.document.name}", f"/static/{version.document.name}"):
            assert as_lead.get(url).status_code == 404, url
    assert not [pattern for pattern in url_patterns() if getattr(pattern.callback, "__name__", "") == "serve"]

    url = f"/api/v1/incidents/{notified.reference}/rapid-review/versions/2/document/"
    download = as_lead.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == docx_bytes
    assert secretariat_client.get(url).status_code == 200
    assert client_for(leeds_notifier).get(url).status_code == 200
    assert client_for(bradford_lead).get(url).status_code == 404
    assert client_for(analyst).get(url).status_code == 404
    assert APIClient().get(url).status_code == 401


def url_patterns(resolver=None):
    """Every URL pattern the service answers, however deeply included."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern)
        else:
            yield pattern


def test_a_windows_executable_renamed_review_pdf_is_refused_with_415(as_lead, notified):
    exe = SimpleUploadedFile("review.pdf", windows_executable(), content_type="application/pdf")
    response = as_lead.post(
        f"/api/v1/incidents/{notified.reference}/rapid-review/", review_body(document=exe), format="multipart"
    )
    assert response.status_code == 415
    assert "document" in response.json()
    assert not RapidReview.objects.exists()


def test_a_30_mb_file_is_refused_with_413(as_lead, notified):
    big = SimpleUploadedFile("review.pdf", real_pdf() + b"%" + b"0" * (30 * 1024 * 1024))
    response = as_lead.post(
        f"/api/v1/incidents/{notified.reference}/rapid-review/", review_body(document=big), format="multipart"
    )
    assert response.status_code == 413
    assert not RapidReview.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason_at_review": "death", "likely_cause": "non_fatal_neglect"}, "likely_cause"),
        ({"likely_cause": "sudi_sudc"}, "likely_cause"),
        ({"lcspr_decision": "required", "lines_of_enquiry": ""}, "lines_of_enquiry"),
        ({"lcspr_rationale": ""}, "lcspr_rationale"),
        ({"practice_themes": '["astrology"]'}, "practice_themes"),
        ({"completed_on": "2099-01-01"}, "completed_on"),
        ({"likely_cause": "bad_luck"}, "likely_cause"),
        ({"index_child": '{"sex": "unknown"}'}, "index_child"),
    ],
)
def test_bad_input_is_a_field_level_400(as_lead, notified, london_time, overrides, field):
    with london_time("2022-10-03"):
        response = as_lead.post(
            f"/api/v1/incidents/{notified.reference}/rapid-review/", review_body(**overrides), format="multipart"
        )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not RapidReview.objects.exists()


def test_a_rapid_review_cannot_come_before_submission(as_lead, draft):
    # A draft is its authority's alone: for the partnership it does not exist yet.
    response = as_lead.post(f"/api/v1/incidents/{draft.reference}/rapid-review/", review_body(), format="multipart")
    assert response.status_code == 404
    assert not RapidReview.objects.exists()


def test_a_rapid_review_cannot_come_after_withdrawal(as_lead, notified, leeds_notifier, london_time):
    with london_time("2022-09-15"):
        incident_withdraw(incident=notified, by=leeds_notifier, reason="Criteria not met.")
    response = as_lead.post(f"/api/v1/incidents/{notified.reference}/rapid-review/", review_body(), format="multipart")
    assert response.status_code == 409, response.content
    assert not RapidReview.objects.exists()
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.pdf"))


@pytest.mark.parametrize(
    ("role", "expected"), [("leeds_notifier", 403), ("secretariat", 403), ("bradford_lead", 404), ("analyst", 404)]
)
def test_only_the_partnership_sends_it(role, expected, request, notified, client_for, bradford, panel):
    client = client_for(request.getfixturevalue(role))
    response = client.post(f"/api/v1/incidents/{notified.reference}/rapid-review/", review_body(), format="multipart")
    assert response.status_code == expected


def test_returned_for_more_information_and_sent_again_every_version_is_kept(
    leeds_lead, secretariat, notified, london_time
):
    from reviews.services import rapid_review_return

    with london_time("2022-10-03"):
        rapid_review_send(incident=notified, by=leeds_lead, **service_values())
    with london_time("2022-10-06"):
        rapid_review_return(incident=notified, by=secretariat, reason="Add the police chronology.")
    with london_time("2022-10-10"):
        review = rapid_review_send(incident=notified, by=leeds_lead, **service_values(likely_cause="non_fatal_neglect"))

    assert review.status == "submitted"
    assert review.first_sent_on == D("2022-10-03")
    assert [(v.number, v.likely_cause) for v in review.versions.all()] == [
        (1, "non_fatal_assault_intrafamilial"),
        (2, "non_fatal_neglect"),
    ]
    first = deadline(notified, Deadline.Kind.PANEL_RESPONSE, "rapid review version 1")
    second = deadline(notified, Deadline.Kind.PANEL_RESPONSE, "rapid review version 2")
    assert (first.status, first.met_on) == ("met", D("2022-10-06"))
    assert (second.starts_on, second.status) == (D("2022-10-10"), "open")
    assert review.likely_cause == "non_fatal_neglect"


def test_a_returned_review_cannot_be_returned_again(client_for, leeds_lead, secretariat, notified, london_time):
    with london_time("2022-10-03"):
        rapid_review_send(incident=notified, by=leeds_lead, **service_values())
    client = client_for(secretariat)
    url = f"/api/v1/incidents/{notified.reference}/rapid-review/return/"
    assert client.post(url, {"reason": "More please."}).status_code == 200
    assert client.post(url, {"reason": "More please."}).status_code == 409
    assert client_for(leeds_lead).post(url, {"reason": "x"}).status_code == 403


def test_no_rapid_review_needed_accepted_by_the_panel_cancels_its_deadline(
    client_for, leeds_lead, panel_member, notified
):
    base = f"/api/v1/incidents/{notified.reference}/rapid-review/"
    lead = client_for(leeds_lead)
    assert lead.post(f"{base}not-needed/", {}).status_code == 400
    response = lead.post(f"{base}not-needed/", {"reasons": "The injury was accidental; no abuse or neglect."})
    assert response.status_code == 200
    assert response.json()["status"] == "not_needed_proposed"
    assert lead.post(f"{base}not-needed/accept/", {}).status_code == 403

    response = client_for(panel_member).post(f"{base}not-needed/accept/", {"view": "Agreed."})
    assert response.status_code == 200
    assert response.json()["status"] == "not_needed_accepted"
    assert deadline(notified, Deadline.Kind.RAPID_REVIEW).status == "cancelled"


def test_no_rapid_review_needed_declined_by_the_panel_keeps_it_expected(client_for, leeds_lead, secretariat, notified):
    base = f"/api/v1/incidents/{notified.reference}/rapid-review/"
    client_for(leeds_lead).post(f"{base}not-needed/", {"reasons": "No abuse found."})
    panel = client_for(secretariat)
    assert panel.post(f"{base}not-needed/decline/", {}).status_code == 400
    response = panel.post(f"{base}not-needed/decline/", {"view": "The bruising pattern needs review."})
    assert response.status_code == 200
    assert response.json()["status"] == "awaited"
    assert deadline(notified, Deadline.Kind.RAPID_REVIEW).status == "open"


def test_the_index_child_is_confirmed_or_corrected_with_history(leeds_lead, notified, london_time):
    child = notified.children.get()
    assert child.looked_after == "not_recorded"
    with london_time("2022-10-03"):
        rapid_review_send(
            incident=notified,
            by=leeds_lead,
            index_child={"looked_after": "foster_care", "ethnicity": "white_other"},
            **service_values(),
        )
    child = Child.objects.get(pk=child.pk)
    assert (child.looked_after, child.ethnicity, child.age_years) == ("foster_care", "white_other", 3)
    newest, previous = child.history.all()[:2]
    changes = {c.field: (c.old, c.new) for c in newest.diff_against(previous).changes}
    assert changes["looked_after"] == ("not_recorded", "foster_care")
    assert newest.history_user == leeds_lead


def test_the_reason_and_cause_at_rapid_review_are_the_ones_the_statistics_use(leeds_lead, notified, london_time):
    assert review_facts(incident=notified) is None
    with london_time("2022-10-03"):
        rapid_review_send(
            incident=notified, by=leeds_lead, **service_values(reason_at_review="death", likely_cause="extreme_neglect")
        )
    incident = Incident.objects.get(pk=notified.pk)
    assert review_facts(incident=incident) == {"reason_at_review": "death", "likely_cause": "extreme_neglect"}
    assert (incident.reason, incident.reason_at_notification) == ("death", "serious_harm")
    assert RapidReview.objects.filter(reason_at_review="death", likely_cause="extreme_neglect").count() == 1
    change = TimelineEvent.objects.get(incident=incident, kind=TimelineEvent.Kind.REASON_CHANGED)
    assert change.details == {"field": "reason", "from": "serious_harm", "to": "death", "at": "rapid review"}


# Retrospective notifications ---------------------------------------------------------------------


def unnotified_body(**overrides):
    return review_body(
        local_authority="E08000035",
        incident_date="2022-09-20",
        children='[{"age_years": 14, "sex": "male"}]',
        **overrides,
    )


def test_a_rapid_review_sent_before_the_notification_makes_it_retrospective(
    as_lead, client_for, leeds_notifier, leeds, london_time
):
    with london_time("2022-10-03"):
        response = as_lead.post("/api/v1/rapid-reviews/", unnotified_body(), format="multipart")
    assert response.status_code == 201, response.content
    incident = Incident.objects.get(reference=response.json()["incident"])
    assert incident.status == "not_notified"
    assert incident.notifying_la == leeds
    retrospective = deadline(incident, Deadline.Kind.RETROSPECTIVE_NOTIFICATION)
    assert (retrospective.starts_on, retrospective.due_on, retrospective.status) == (
        D("2022-10-03"),
        D("2022-10-10"),
        "open",
    )
    assert retrospective.responsible == leeds
    assert not Deadline.objects.filter(incident=incident, kind=Deadline.Kind.RAPID_REVIEW).exists()

    notifier = client_for(leeds_notifier)
    url = f"/api/v1/incidents/{incident.reference}/"
    with london_time("2022-10-05"):
        assert notifier.post(f"{url}submit/", {"late_reason": "x"}).status_code == 400  # no awareness date yet
        assert notifier.patch(url, {"la_aware_date": "2022-09-21"}, format="json").status_code == 200
        response = notifier.post(f"{url}submit/", {"late_reason": "Not told of the incident until the review."})
    assert response.status_code == 200, response.content
    case = response.json()
    assert (case["status"], case["notified_on"], case["is_retrospective"]) == ("notified", "2022-10-05", True)
    assert deadline(incident, Deadline.Kind.RETROSPECTIVE_NOTIFICATION).met_on == D("2022-10-05")

    # For good: nothing later makes it anything else.
    with london_time("2022-10-20"):
        notifier.patch(url, {"case_outline": "More is known."}, format="json")
    assert notifier.get(url).json()["is_retrospective"] is True


def test_a_rapid_review_sent_after_the_notification_does_not(leeds_lead, notified, london_time):
    with london_time("2022-10-03"):
        rapid_review_send(incident=notified, by=leeds_lead, **service_values())
    incident = Incident.objects.get(pk=notified.pk)
    assert incident.is_retrospective is False


def test_a_case_opened_from_a_rapid_review_is_retrospective_even_when_notified_the_same_day(
    leeds_lead, leeds_notifier, leeds, london_time
):
    from reviews.services import rapid_review_send_unnotified

    with london_time("2022-10-03"):
        review = rapid_review_send_unnotified(
            by=leeds_lead,
            local_authority=leeds,
            incident_fields={
                "incident_date": D("2022-09-20"),
                "la_aware_date": D("2022-09-21"),
                "reason": "serious_harm",
            },
            children=[{"age_years": 2}],
            **service_values(),
        )
        incident = incident_submit(incident=review.incident, by=leeds_notifier, late_reason="Late.")
    assert incident.notified_on == review.first_sent_on
    assert incident.is_retrospective is True
    # Its review came first: no rapid review is due of it, and none is counted late.
    assert not Deadline.objects.filter(incident=incident, kind=Deadline.Kind.RAPID_REVIEW).exists()


def test_a_partnership_sends_unnotified_reviews_only_for_its_own_authorities(
    client_for, bradford_lead, leeds, bradford
):
    response = client_for(bradford_lead).post("/api/v1/rapid-reviews/", unnotified_body(), format="multipart")
    assert response.status_code == 403
    assert not Incident.objects.exists()


def test_a_notifier_cannot_send_an_unnotified_review(client_for, leeds_notifier):
    response = client_for(leeds_notifier).post("/api/v1/rapid-reviews/", unnotified_body(), format="multipart")
    assert response.status_code == 403


def test_the_services_refuse_roles_that_may_not_take_each_step(
    notified, leeds_lead, leeds_notifier, secretariat, panel_member, london_time
):
    from django.core.exceptions import PermissionDenied

    from reviews.services import (
        rapid_review_not_needed,
        rapid_review_not_needed_accept,
        rapid_review_not_needed_decline,
        rapid_review_return,
    )

    with london_time("2022-09-20"):
        for role in (leeds_notifier, secretariat, panel_member):
            with pytest.raises(PermissionDenied):
                rapid_review_not_needed(incident=notified, by=role, reasons="No abuse found.")
            with pytest.raises(PermissionDenied):
                rapid_review_send(incident=notified, by=role, **service_values(completed_on=D("2022-09-20")))
        rapid_review_not_needed(incident=notified, by=leeds_lead, reasons="No abuse found.")
        for role in (leeds_lead, leeds_notifier):
            with pytest.raises(PermissionDenied):
                rapid_review_not_needed_accept(incident=notified, by=role)
            with pytest.raises(PermissionDenied):
                rapid_review_not_needed_decline(incident=notified, by=role, view="Send one.")
        rapid_review_not_needed_decline(incident=notified, by=panel_member, view="The police are still enquiring.")
        rapid_review_send(incident=notified, by=leeds_lead, **service_values(completed_on=D("2022-09-20")))
        for role in (leeds_lead, leeds_notifier, panel_member):
            with pytest.raises(PermissionDenied):
                rapid_review_return(incident=notified, by=role, reason="More.")
    assert RapidReview.objects.get(incident=notified).status == "submitted"


def test_the_panel_says_by_when_it_expects_a_returned_review(as_lead, client_for, secretariat, notified, london_time):
    url = f"/api/v1/incidents/{notified.reference}/rapid-review/"
    with london_time("2022-10-03"):
        assert as_lead.post(url, review_body(), format="multipart").status_code == 201
        panel = client_for(secretariat)
        refused = panel.post(f"{url}return/", {"reason": "More.", "resubmit_by": "2022-09-30"}, format="json")
        assert refused.status_code == 400
        assert "resubmit_by" in refused.json()
        returned = panel.post(f"{url}return/", {"reason": "More.", "resubmit_by": "2022-10-28"}, format="json")
    assert returned.status_code == 200, returned.content
    assert returned.json()["versions"][0]["resubmit_by"] == "2022-10-28"
    due = deadline(notified, Deadline.Kind.RAPID_REVIEW_RESUBMISSION, "rapid review version 1")
    assert (due.due_on, due.status) == (D("2022-10-28"), "open")


def test_practice_themes_may_come_one_part_each_as_forms_send_a_list(
    as_lead, client_for, secretariat, notified, london_time
):
    url = f"/api/v1/incidents/{notified.reference}/rapid-review/"
    with london_time("2022-10-03"):
        first = as_lead.post(url, {**review_body(), "practice_themes": ["babies", "whole_family"]}, format="multipart")
        assert first.status_code == 201, first.content
        client_for(secretariat).post(f"{url}return/", {"reason": "Add the chronology."}, format="json")
        # A list of one is still a list.
        second = as_lead.post(url, {**review_body(), "practice_themes": ["babies"]}, format="multipart")
    assert second.status_code == 201, second.content
    themes = [version["practice_themes"] for version in second.json()["versions"]]
    assert themes == [["babies", "whole_family"], ["babies"]]
