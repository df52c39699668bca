"""Case messages: what happened to a case reaches the people who act next, once, and never its doer."""

import pytest
from django.core import mail

from incidents.services import incident_create, incident_submit
from notices.ladders import rungs_default_seed
from notices.models import Notice
from notices.services import reminders_pass
from reviews.services import rapid_review_return, rapid_review_send

from ..conftest import case_values, rapid_review_values
from .test_reminders import at, told

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def ladders(db):
    rungs_default_seed()


def test_a_submitted_notification_tells_the_partnership_and_the_secretariat_once(
    leeds, leeds_notifier, leeds_lead, secretariat, london_time
):
    with london_time("2022-09-13"):
        case = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
        incident_submit(incident=case, by=leeds_notifier)
    reminders_pass(now=at("2022-09-13", 15))
    reminders_pass(now=at("2022-09-13", 16))
    assert sorted(told(mail.outbox)) == [
        (leeds_lead.email, case.reference, "Notification submitted"),
        (secretariat.email, case.reference, "Notification submitted"),
    ]
    assert not any(message.to == [leeds_notifier.email] for message in mail.outbox)


def test_a_rapid_review_and_its_return_reach_the_panel_then_the_partnership_and_authority(
    notified, leeds_notifier, leeds_lead, secretariat, london_time
):
    with london_time("2022-10-03"):
        rapid_review_send(incident=notified, by=leeds_lead, **rapid_review_values(lcspr_decision="not_required"))
    reminders_pass(now=at("2022-10-03", 15))
    assert (secretariat.email, notified.reference, "Rapid review received (version 1)") in told(mail.outbox)
    sent = len(mail.outbox)
    with london_time("2022-10-04"):
        rapid_review_return(incident=notified, by=secretariat, reason="Add the health chronology.")
    reminders_pass(now=at("2022-10-04", 15))
    returned = [item for item in told(mail.outbox[sent:]) if item[2] == "Rapid review returned for more information"]
    assert sorted(returned) == sorted(
        [
            (leeds_lead.email, notified.reference, returned[0][2]),
            (leeds_notifier.email, notified.reference, returned[0][2]),
        ]
    )


def test_a_missed_pass_is_caught_up_and_old_events_are_not_sent(leeds, leeds_notifier, leeds_lead, london_time):
    with london_time("2022-09-13"):
        case = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
        incident_submit(incident=case, by=leeds_notifier)
    reminders_pass(now=at("2022-09-15"))  # two days later: still told
    assert Notice.objects.filter(event__isnull=False, status="sent").count() == 1
    Notice.objects.all().delete()
    reminders_pass(now=at("2022-09-30"))  # more than a week later: too old to tell now
    assert not Notice.objects.filter(event__isnull=False).exists()


def test_people_see_what_they_were_sent_and_the_panel_sees_it_on_the_case(
    leeds, leeds_notifier, leeds_lead, secretariat, panel_member, client_for, london_time
):
    with london_time("2022-09-13"):
        case = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
        incident_submit(incident=case, by=leeds_notifier)
    reminders_pass(now=at("2022-09-13", 15))

    mine = client_for(leeds_lead).get("/api/v1/me/notices/").json()["results"]
    assert [(n["incident"], n["kind"], n["what"], n["status"]) for n in mine] == [
        (case.reference, "message", "Notification submitted", "sent")
    ]
    assert client_for(leeds_notifier).get("/api/v1/me/notices/").json()["results"] == []

    url = f"/api/v1/incidents/{case.reference}/"
    on_case = client_for(panel_member).get(url).json()["notices"]
    assert sorted(n["recipient"] for n in on_case) == sorted([leeds_lead.email, secretariat.email])
    assert client_for(leeds_lead).get(url).json()["notices"] == []  # the Panel's record, not the partnership's


def test_the_secretariat_chases_what_it_is_still_waiting_for(
    leeds, secretariat, panel_member, leeds_notifier, client_for, london_time
):
    import datetime

    from incidents.services import incident_key_offline

    with london_time("2022-09-13"):
        keyed = incident_key_offline(
            by=secretariat,
            notifying_la=leeds,
            offline_method="phone",
            offline_received_on=datetime.date(2022, 9, 13),
            **case_values(),
        )
    with london_time("2022-09-23"):
        chasers = client_for(secretariat).get("/api/v1/chasers/")
        assert client_for(panel_member).get("/api/v1/chasers/").status_code == 403
        assert client_for(leeds_notifier).get("/api/v1/chasers/").status_code == 403
    assert chasers.status_code == 200
    assert [(c["incident"], c["kind"], c["days_outstanding"]) for c in chasers.json()["results"]] == [
        (keyed.reference, "offline_confirmation", 10)
    ]


def test_a_person_may_stop_case_messages_but_never_deadline_reminders(
    leeds, leeds_notifier, leeds_lead, client_for, london_time
):
    response = client_for(leeds_lead).patch("/api/v1/me/", {"wants_case_messages": False}, format="json")
    assert response.status_code == 200
    assert response.json()["wants_case_messages"] is False
    with london_time("2022-09-13"):
        case = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
        incident_submit(incident=case, by=leeds_notifier)
    reminders_pass(now=at("2022-09-13", 15))
    assert told(mail.outbox) == []  # no message about the submission
    reminders_pass(now=at("2022-09-29"))  # the rapid review's first reminder still comes
    assert told(mail.outbox) == [(leeds_lead.email, case.reference, "Rapid review")]


def test_a_team_mailbox_is_told_what_its_people_are_told_once(
    leeds, leeds_notifier, leeds_lead, secretariat, panel, london_time
):
    leeds.partnership.team_mailbox = "safeguarding@leeds-partnership.example.org"
    leeds.partnership.save()
    panel.team_mailbox = "casework@panel.example.org"
    panel.save()
    with london_time("2022-09-13"):
        case = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
        incident_submit(incident=case, by=leeds_notifier)
    reminders_pass(now=at("2022-09-13", 15))
    reminders_pass(now=at("2022-09-13", 16))
    assert sorted(item[0] for item in told(mail.outbox)) == sorted(
        [
            leeds_lead.email,
            secretariat.email,
            "safeguarding@leeds-partnership.example.org",
            "casework@panel.example.org",
        ]
    )
    reminders_pass(now=at("2022-09-29"))  # the rapid review's first reminder: the partnership and its mailbox
    assert sorted(item[0] for item in told(mail.outbox)[4:]) == sorted(
        [leeds_lead.email, "safeguarding@leeds-partnership.example.org"]
    )
