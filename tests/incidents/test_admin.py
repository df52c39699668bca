"""The case admin: transition buttons that go through the services, and read-only history."""

import pytest
from django.urls import reverse

from incidents.models import Incident, TimelineEvent
from incidents.services import incident_update

pytestmark = pytest.mark.django_db


def test_it_shows_transition_buttons_and_submits_through_the_service(admin_client, draft):
    change_url = reverse("admin:incidents_incident_change", args=[draft.pk])
    page = admin_client.get(change_url)
    assert page.status_code == 200
    assert b"Submit notification" in page.content

    transition_url = reverse("admin:incidents_incident_transition", args=[draft.pk, "submit"])
    response = admin_client.post(transition_url, {"late_reason": "Keyed by the service desk."})
    assert response.status_code == 302

    incident = Incident.objects.get(pk=draft.pk)
    assert incident.status == "notified"
    assert incident.late_reason == "Keyed by the service desk."
    assert TimelineEvent.objects.filter(incident=incident, kind="submitted").exists()
    assert incident.deadlines.get(kind="notification").status == "met"


def test_a_transition_the_service_refuses_leaves_the_case_alone(admin_client, draft):
    transition_url = reverse("admin:incidents_incident_transition", args=[draft.pk, "submit"])
    admin_client.post(transition_url, {"late_reason": ""}, follow=True)
    assert Incident.objects.get(pk=draft.pk).status == "draft"


def test_history_is_shown_and_cannot_be_reverted(admin_client, draft, leeds_notifier):
    incident_update(incident=draft, by=leeds_notifier, reason="death")
    history_url = reverse("admin:incidents_incident_history", args=[draft.pk])
    page = admin_client.get(history_url)
    assert page.status_code == 200
    assert leeds_notifier.email.encode() in page.content

    first = draft.history.earliest()
    revert_url = reverse("admin:incidents_incident_simple_history", args=[draft.pk, first.history_id])
    assert admin_client.get(revert_url).status_code == 200
    assert admin_client.post(revert_url, {"reason": "serious_harm"}).status_code == 403
    assert Incident.objects.get(pk=draft.pk).reason == "death"
