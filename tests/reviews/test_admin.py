"""The reviews admin: the rapid review, its versions and the local review with everything recorded of it
are read, never deleted."""

import datetime

import pytest

from reviews.models import Lcspr
from reviews.services import lcspr_milestone_add, lcspr_pause, recommendation_add

from ..conftest import admin_refuses_delete, recommendation_values

D = datetime.date.fromisoformat
pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(lcspr, leeds_lead, london_time):
    """The August case's local review, since paused, with a milestone logged and a recommendation made."""
    incident = lcspr.incident
    with london_time("2023-10-02"):
        lcspr_milestone_add(
            incident=incident, by=leeds_lead, happened_on=D("2023-09-28"), description="Review panel met."
        )
        recommendation_add(incident=incident, by=leeds_lead, **recommendation_values())
        lcspr_pause(incident=incident, by=leeds_lead, reason="criminal_proceedings", panel_told_on=D("2023-10-02"))
    return Lcspr.objects.get(pk=lcspr.pk)


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
def test_it_never_deletes_a_review_or_its_records(admin_client, recorded, admin_name, record):
    admin_refuses_delete(admin_client, admin_name, record(recorded))
