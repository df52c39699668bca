"""The reviews admin: the rapid review, its versions and the local review with everything recorded of it
are read, never deleted."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents.services import incident_create, incident_submit
from reviews.models import Lcspr
from reviews.services import lcspr_milestone_add, lcspr_pause, rapid_review_send, recommendation_add

from ..conftest import admin_refuses_delete, case_values
from ..documents import real_pdf

D = datetime.date.fromisoformat
pytestmark = pytest.mark.django_db


@pytest.fixture
def lcspr(leeds_notifier, leeds_lead, leeds, london_time):
    """A case notified in August 2023 whose rapid review started a local review, which has since been
    paused, logged a milestone and made a recommendation."""
    with london_time("2023-08-14"):
        incident = incident_create(
            by=leeds_notifier,
            notifying_la=leeds,
            **case_values(incident_date=D("2023-08-10"), la_aware_date=D("2023-08-11"), reason="death"),
        )
        incident_submit(incident=incident, by=leeds_notifier)
    with london_time("2023-08-31"):
        rapid_review_send(
            incident=incident,
            by=leeds_lead,
            document=SimpleUploadedFile("review.pdf", real_pdf()),
            completed_on=D("2023-08-30"),
            reason_at_review="death",
            likely_cause="sudi_sudc",
            lcspr_decision="required",
            lcspr_rationale="Significant learning for health visiting.",
            lines_of_enquiry="Safe sleep advice; information sharing.",
        )
    with london_time("2023-10-02"):
        lcspr_milestone_add(
            incident=incident, by=leeds_lead, happened_on=D("2023-09-28"), description="Review panel met."
        )
        recommendation_add(
            incident=incident,
            by=leeds_lead,
            text="Health visitors give safe sleep advice at every contact.",
            owner_organisation="Leeds Community Healthcare",
            owner_role="Head of health visiting",
            due_on=D("2024-03-31"),
            impact_evaluation="Audit of contacts.",
        )
        lcspr_pause(incident=incident, by=leeds_lead, reason="criminal_proceedings", panel_told_on=D("2023-10-02"))
    return Lcspr.objects.get(incident=incident)


@pytest.mark.parametrize(
    ("admin_name", "record"),
    [
        ("reviews_rapidreview", lambda lcspr: lcspr.incident.rapid_review),
        ("reviews_rapidreviewversion", lambda lcspr: lcspr.incident.rapid_review.versions.get()),
        ("reviews_lcspr", lambda lcspr: lcspr),
        ("reviews_lcsprpause", lambda lcspr: lcspr.pauses.get()),
        ("reviews_lcsprmilestone", lambda lcspr: lcspr.milestones.get()),
        ("reviews_recommendation", lambda lcspr: lcspr.recommendations.get()),
    ],
)
def test_it_never_deletes_a_review_or_its_records(admin_client, lcspr, admin_name, record):
    admin_refuses_delete(admin_client, admin_name, record(lcspr))
