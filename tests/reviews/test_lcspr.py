"""Local reviews: the six-month tracker, pauses, the final report, publication and recommendations."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from deadlines.models import Deadline
from incidents.models import Incident
from reviews.models import Lcspr
from reviews.services import (
    lcspr_final_report,
    lcspr_milestone_add,
    lcspr_not_published,
    lcspr_pause,
    lcspr_resume,
    lcspr_update,
    rapid_review_send,
    recommendation_add,
    review_deadlines_refresh,
)

from ..conftest import LONDON, august_review_values
from ..documents import real_pdf, windows_executable

D = datetime.date.fromisoformat
pytestmark = pytest.mark.django_db


def deadline(incident, kind):
    return Deadline.objects.get(incident=incident, kind=kind)


def test_a_decision_on_31_august_2023_is_due_on_29_february_2024(lcspr, august_case):
    assert (lcspr.status, lcspr.decision_on, lcspr.partnership) == (
        "in_progress",
        D("2023-08-31"),
        august_case.notifying_la.partnership,
    )
    publication = deadline(august_case, Deadline.Kind.LCSPR_PUBLICATION)
    assert (publication.starts_on, publication.due_on, publication.status) == (D("2023-08-31"), D("2024-02-29"), "open")


def test_a_recorded_decision_date_counts_instead_of_the_review_date(august_case, leeds_lead, london_time):
    with london_time("2023-09-04"):
        values = august_review_values(lcspr_decision_on=D("2023-08-31"))
        rapid_review_send(incident=august_case, by=leeds_lead, **values)
    assert deadline(august_case, Deadline.Kind.LCSPR_PUBLICATION).due_on == D("2024-02-29")


def test_no_local_review_when_none_is_required(august_case, leeds_lead, london_time):
    with london_time("2023-08-31"):
        values = august_review_values(lcspr_decision="not_required", lines_of_enquiry="")
        rapid_review_send(incident=august_case, by=leeds_lead, **values)
    assert not Lcspr.objects.exists()
    assert not Deadline.objects.filter(kind=Deadline.Kind.LCSPR_PUBLICATION).exists()


def test_a_pause_does_not_move_the_due_date(lcspr, august_case, leeds_lead, london_time):
    with london_time("2023-10-02"):
        lcspr_pause(incident=august_case, by=leeds_lead, reason="criminal_proceedings", panel_told_on=D("2023-10-02"))
    assert deadline(august_case, Deadline.Kind.LCSPR_PUBLICATION).due_on == D("2024-02-29")
    with london_time("2024-03-04"):
        lcspr_resume(incident=august_case, by=leeds_lead)
    publication = deadline(august_case, Deadline.Kind.LCSPR_PUBLICATION)
    assert publication.due_on == D("2024-02-29")
    assert publication.is_overdue(today=D("2024-03-04"))  # the breach is shown, and the pause explains it
    pause = Lcspr.objects.get(pk=lcspr.pk).pauses.get()
    assert (pause.reason, pause.started_on, pause.ended_on) == (
        "criminal_proceedings",
        D("2023-10-02"),
        D("2024-03-04"),
    )


def test_a_final_report_5_working_days_before_publication_is_flagged_late(lcspr, august_case, leeds_lead, london_time):
    with london_time("2024-02-22"):  # publication planned for Thursday 29 February: 5 working days later
        lcspr_final_report(
            incident=august_case,
            by=leeds_lead,
            document=SimpleUploadedFile("final.pdf", real_pdf()),
            planned_publication_on=D("2024-02-29"),
        )
    final_report = deadline(august_case, Deadline.Kind.FINAL_REPORT)
    assert (final_report.due_on, final_report.met_on) == (D("2024-02-20"), D("2024-02-22"))
    assert final_report.met_late


def test_a_final_report_7_working_days_before_publication_is_on_time(lcspr, august_case, leeds_lead, london_time):
    with london_time("2024-02-20"):
        lcspr_final_report(
            incident=august_case,
            by=leeds_lead,
            document=SimpleUploadedFile("final.pdf", real_pdf()),
            planned_publication_on=D("2024-02-29"),
        )
    assert not deadline(august_case, Deadline.Kind.FINAL_REPORT).met_late


def test_a_planned_date_set_early_opens_the_final_report_deadline(
    lcspr, august_case, client_for, leeds_lead, london_time
):
    with london_time("2024-01-10"):
        response = client_for(leeds_lead).patch(
            f"/api/v1/incidents/{august_case.reference}/lcspr/",
            {"planned_publication_on": "2024-02-29", "reviewer": "An independent reviewer"},
            format="json",
        )
    assert response.status_code == 200, response.content
    final_report = deadline(august_case, Deadline.Kind.FINAL_REPORT)
    assert (final_report.due_on, final_report.status) == (D("2024-02-20"), "open")


def test_the_lifecycle_through_the_api(lcspr, august_case, client_for, leeds_lead, secretariat, london_time):
    base = f"/api/v1/incidents/{august_case.reference}/lcspr/"
    lead = client_for(leeds_lead)
    with london_time("2023-10-02"):
        assert lead.post(f"{base}pause/", {"reason": "inquest", "panel_told_on": "2023-10-02"}).status_code == 200
        assert lead.post(f"{base}pause/", {"reason": "inquest", "panel_told_on": "2023-10-02"}).status_code == 409
        assert lead.post(f"{base}final-report/", {}, format="multipart").status_code == 400
        assert lead.post(f"{base}final-report/", {}).status_code == 415  # a document cannot travel as JSON
        assert lead.post(f"{base}resume/", {"reason": 7}, format="json").status_code == 400
        assert lead.post(f"{base}resume/", {"reason": "The inquest ended."}, format="json").json()["status"] == (
            "in_progress"
        )
        assert lcspr.milestones.get().description == "Review resumed: The inquest ended."
        assert (
            lead.post(f"{base}milestones/", {"happened_on": "2023-10-01", "description": "Panel met"}).status_code
            == 201
        )
    with london_time("2024-02-01"):
        exe = SimpleUploadedFile("final.pdf", windows_executable())
        response = lead.post(
            f"{base}final-report/", {"document": exe, "planned_publication_on": "2024-02-28"}, format="multipart"
        )
        assert response.status_code == 415
        pdf = SimpleUploadedFile("final.pdf", real_pdf())
        response = lead.post(
            f"{base}final-report/", {"document": pdf, "planned_publication_on": "2024-02-28"}, format="multipart"
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "final_report_received"
        assert lead.get(f"{base}final-report/").status_code == 200
    with london_time("2024-02-28"):
        response = client_for(secretariat).patch(base, {"panel_view": "A thorough review."}, format="json")
        assert response.status_code == 200
        response = lead.post(f"{base}publish/", {"published_on": "2024-02-28", "url": "https://example.org/lcspr"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["panel_view"]) == ("published", "A thorough review.")
    publication = deadline(august_case, Deadline.Kind.LCSPR_PUBLICATION)
    assert (publication.status, publication.met_on, publication.met_late) == ("met", D("2024-02-28"), False)

    case = lead.get(f"/api/v1/incidents/{august_case.reference}/").json()
    assert case["lcspr"]["status"] == "published"
    assert [p["reason"] for p in case["lcspr"]["pauses"]] == ["inquest"]
    milestones = [m["description"] for m in case["lcspr"]["milestones"]]
    assert milestones == ["Panel met", "Review resumed: The inquest ended."]


def test_not_published_needs_reasons_and_closes_the_clock(lcspr, august_case, client_for, secretariat, london_time):
    url = f"/api/v1/incidents/{august_case.reference}/lcspr/not-published/"
    panel = client_for(secretariat)
    with london_time("2024-03-01"):
        assert panel.post(url, {}).status_code == 400
        response = panel.post(url, {"reasons": "Publication would identify the surviving siblings."})
    assert response.status_code == 200
    assert response.json()["status"] == "not_published"
    assert deadline(august_case, Deadline.Kind.LCSPR_PUBLICATION).status == "cancelled"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("leeds_lead", 200),
        ("secretariat", 200),
        ("panel_member", 403),
        ("leeds_notifier", 403),
        ("bradford_lead", 404),
        ("bradford_notifier", 404),
        ("analyst", 404),
    ],
)
def test_who_runs_the_local_review(role, expected, request, lcspr, august_case, client_for, bradford, london_time):
    with london_time("2023-10-02"):
        response = client_for(request.getfixturevalue(role)).post(
            f"/api/v1/incidents/{august_case.reference}/lcspr/pause/",
            {"reason": "other", "panel_told_on": "2023-10-02"},
        )
    assert response.status_code == expected


def test_a_case_without_a_local_review_has_none_to_show(client_for, leeds_lead, notified):
    assert client_for(leeds_lead).get(f"/api/v1/incidents/{notified.reference}/lcspr/").status_code == 404


def test_recommendations_are_deadlines_like_any_other(lcspr, august_case, client_for, leeds_lead, london_time):
    base = f"/api/v1/incidents/{august_case.reference}/lcspr/recommendations/"
    lead = client_for(leeds_lead)
    body = {
        "text": "Health visitors give safe sleep advice at every contact.",
        "owner_organisation": "Leeds Community Healthcare",
        "owner_role": "Head of health visiting",
        "due_on": "2024-06-30",
        "impact_evaluation": "Audit of 50 records in September 2024.",
    }
    with london_time("2024-03-01"):
        response = lead.post(base, body, format="json")
        assert response.status_code == 201, response.content
        assert lead.post(base, {**body, "colour": "red"}, format="json").status_code == 400
    recommendation = response.json()
    assert recommendation["status"] == "open"
    subject = f"recommendation {recommendation['id']}"
    due = Deadline.objects.get(incident=august_case, kind=Deadline.Kind.RECOMMENDATION, subject=subject)
    assert (due.due_on, due.status) == (D("2024-06-30"), "open")
    assert due.is_overdue(today=D("2024-07-01"))

    with london_time("2024-07-05"):
        url = f"{base}{recommendation['id']}/"
        assert lead.patch(url, {"status": "completed"}, format="json").status_code == 400  # evidence needed
        response = lead.patch(
            url, {"status": "completed", "completion_evidence": "Audit found 49 of 50."}, format="json"
        )
    assert response.status_code == 200, response.content
    due.refresh_from_db()
    assert (due.status, due.met_on, due.met_late) == ("met", D("2024-07-05"), True)
    assert lead.get(base).json()[0]["completion_evidence"] == "Audit found 49 of 50."


def test_a_withdrawn_case_stops_its_local_review_and_its_deadlines_stay_cancelled(
    lcspr, august_case, client_for, leeds_lead, secretariat, london_time
):
    from incidents.services import incident_withdraw

    with london_time("2023-09-15"):
        incident_withdraw(incident=august_case, by=secretariat, reason="Criteria not met after all.")
        response = client_for(leeds_lead).post(
            f"/api/v1/incidents/{august_case.reference}/lcspr/recommendations/",
            {
                "text": "x",
                "owner_organisation": "x",
                "owner_role": "x",
                "due_on": "2024-01-01",
                "impact_evaluation": "x",
            },
            format="json",
        )
    assert response.status_code == 409
    assert deadline(august_case, Deadline.Kind.LCSPR_PUBLICATION).status == "cancelled"
    # Recomputing the deadlines from the case's dates brings none of them back.
    review_deadlines_refresh(incident=august_case)
    assert not Deadline.objects.filter(incident=august_case, status="open").exists()
    assert deadline(august_case, Deadline.Kind.LCSPR_PUBLICATION).status == "cancelled"


def test_a_recommendation_made_after_midnight_in_england_starts_that_day(lcspr, august_case, leeds_lead):
    # 00:30 on 1 July 2023 in England is still 30 June in UTC.
    with time_machine.travel(datetime.datetime(2023, 7, 1, 0, 30, tzinfo=LONDON), tick=False):
        recommendation = recommendation_add(
            incident=august_case,
            by=leeds_lead,
            text="Safe sleep advice at every contact.",
            owner_organisation="Leeds Community Healthcare",
            owner_role="Head of health visiting",
            due_on=D("2023-12-31"),
            impact_evaluation="Audit.",
        )
    due = Deadline.objects.get(incident=august_case, subject=f"recommendation {recommendation.pk}")
    assert due.starts_on == D("2023-07-01")


@pytest.mark.parametrize(
    ("service", "values"),
    [
        (lcspr_pause, {"reason": "inquest", "panel_told_on": D("2023-10-02")}),
        (lcspr_update, {"reviewer": "A. Reviewer"}),
        (
            recommendation_add,
            {
                "text": "x",
                "owner_organisation": "x",
                "owner_role": "x",
                "due_on": D("2024-01-01"),
                "impact_evaluation": "x",
            },
        ),
        (lcspr_milestone_add, {"happened_on": D("2023-10-02"), "description": "Practitioner event."}),
        (lcspr_not_published, {"reasons": "Identifies the family."}),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_the_services_refuse_a_role_that_may_not_run_the_review(
    service, values, lcspr, august_case, leeds_notifier, panel_member, bradford_lead, bradford, london_time
):
    with london_time("2023-10-02"):
        for role in (leeds_notifier, panel_member):
            with pytest.raises(PermissionDenied):
                service(incident=august_case, by=role, **values)
        with pytest.raises(Incident.DoesNotExist):
            service(incident=august_case, by=bradford_lead, **values)
    assert Lcspr.objects.get(pk=lcspr.pk).status == "in_progress"


def test_only_the_panel_records_its_view(lcspr, august_case, leeds_lead, panel_member, london_time):
    with london_time("2023-10-02"):
        with pytest.raises(PermissionDenied):
            lcspr_update(incident=august_case, by=leeds_lead, panel_view="Our own view.")
        lcspr_update(incident=august_case, by=panel_member, panel_view="Strong lines of enquiry.")
    assert Lcspr.objects.get(pk=lcspr.pk).panel_view == "Strong lines of enquiry."
