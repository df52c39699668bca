"""Notifications through their lifecycle: deadlines, lateness, withdrawal, offline keying, history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_fsm import TransitionNotAllowed

from deadlines.models import Deadline
from incidents.models import Incident, TimelineEvent
from incidents.services import (
    incident_confirm,
    incident_create,
    incident_key_offline,
    incident_submit,
    incident_update,
    incident_withdraw,
    notification_due_on,
)

from ..conftest import case_values

D = datetime.date.fromisoformat
pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def deadline(incident, kind):
    return Deadline.objects.get(incident=incident, kind=kind)


def test_notification_due_is_five_working_days_after_awareness():
    assert notification_due_on(la_aware_date=D("2022-09-12")) == D("2022-09-20")
    assert notification_due_on(la_aware_date=D("2022-12-23")) == D("2023-01-04")


def test_it_starts_a_draft_with_a_readable_reference_and_an_open_deadline(draft):
    assert draft.status == Incident.Status.DRAFT
    assert draft.reference == "CSPR-2022-00001"
    notification = deadline(draft, Deadline.Kind.NOTIFICATION)
    assert (notification.status, notification.due_on, notification.responsible) == (
        "open",
        D("2022-09-20"),
        draft.notifying_la,
    )
    assert draft.children.get().is_index


def test_references_count_up_within_a_year(leeds_notifier, leeds, london_time):
    with london_time("2022-09-13"):
        first = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
        second = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
    with london_time("2023-01-03"):
        third = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
    assert [first.reference, second.reference, third.reference] == [
        "CSPR-2022-00001",
        "CSPR-2022-00002",
        "CSPR-2023-00001",
    ]


def test_submitting_on_the_due_date_is_on_time(draft, leeds_notifier, london_time):
    with london_time("2022-09-20"):
        incident = incident_submit(incident=draft, by=leeds_notifier)
    assert incident.status == Incident.Status.NOTIFIED
    assert incident.notified_on == D("2022-09-20")
    assert incident.reason_at_notification == "serious_harm"
    notification = deadline(incident, Deadline.Kind.NOTIFICATION)
    assert (notification.status, notification.met_on, notification.met_late) == ("met", D("2022-09-20"), False)
    assert not Incident.objects.get(pk=incident.pk).is_late


def test_submitting_the_next_working_day_is_late_and_needs_a_reason(draft, leeds_notifier, london_time):
    with london_time("2022-09-21"), pytest.raises(ValidationError) as error:
        incident_submit(incident=draft, by=leeds_notifier)
    assert "late_reason" in error.value.message_dict
    assert Incident.objects.get(pk=draft.pk).status == Incident.Status.DRAFT

    with london_time("2022-09-21"):
        incident_submit(incident=draft, by=leeds_notifier, late_reason="The social worker was on leave.")
    incident = Incident.objects.get(pk=draft.pk)
    assert incident.is_late and incident.late_reason == "The social worker was on leave."
    assert deadline(incident, Deadline.Kind.NOTIFICATION).met_late


def test_an_open_deadline_past_its_due_date_is_overdue(draft, london_time):
    notification = deadline(draft, Deadline.Kind.NOTIFICATION)
    assert not notification.is_overdue(today=D("2022-09-20"))
    assert notification.is_overdue(today=D("2022-09-21"))
    assert list(Deadline.objects.overdue(today=D("2022-09-21"))) == [notification]


def test_submitting_twice_is_a_conflict(draft, leeds_notifier, london_time):
    with london_time("2022-09-14"):
        incident_submit(incident=draft, by=leeds_notifier)
        with pytest.raises(TransitionNotAllowed):
            incident_submit(incident=draft, by=leeds_notifier)


def test_a_draft_does_not_exist_for_anyone_but_its_authority(draft, bradford_notifier, leeds_lead, secretariat):
    for stranger in (bradford_notifier, leeds_lead, secretariat):
        with pytest.raises(Incident.DoesNotExist):
            incident_submit(incident=draft, by=stranger)
        with pytest.raises(Incident.DoesNotExist):
            incident_update(incident=draft, by=stranger, case_outline="Changed.")


def test_only_the_notifying_authority_submits(notified, bradford, bradford_notifier, london_time):
    # A home authority sees the case but may not act for the notifying one.
    notified.home_la = bradford
    notified.save()
    with london_time("2022-09-15"), pytest.raises(PermissionDenied):
        incident_withdraw(incident=notified, by=bradford_notifier, reason="Not ours.")


def test_a_case_needs_a_child_to_be_submitted(leeds_notifier, leeds, london_time):
    with london_time("2022-09-13"):
        incident = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values(children=[]))
        with pytest.raises(ValidationError) as error:
            incident_submit(incident=incident, by=leeds_notifier)
    assert "children" in error.value.message_dict


def test_withdrawal_needs_a_reason_and_cancels_open_deadlines(draft, leeds_notifier, secretariat, london_time):
    with london_time("2022-09-14"):
        incident_submit(incident=draft, by=leeds_notifier)
    with london_time("2022-09-15"):
        with pytest.raises(ValidationError) as error:
            incident_withdraw(incident=draft, by=secretariat, reason="  ")
        assert "reason" in error.value.message_dict
        incident = incident_withdraw(incident=draft, by=secretariat, reason="No abuse or neglect suspected after all.")
    assert incident.status == Incident.Status.WITHDRAWN
    assert incident.withdrawn_on == D("2022-09-15")
    assert deadline(incident, Deadline.Kind.NOTIFICATION).status == "met"  # history stays
    assert Incident.objects.filter(pk=incident.pk).exists()  # never deleted


def test_a_withdrawn_offline_notification_cancels_its_confirmation(secretariat, leeds, london_time):
    with london_time("2022-09-16"):
        incident = incident_key_offline(
            by=secretariat,
            notifying_la=leeds,
            offline_method="phone",
            offline_received_on=D("2022-09-14"),
            **case_values(),
        )
        incident_withdraw(incident=incident, by=secretariat, reason="Criteria not met.")
    confirmation = deadline(incident, Deadline.Kind.OFFLINE_CONFIRMATION)
    assert (confirmation.status, confirmation.cancelled_on) == ("cancelled", D("2022-09-16"))


def test_a_draft_cannot_be_withdrawn(draft, leeds_notifier, london_time):
    with london_time("2022-09-14"), pytest.raises(TransitionNotAllowed):
        incident_withdraw(incident=draft, by=leeds_notifier, reason="Changed my mind")


def test_the_secretariat_keys_an_offline_notification_and_the_authority_confirms_it(
    secretariat, leeds_notifier, leeds, london_time
):
    document = SimpleUploadedFile("notification.pdf", PDF, content_type="application/pdf")
    with london_time("2022-09-16"):
        incident = incident_key_offline(
            by=secretariat,
            notifying_la=leeds,
            offline_method="email",
            offline_received_on=D("2022-09-14"),
            offline_document=document,
            **case_values(),
        )
    assert (incident.status, incident.channel, incident.notified_on) == ("notified", "offline", D("2022-09-14"))
    assert incident.offline_document.read() == PDF
    confirmation = deadline(incident, Deadline.Kind.OFFLINE_CONFIRMATION)
    assert (confirmation.starts_on, confirmation.due_on, confirmation.status) == (
        D("2022-09-16"),
        D("2022-09-26"),
        "open",
    )
    assert deadline(incident, Deadline.Kind.NOTIFICATION).met_on == D("2022-09-14")

    with london_time("2022-09-22"):
        incident = incident_confirm(incident=incident, by=leeds_notifier)
    assert incident.channel == "offline"
    assert incident.offline_confirmed_on == D("2022-09-22")
    assert deadline(incident, Deadline.Kind.OFFLINE_CONFIRMATION).status == "met"
    with london_time("2022-09-22"), pytest.raises(TransitionNotAllowed):
        incident_confirm(incident=incident, by=leeds_notifier)


def test_an_offline_notification_by_email_needs_its_original(secretariat, leeds, london_time):
    with london_time("2022-09-16"), pytest.raises(ValidationError) as error:
        incident_key_offline(
            by=secretariat,
            notifying_la=leeds,
            offline_method="email",
            offline_received_on=D("2022-09-14"),
            **case_values(),
        )
    assert "offline_document" in error.value.message_dict
    assert not Incident.objects.exists()


def test_only_the_secretariat_keys_offline_notifications(leeds_notifier, leeds, london_time):
    with london_time("2022-09-16"), pytest.raises(PermissionDenied):
        incident_key_offline(
            by=leeds_notifier,
            notifying_la=leeds,
            offline_method="phone",
            offline_received_on=D("2022-09-14"),
            **case_values(),
        )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"incident_date": D("2022-09-14")}, "incident_date"),
        ({"la_aware_date": D("2022-09-09")}, "la_aware_date"),
        ({"la_aware_date": D("2022-09-14")}, "la_aware_date"),
    ],
)
def test_it_refuses_dates_out_of_order_or_in_the_future(leeds_notifier, leeds, london_time, overrides, field):
    with london_time("2022-09-13"), pytest.raises(ValidationError) as error:
        incident_create(by=leeds_notifier, notifying_la=leeds, **case_values(**overrides))
    assert field in error.value.message_dict
    assert not Incident.objects.exists()


def test_it_wants_exactly_one_index_child(leeds_notifier, leeds, london_time):
    two_index = [{"is_index": True, "age_years": 3}, {"is_index": True, "age_years": 5}]
    no_index = [{"age_years": 3}, {"age_years": 5}]
    with london_time("2022-09-13"):
        for children in (two_index, no_index):
            with pytest.raises(ValidationError) as error:
                incident_create(by=leeds_notifier, notifying_la=leeds, **case_values(children=children))
            assert "children" in error.value.message_dict
        incident = incident_create(
            by=leeds_notifier,
            notifying_la=leeds,
            **case_values(children=[{"age_years": 3}, {"is_index": True, "age_years": 5}]),
        )
    assert incident.children.get(is_index=True).age_years == 5
    assert Incident.objects.count() == 1


def test_not_recorded_is_the_default_and_never_no(draft):
    child = draft.children.get()
    assert (child.disability, child.child_in_need, child.looked_after) == ("not_recorded",) * 3


def test_it_derives_age_from_date_of_birth(leeds_notifier, leeds, london_time):
    with london_time("2022-09-13"):
        incident = incident_create(
            by=leeds_notifier, notifying_la=leeds, **case_values(children=[{"date_of_birth": D("2021-09-11")}])
        )
    assert incident.children.get().age_years == 0
    assert incident.children.get().age_group == "under_1"


def test_the_timeline_and_history_show_who_changed_the_reason(draft, leeds_notifier, secretariat, london_time):
    with london_time("2022-09-14"):
        incident_submit(incident=draft, by=leeds_notifier)
    with london_time("2022-10-03"):
        incident_update(incident=draft, by=secretariat, reason="death")

    incident = Incident.objects.get(pk=draft.pk)
    assert (incident.reason, incident.reason_at_notification) == ("death", "serious_harm")

    event = TimelineEvent.objects.get(incident=incident, kind=TimelineEvent.Kind.REASON_CHANGED)
    assert event.actor == secretariat
    assert event.details == {"field": "reason", "from": "serious_harm", "to": "death"}
    assert event.summary == "Reason changed from serious harm to death"
    assert event.at.date() == D("2022-10-03")

    newest, previous = incident.history.all()[:2]
    delta = newest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "reason"] == [
        ("reason", "serious_harm", "death")
    ]
    assert newest.history_user == secretariat
    assert newest.history_date.date() == D("2022-10-03")


def test_correcting_the_awareness_date_moves_the_notification_deadline(draft, leeds_notifier, london_time):
    with london_time("2022-09-14"):
        incident_update(incident=draft, by=leeds_notifier, la_aware_date=D("2022-09-13"))
    assert deadline(draft, Deadline.Kind.NOTIFICATION).due_on == D("2022-09-21")


def test_a_withdrawn_case_cannot_be_changed(draft, leeds_notifier, london_time):
    with london_time("2022-09-14"):
        incident_submit(incident=draft, by=leeds_notifier)
        incident_withdraw(incident=draft, by=leeds_notifier, reason="Not met")
        with pytest.raises(TransitionNotAllowed):
            incident_update(incident=draft, by=leeds_notifier, reason="death")


def test_changing_the_index_child(draft, leeds_notifier, london_time):
    first = draft.children.get()
    with london_time("2022-09-14"):
        incident_update(incident=draft, by=leeds_notifier, children=[{"age_years": 7, "is_index": True}])
    assert draft.children.get(is_index=True).age_years == 7
    assert not draft.children.get(pk=first.pk).is_index
    event = TimelineEvent.objects.get(incident=draft, kind=TimelineEvent.Kind.CHILDREN_CHANGED)
    assert "added" in str(event.details)


def test_a_late_offline_notification_is_confirmed_only_with_a_reason(secretariat, leeds_notifier, leeds, london_time):
    # Aware on 12 September, due by the 19th (a bank holiday) so the 20th; it reached the Panel on the 23rd.
    with london_time("2022-09-23"):
        incident = incident_key_offline(
            by=secretariat,
            notifying_la=leeds,
            offline_method="phone",
            offline_received_on=D("2022-09-23"),
            **case_values(),
        )
    assert incident.is_late
    with london_time("2022-09-26"):
        with pytest.raises(ValidationError) as error:
            incident_confirm(incident=incident, by=leeds_notifier)
        assert "late_reason" in error.value.message_dict
        assert Incident.objects.get(pk=incident.pk).offline_confirmed_on is None
        incident = incident_confirm(incident=incident, by=leeds_notifier, late_reason="The duty manager phoned late.")
    assert incident.late_reason == "The duty manager phoned late."


def test_an_offline_notification_is_confirmed_only_by_its_authority(
    secretariat, leeds_notifier, leeds_lead, leeds, london_time
):
    with london_time("2022-09-16"):
        incident = incident_key_offline(
            by=secretariat,
            notifying_la=leeds,
            offline_method="phone",
            offline_received_on=D("2022-09-14"),
            **case_values(),
        )
        for role in (secretariat, leeds_lead):
            with pytest.raises(PermissionDenied):
                incident_confirm(incident=incident, by=role)
    assert Incident.objects.get(pk=incident.pk).offline_confirmed_on is None
