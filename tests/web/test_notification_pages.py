"""A local authority's notification pages through Django's test client: filing one as a draft that can
be left and resumed, a late one's reason, a retrospective one the Panel asked for, confirming one the
Panel keyed in, and withdrawing one; and who may not."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from incidents.models import Incident
from incidents.services import incident_create, incident_key_offline
from reviews.services import rapid_review_send_unnotified
from tests.conftest import case_values
from tests.documents import real_pdf
from tests.factories import LocalAuthorityFactory, MembershipFactory
from tests.signin import sign_in

from .helpers import error_summary_links, page_facts

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat


def signed_in(user):
    client = Client()
    sign_in(client, user)
    return client


def url(name, incident, *args):
    return reverse(f"web:{name}", args=[incident.reference, *args])


def dates(incident_date, aware_date):
    data = {}
    for name, day in (("incident_date", incident_date), ("la_aware_date", aware_date)):
        data |= {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}
    return data


INCIDENT = {"reason": "serious_harm", "abuse_or_neglect": "suspected", "looked_after_child_death": "no"}
NOT_RECORDED = {
    "sex": "not_recorded",
    "gender_identity_differs": "not_recorded",
    "lgbtq": "not_recorded",
    "ethnicity": "not_recorded",
    "disability": "not_recorded",
    "family_known_to_csc": "not_recorded",
    "child_in_need": "not_recorded",
    "child_protection_plan": "not_recorded",
    "looked_after": "not_recorded",
    "care_order": "not_recorded",
}


def child(**values):
    return {**NOT_RECORDED, **values}


def born(day):
    return {"date_of_birth-day": day.day, "date_of_birth-month": day.month, "date_of_birth-year": day.year}


def text(response):
    return response.content.decode()


def the(incident):
    return Incident.objects.get(pk=incident.pk)


@pytest.fixture
def unnotified(leeds_lead, leeds, london_time):
    """A case opened from a rapid review Leeds never notified, on Tuesday 20 September 2022."""
    with london_time("2022-09-20"):
        review = rapid_review_send_unnotified(
            by=leeds_lead,
            local_authority=leeds,
            document=SimpleUploadedFile("review.pdf", real_pdf()),
            incident_fields={"incident_date": D("2022-09-01"), "reason": "serious_harm"},
            children=[{"age_years": 4}],
            completed_on=D("2022-09-20"),
            reason_at_review="serious_harm",
            likely_cause="non_fatal_assault_intrafamilial",
            lcspr_decision="not_required",
            lcspr_rationale="Learning is in hand.",
        )
    return review.incident


@pytest.fixture
def keyed_late(secretariat, leeds, london_time):
    """A phone notification the Panel received on 30 September 2022, after its deadline of the 20th."""
    with london_time("2022-09-30"):
        return incident_key_offline(
            by=secretariat,
            notifying_la=leeds,
            offline_method="phone",
            offline_received_on=D("2022-09-30"),
            **case_values(),
        )


# Filing a notification -----------------------------------------------------------------------------------


def test_it_files_a_notification_question_by_question_and_shows_its_reference(leeds_notifier, london_time):
    client = signed_in(leeds_notifier)
    with london_time("2022-09-13"):
        start = client.get(reverse("web:notification-start"))
        assert start["Location"] == reverse("web:notification-new")
        assert client.get(start["Location"]).status_code == 200

        response = client.post(reverse("web:notification-new"), dates(D("2022-09-10"), D("2022-09-12")))
        incident = Incident.objects.get()
        assert (incident.status, incident.la_aware_date) == ("draft", D("2022-09-12"))
        assert response["Location"] == url("notification-incident", incident)

        page = client.get(response["Location"])
        assert "You must notify the Panel by 20 September 2022" in text(page)
        assert f"Your draft notification {incident.reference} is saved" in text(page)

        response = client.post(url("notification-incident", incident), INCIDENT | {"case_outline": "A fall."})
        assert response["Location"] == url("notification-child-add", incident)
        page = client.get(response["Location"])
        assert "Is this the index child?" not in text(page)  # the only child is the index child

        response = client.post(url("notification-child-add", incident), child(age_years="3", sex="female"))
        assert response["Location"] == url("notification-children", incident)
        assert "You have added 1 child" in text(client.get(response["Location"]))

        response = client.post(url("notification-children", incident), {"add_another": "no"})
        assert response["Location"] == url("notification-check", incident)
        check = client.get(response["Location"])
        assert check.status_code == 200
        assert "Index child" in text(check)
        assert "Serious harm" in text(check) and "A fall." in text(check)

        response = client.post(url("notification-check", incident))
        assert response["Location"] == url("notification-sent", incident)
        # Still in 2022: a session ends 30 minutes after its last request, and this one's was in 2022.
        sent = client.get(response["Location"])
    assert incident.reference in text(sent)
    assert "What happens next" in text(sent)
    assert "rapid review" in text(sent)
    incident = the(incident)
    assert (incident.status, incident.notified_on, incident.late_reason) == ("notified", D("2022-09-13"), "")
    assert incident.children.get().is_index


def test_a_draft_is_saved_from_its_first_page_and_resumed_from_the_home_page(leeds_notifier, london_time):
    client = signed_in(leeds_notifier)
    with london_time("2022-09-13"):
        client.post(reverse("web:notification-new"), dates(D("2022-09-10"), D("2022-09-12")))
        incident = Incident.objects.get()

        # The person leaves, and comes back from their home page.
        home = client.get(reverse("home"))
        assert "Drafts to finish" in text(home)
        assert url("notification-check", incident) in text(home)
        # It resumes at the first question not yet answered.
        resumed = client.get(url("notification-check", incident))
        assert resumed["Location"] == url("notification-incident", incident)

        client.post(url("notification-incident", incident), INCIDENT)
        check = client.get(url("notification-check", incident))
        assert check.status_code == 200
        assert "No children added yet" in text(check)
        assert "10 September 2022" in text(check)

        # The service says a notification needs a child; the summary links to the children.
        refused = client.post(url("notification-check", incident))
        assert refused.status_code == 400
        assert error_summary_links(refused) == ["children"]
        assert "Add at least one child" in text(refused)
    assert the(incident).status == "draft"


def test_someone_notifying_for_two_authorities_chooses_one_first(leeds_notifier, leeds, london_time):
    wakefield = LocalAuthorityFactory(name="Wakefield", code="E08000036")
    MembershipFactory(user=leeds_notifier, organisation=wakefield)
    client = signed_in(leeds_notifier)
    with london_time("2022-09-13"):
        page = client.get(reverse("web:notification-start"))
        assert page.status_code == 200
        assert "Wakefield" in text(page) and "Leeds" in text(page)
        # Without a choice the dates page sends the person back to choose.
        assert client.get(reverse("web:notification-new"))["Location"] == reverse("web:notification-start")

        response = client.post(reverse("web:notification-start"), {"local_authority": wakefield.code})
        assert response["Location"] == f"{reverse('web:notification-new')}?local_authority={wakefield.code}"
        client.post(response["Location"], dates(D("2022-09-10"), D("2022-09-12")))
    assert Incident.objects.get().notifying_la == wakefield


def test_the_dates_page_says_when_the_deadline_has_passed(draft, leeds_notifier, london_time):
    with london_time("2022-09-30"):
        page = signed_in(leeds_notifier).get(url("notification-incident", draft))
    assert "You must notify the Panel by 20 September 2022. This date has passed" in text(page)


def test_a_late_notification_asks_why_and_is_submitted_with_the_reason(draft, leeds_notifier, london_time):
    client = signed_in(leeds_notifier)
    with london_time("2022-09-30"):
        response = client.post(url("notification-check", draft))
        assert response["Location"] == url("notification-late", draft)
        assert the(draft).status == "draft"

        page = client.get(response["Location"])
        assert "Why is the notification late?" in text(page)
        assert "due by 20 September 2022" in text(page)

        empty = client.post(url("notification-late", draft), {"late_reason": "  "})
        assert empty.status_code == 400
        assert error_summary_links(empty) == ["id_late_reason"]

        response = client.post(url("notification-late", draft), {"late_reason": "The school told us on the 28th."})
        assert response["Location"] == url("notification-sent", draft)
    incident = the(draft)
    assert (incident.status, incident.late_reason) == ("notified", "The school told us on the 28th.")
    assert incident.is_late


def test_a_second_child_is_asked_whether_it_is_the_index_child(draft, leeds_notifier, london_time):
    client = signed_in(leeds_notifier)
    first = draft.children.get()
    with london_time("2022-09-13"):
        page = client.get(url("notification-child-add", draft))
        assert "Is this the index child?" in text(page)
        response = client.post(
            url("notification-child-add", draft),
            child(first_name="Amy", age_years="7", sex="female", is_index="yes"),
        )
        assert response["Location"] == url("notification-children", draft)
        assert "You have added 2 children" in text(client.get(response["Location"]))
        second = the(draft).children.get(first_name="Amy")
        assert second.is_index and not the(draft).children.get(pk=first.pk).is_index

        # Unmarking the index child leaves none: the service says so, on the question.
        refused = client.post(url("notification-child", draft, second.pk), child(age_years="7", is_index="no"))
        assert refused.status_code == 400
        assert error_summary_links(refused) == ["id_is_index"]
        assert "Mark the index child" in text(refused)


def test_change_links_return_to_check_your_answers(draft, leeds_notifier, london_time):
    client = signed_in(leeds_notifier)
    the_child = draft.children.get()
    with london_time("2022-09-13"):
        check = text(client.get(url("notification-check", draft)))
        for name in ("notification-dates", "notification-incident"):
            assert f"{url(name, draft)}?from=check" in check
        assert f"{url('notification-child', draft, the_child.pk)}?from=check" in check

        response = client.post(
            f"{url('notification-dates', draft)}?from=check", dates(D("2022-09-09"), D("2022-09-12"))
        )
        assert response["Location"] == url("notification-check", draft)
        response = client.post(
            f"{url('notification-child', draft, the_child.pk)}?from=check",
            child(first_name="Ben") | born(D("2019-04-03")),
        )
        assert response["Location"] == url("notification-check", draft)
    the_child.refresh_from_db()
    assert (the(draft).incident_date, the_child.first_name, the_child.age_years) == (D("2022-09-09"), "Ben", 3)


def test_a_date_of_birth_after_the_incident_is_refused_on_its_field(draft, leeds_notifier, london_time):
    with london_time("2022-09-13"):
        refused = signed_in(leeds_notifier).post(
            url("notification-child-add", draft),
            child(is_index="no") | born(D("2022-09-12")),
        )
    assert refused.status_code == 400
    assert error_summary_links(refused)[0] == "id_date_of_birth-day"
    assert "The date of birth cannot be after the incident." in text(refused)
    assert the(draft).children.count() == 1


def test_what_was_typed_is_kept_when_a_page_is_refused(draft, leeds_notifier, london_time):
    with london_time("2022-09-13"):
        refused = signed_in(leeds_notifier).post(
            url("notification-incident", draft), {"reason": "death", "case_outline": "Kept outline."}
        )
    assert refused.status_code == 400
    assert "Kept outline." in text(refused)
    assert 'value="death" checked' in text(refused)


# Empty forms ---------------------------------------------------------------------------------------------


def test_every_form_submitted_empty_shows_an_error_summary_linked_to_its_questions(
    leeds_notifier, leeds, notified, unnotified, keyed_late, london_time
):
    wakefield = LocalAuthorityFactory(name="Wakefield", code="E08000036")
    MembershipFactory(user=leeds_notifier, organisation=wakefield)
    with london_time("2022-09-13"):
        draft = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values(children=[]))
    client = signed_in(leeds_notifier)
    forms = {
        reverse("web:notification-start"): ["id_local_authority"],
        f"{reverse('web:notification-new')}?local_authority={leeds.code}": [
            "id_incident_date-day",
            "id_la_aware_date-day",
        ],
        url("notification-dates", draft): ["id_incident_date-day", "id_la_aware_date-day"],
        url("notification-incident", draft): ["id_reason", "id_abuse_or_neglect", "id_looked_after_child_death"],
        url("notification-child-add", draft): [f"id_{name}" for name in NOT_RECORDED],
        url("notification-children", draft): ["id_add_another"],
        url("notification-late", draft): ["id_late_reason"],
        url("retrospective", unnotified): ["id_incident_date-day", "id_la_aware_date-day"],
        url("withdraw", notified): ["id_reason"],
        url("confirm-offline", keyed_late): ["id_late_reason"],
    }
    with london_time("2022-10-03"):
        for address, fields in forms.items():
            response = client.post(address, {})
            assert response.status_code == 400, address
            assert error_summary_links(response) == fields, address
            facts = page_facts(response)
            assert facts.h1 == 1


# Who may ---------------------------------------------------------------------------------------------------


def test_another_authority_finds_none_of_these_pages(
    bradford_notifier, draft, notified, unnotified, keyed_late, london_time
):
    client = signed_in(bradford_notifier)
    the_child = draft.children.get()
    addresses = [
        url(name, draft)
        for name in (
            "notification-dates",
            "notification-incident",
            "notification-children",
            "notification-child-add",
            "notification-check",
            "notification-late",
            "notification-sent",
        )
    ]
    addresses += [
        url("notification-child", draft, the_child.pk),
        url("notification-sent", notified),
        url("withdraw", notified),
        url("retrospective", unnotified),
        url("confirm-offline", keyed_late),
    ]
    with london_time("2022-10-03"):
        for address in addresses:
            assert client.get(address).status_code == 404, address
            assert client.post(address, {"reason": "Not ours.", "late_reason": "Not ours."}).status_code == 404
    assert the(notified).status == "notified"
    assert the(unnotified).status == "not_notified"
    assert the(keyed_late).offline_confirmed_on is None


def test_a_partnership_lead_may_not_withdraw_confirm_or_notify_and_nothing_changes(
    leeds_lead, notified, unnotified, keyed_late, london_time
):
    client = signed_in(leeds_lead)
    with london_time("2022-10-03"):
        for address in (
            url("withdraw", notified),
            url("retrospective", unnotified),
            url("confirm-offline", keyed_late),
        ):
            assert client.get(address).status_code == 403, address
        assert client.post(url("withdraw", notified), {"reason": "Not met."}).status_code == 403
        assert client.post(url("notification-check", unnotified)).status_code == 403
        assert client.post(url("confirm-offline", keyed_late), {"late_reason": "x"}).status_code == 403
    assert (the(notified).status, the(notified).withdrawn_reason) == ("notified", "")
    assert the(unnotified).status == "not_notified"
    assert the(keyed_late).offline_confirmed_on is None


def test_someone_who_notifies_for_nobody_cannot_start_a_notification(leeds_lead):
    client = signed_in(leeds_lead)
    assert client.get(reverse("web:notification-start")).status_code == 403
    assert client.post(reverse("web:notification-new"), dates(D("2022-09-10"), D("2022-09-12"))).status_code == 403
    assert not Incident.objects.exists()


def test_a_submitted_notification_is_shown_on_its_case_page_not_its_draft_pages(notified, leeds_notifier):
    client = signed_in(leeds_notifier)
    for name in ("notification-check", "notification-incident", "notification-dates"):
        assert client.get(url(name, notified))["Location"] == url("case", notified)


def test_submitting_twice_is_a_conflict(notified, leeds_notifier):
    response = signed_in(leeds_notifier).post(url("notification-check", notified))
    assert response.status_code == 409
    assert "govuk-error-summary" in text(response)


# The Panel's requests, and withdrawal -----------------------------------------------------------------------


def test_an_authority_answers_a_retrospective_request(unnotified, leeds_notifier, london_time):
    client = signed_in(leeds_notifier)
    with london_time("2022-09-22"):
        home = text(client.get(reverse("home")))
        assert "Requests waiting for you" in home and unnotified.reference in home
        page = client.get(url("retrospective", unnotified))
        assert page.status_code == 200
        assert "20 September 2022" in text(page)  # when the Panel asked

        response = client.post(url("retrospective", unnotified), dates(D("2022-09-01"), D("2022-09-15")))
        assert response["Location"] == url("notification-check", unnotified)
        check = client.get(response["Location"])
        assert check.status_code == 200
        assert "retrospective notification" in text(check)

        response = client.post(url("notification-check", unnotified))
        assert response["Location"] == url("case", unnotified)
        case = client.get(response["Location"])
    assert "Retrospective notification" in text(case) and "govuk-notification-banner--success" in text(case)
    incident = the(unnotified)
    assert (incident.status, incident.retrospective, incident.la_aware_date) == ("notified", True, D("2022-09-15"))


def test_a_late_retrospective_notification_asks_why(unnotified, leeds_notifier, london_time):
    client = signed_in(leeds_notifier)
    with london_time("2022-09-22"):
        client.post(url("retrospective", unnotified), dates(D("2022-09-01"), D("2022-09-02")))
        response = client.post(url("notification-check", unnotified))
        assert response["Location"] == url("notification-late", unnotified)
        response = client.post(url("notification-late", unnotified), {"late_reason": "We missed it."})
        assert response["Location"] == url("case", unnotified)
    incident = the(unnotified)
    assert (incident.status, incident.retrospective, incident.late_reason) == ("notified", True, "We missed it.")


def test_an_authority_confirms_an_offline_notification_giving_the_reason_it_was_late(
    keyed_late, leeds_notifier, london_time
):
    client = signed_in(leeds_notifier)
    with london_time("2022-10-03"):
        page = client.get(url("confirm-offline", keyed_late))
        assert page.status_code == 200
        assert "Phone" in text(page) and "30 September 2022" in text(page)
        assert 'id="id_late_reason"' in text(page)  # it reached the Panel late: the question is there already

        response = client.post(url("confirm-offline", keyed_late), {"late_reason": "Our system was down."})
        assert response["Location"] == url("case", keyed_late)
        assert "Notification confirmed" in text(client.get(response["Location"]))
    incident = the(keyed_late)
    assert (incident.offline_confirmed_on, incident.late_reason) == (D("2022-10-03"), "Our system was down.")
    assert incident.channel == "offline"


def test_an_offline_notification_on_time_is_confirmed_with_one_button(secretariat, leeds, leeds_notifier, london_time):
    with london_time("2022-09-14"):
        keyed = incident_key_offline(
            by=secretariat,
            notifying_la=leeds,
            offline_method="phone",
            offline_received_on=D("2022-09-14"),
            **case_values(),
        )
        client = signed_in(leeds_notifier)
        assert 'id="id_late_reason"' not in text(client.get(url("confirm-offline", keyed)))
        assert client.post(url("confirm-offline", keyed), {})["Location"] == url("case", keyed)
        # Confirmed: the page is done with, and the case page says so.
        assert client.get(url("confirm-offline", keyed))["Location"] == url("case", keyed)
    assert the(keyed).offline_confirmed_on == D("2022-09-14")


def test_an_authority_withdraws_a_notification_with_a_reason(notified, leeds_notifier, london_time):
    client = signed_in(leeds_notifier)
    with london_time("2022-09-21"):
        page = client.get(url("withdraw", notified))
        assert "You cannot undo this" in text(page)
        response = client.post(url("withdraw", notified), {"reason": "No abuse or neglect after all."})
        assert response["Location"] == url("case", notified)
        assert "Notification withdrawn" in text(client.get(response["Location"]))
    incident = the(notified)
    assert (incident.status, incident.withdrawn_reason) == ("withdrawn", "No abuse or neglect after all.")
    assert not incident.deadlines.filter(status="open").exists()


def test_a_withdrawn_notification_cannot_be_withdrawn_again(notified, leeds_notifier, london_time):
    client = signed_in(leeds_notifier)
    with london_time("2022-09-21"):
        client.post(url("withdraw", notified), {"reason": "Not met."})
        assert client.get(url("withdraw", notified))["Location"] == url("case", notified)
        again = client.post(url("withdraw", notified), {"reason": "Again."})
    assert again.status_code == 409
    assert the(notified).withdrawn_reason == "Not met."
