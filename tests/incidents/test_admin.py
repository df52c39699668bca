"""The case admin: transition buttons that go through the services, read-only history, labels a reader
understands, and nothing ever deleted."""

import datetime
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents.models import Incident, TimelineEvent
from incidents.services import incident_create, incident_key_offline, incident_submit, incident_update
from reviews.services import rapid_review_send_unnotified

from ..conftest import admin_refuses_delete, case_values
from ..documents import real_pdf

D = datetime.date.fromisoformat

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


def text(markup):
    """What a reader sees: the words without the markup, one space between them."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def page_text(response):
    return text(response.content.decode())


def result_rows(response):
    """The change list's rows, as text, in order."""
    body = response.content.decode().split('id="result_list"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return [text(row) for row in body.split("</tr>") if text(row)]


def test_it_labels_children_by_role_age_and_sex_never_by_id_or_name(admin_client, draft, leeds_notifier):
    child = draft.children.get()
    incident_update(
        incident=draft, by=leeds_notifier, children=[{"id": child.pk, "first_name": "Amelia", "last_name": "Hartley"}]
    )

    case_page = page_text(admin_client.get(reverse("admin:incidents_incident_change", args=[draft.pk])))
    child_list = admin_client.get(reverse("admin:incidents_child_changelist"))

    assert "Index child, aged 3, female View" in case_page
    assert result_rows(child_list)[0].startswith("Index child, aged 3, female CSPR-")
    for page in (case_page, page_text(child_list)):
        assert f"Child {child.pk}" not in page
        assert "Child object" not in page
        assert "Amelia" not in page
        assert "Hartley" not in page


def test_the_timeline_leads_with_when_and_what(admin_client, notified):
    case_page = page_text(admin_client.get(reverse("admin:incidents_incident_change", args=[notified.pk])))
    timeline = admin_client.get(reverse("admin:incidents_timelineevent_changelist"))

    # London time: noon in September is 11:00 UTC.
    assert "13 Sep 2022 12:00 · Draft notification started" in case_page
    assert "14 Sep 2022 12:00 · Notification submitted" in case_page
    assert "2022-09-14 11:00" not in case_page
    assert result_rows(timeline) == [
        f"13 Sep 2022 12:00 · Draft notification started {notified.reference} notifier@leeds.example.org",
        f"14 Sep 2022 12:00 · Notification submitted {notified.reference} notifier@leeds.example.org",
    ]


def test_the_withdraw_form_says_what_withdrawing_does_and_never_none(admin_client, notified):
    case_page = admin_client.get(reverse("admin:incidents_incident_change", args=[notified.pk]))
    assert b'title="None"' not in case_page.content

    form = admin_client.get(reverse("admin:incidents_incident_transition", args=[notified.pk, "withdraw"]))
    assert form.status_code == 200
    assert "None" not in page_text(form)
    assert "every deadline still open is cancelled" in page_text(form)
    assert f"<title>Withdraw: {notified.reference} |".encode() in form.content


def test_the_withdraw_button_on_the_case_page_opens_its_form(admin_client, notified):
    change_url = reverse("admin:incidents_incident_change", args=[notified.pk])
    page = admin_client.get(change_url).content.decode()
    # Everything the change form posts: the read-only rows' management forms and keys.
    posted = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))

    response = admin_client.post(change_url, {**posted, "_fsm_transition_to": "withdraw"})

    assert response.status_code == 302
    assert response.url == reverse("admin:incidents_incident_transition", args=[notified.pk, "withdraw"])
    assert Incident.objects.get(pk=notified.pk).status == "notified"
    assert TimelineEvent.objects.filter(incident=notified).count() == 2


def test_the_case_list_says_how_each_case_reached_the_panel(
    admin_client, draft, leeds, leeds_notifier, leeds_lead, secretariat, london_time
):
    with london_time("2022-09-14"):
        online = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
        incident_submit(incident=online, by=leeds_notifier)
        offline = incident_key_offline(
            by=secretariat,
            notifying_la=leeds,
            offline_method="phone",
            offline_received_on=D("2022-09-14"),
            **case_values(),
        )
    with london_time("2022-10-03"):
        unnotified = rapid_review_send_unnotified(
            by=leeds_lead,
            local_authority=leeds,
            incident_fields={"incident_date": D("2022-09-20"), "reason": "serious_harm"},
            children=[{"age_years": 2}],
            document=SimpleUploadedFile("review.pdf", real_pdf()),
            completed_on=D("2022-09-30"),
            reason_at_review="serious_harm",
            likely_cause="non_fatal_assault_intrafamilial",
            lcspr_decision="not_required",
            lcspr_rationale="The learning is already being acted on.",
        ).incident

    response = admin_client.get(reverse("admin:incidents_incident_changelist"))

    rows = {row.split()[0]: row for row in result_rows(response)}
    assert f"{draft.reference} Draft Not yet notified (draft) Leeds" in rows[draft.reference]
    assert f"{online.reference} Notified Online Leeds" in rows[online.reference]
    assert (
        f"{offline.reference} Notified Offline (phone, awaiting the authority's confirmation) Leeds"
        in rows[offline.reference]
    )
    assert (
        f"{unnotified.reference} Not notified Not yet notified (rapid review came first) Leeds"
        in rows[unnotified.reference]
    )
    assert not any("Filed in the service" in row for row in rows.values())
    case_page = page_text(admin_client.get(reverse("admin:incidents_incident_change", args=[unnotified.pk])))
    assert "How it reached the Panel: Not yet notified (rapid review came first)" in case_page
    assert "Filed in the service" not in case_page


@pytest.mark.parametrize(
    ("admin_name", "record"),
    [
        ("incidents_incident", lambda case: case),
        ("incidents_child", lambda case: case.children.get()),
        ("incidents_timelineevent", lambda case: case.timeline.first()),
        ("deadlines_deadline", lambda case: case.deadlines.first()),
    ],
)
def test_it_never_deletes_a_case_or_its_records(admin_client, notified, admin_name, record):
    admin_refuses_delete(admin_client, admin_name, record(notified))


def test_a_transition_button_adds_nothing_to_the_history_by_itself(admin_client, notified):
    # The button posts the whole (read-only) change form before its own form opens.
    versions = notified.history.count()
    change_url = reverse("admin:incidents_incident_change", args=[notified.pk])
    page = admin_client.get(change_url).content.decode()
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    response = admin_client.post(change_url, {**form, "_fsm_transition_to": "withdraw"})
    assert response.status_code == 302
    assert notified.history.count() == versions
    assert Incident.objects.get(pk=notified.pk).status == "notified"
