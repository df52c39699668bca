"""The Panel's pages through Django's test client: its queue and lists, keying an offline notification,
returning a rapid review, and the regional view; who may see each, and what every form says when empty."""

import csv
import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from incidents.services import incident_create, incident_key_offline, incident_submit, incident_withdraw
from letters.models import Letter
from letters.services import letter_ask_for_approval, letter_draft
from notices.models import Notice
from reviews.models import RapidReview
from reviews.services import rapid_review_return, rapid_review_send
from tests.conftest import case_values, rapid_review_values
from tests.documents import real_pdf, windows_executable
from tests.factories import LocalAuthorityFactory, MembershipFactory, RegionFactory, UserFactory
from tests.signin import sign_in

from .helpers import error_summary_links, page_facts

D = datetime.date.fromisoformat

QUEUE_LISTS = ("rapid-reviews", "letters", "overdue", "chasers", "failed-messages")


def signed_in(user):
    client = Client()
    sign_in(client, user)
    return client


def text(response):
    return response.content.decode()


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(text(response))))


def notified_case(la, notifier, london_time, *, on="2022-09-14", **values):
    with london_time(on):
        incident = incident_create(by=notifier, notifying_la=la, **case_values(**values))
        return incident_submit(incident=incident, by=notifier, late_reason="Known late.")


@pytest.fixture
def reviewed(leeds, leeds_notifier, leeds_lead, panel, london_time):
    """A Leeds case notified on 14 September 2022 whose rapid review reached the Panel on 3 October."""
    incident = notified_case(leeds, leeds_notifier, london_time)
    with london_time("2022-10-03"):
        rapid_review_send(incident=incident, by=leeds_lead, **rapid_review_values())
    return incident


@pytest.fixture
def keyed(secretariat, bradford, london_time):
    """A phone notification from Bradford, keyed on 14 September 2022 and not yet confirmed."""
    with london_time("2022-09-14"):
        return incident_key_offline(
            by=secretariat,
            notifying_la=bradford,
            offline_method="phone",
            offline_received_on=D("2022-09-14"),
            **case_values(),
        )


@pytest.fixture
def letter_put_forward(reviewed, secretariat, london_time):
    with london_time("2022-10-04"):
        letter = letter_draft(incident=reviewed, by=secretariat, kind=Letter.Kind.GENERAL)
        return letter_ask_for_approval(letter=letter, by=secretariat)


@pytest.fixture
def failed_message(reviewed, leeds_lead):
    now = timezone.now()
    return Notice.objects.create(
        incident=reviewed,
        event=reviewed.timeline.last(),
        recipient=leeds_lead,
        due_on=D("2022-10-03"),
        status=Notice.Status.FAILED,
        attempts=5,
        next_attempt_at=now,
        claimed_at=now,
        last_error="Mailbox unavailable",
    )


# The queue -------------------------------------------------------------------------------------------------


def test_the_secretariats_home_is_the_queue_with_its_counts(
    secretariat, reviewed, keyed, letter_put_forward, failed_message, london_time
):
    with london_time("2022-10-05"):
        response = signed_in(secretariat).get(reverse("home"))
    assert response.status_code == 200
    html = text(response)
    assert page_facts(response).h1 == 1
    assert "The Panel's queue" in page_facts(response).title
    for slug, count in {"rapid-reviews": 1, "letters": 1, "chasers": 1, "failed-messages": 1}.items():
        assert f'id="count-{slug}">{count}</span>' in html, slug
    # Bradford's notification and Leeds's rapid review are both past their dates by 5 October 2022.
    assert 'id="count-overdue">' in html
    assert reviewed.reference in html and keyed.reference in html
    assert f'href="{reverse("web:letter", args=[letter_put_forward.pk])}">{letter_put_forward.subject}<' in html
    assert "You wrote it: someone else approves" in html
    assert "Mailbox unavailable" in html
    assert "Key an offline notification" in html


def test_a_rapid_review_awaiting_response_shows_its_working_days_against_the_service_level(
    secretariat, reviewed, london_time
):
    with london_time("2022-10-05"):
        response = signed_in(secretariat).get(reverse("web:queue-rapid-reviews"))
    html = text(response)
    assert response.status_code == 200
    assert "3 October 2022" in html  # received
    assert ">2 of 15<" in html  # 4 and 5 October
    assert "24 October 2022" in html  # 15 working days after 3 October
    assert "19 days left" in html


def test_rapid_reviews_are_listed_oldest_first_and_leave_the_list_once_returned(
    secretariat, reviewed, bradford, bradford_notifier, bradford_lead, london_time
):
    later = notified_case(bradford, bradford_notifier, london_time, on="2022-09-20")
    with london_time("2022-10-10"):
        rapid_review_send(incident=later, by=bradford_lead, **rapid_review_values())
    client = signed_in(secretariat)
    with london_time("2022-10-11"):
        html = text(client.get(reverse("web:queue-rapid-reviews")))
        assert html.index(reviewed.reference) < html.index(later.reference)
        newest = text(client.get(reverse("web:queue-rapid-reviews"), {"sort": "newest"}))
        assert newest.index(later.reference) < newest.index(reviewed.reference)
        rapid_review_return(incident=reviewed, by=secretariat, reason="More on the health visits.")
        html = text(client.get(reverse("web:queue-rapid-reviews")))
    assert reviewed.reference not in html and later.reference in html


def test_the_overdue_list_filters_by_kind_and_who_must_act(secretariat, reviewed, keyed, london_time):
    client = signed_in(secretariat)
    with london_time("2022-11-30"):
        everything = text(client.get(reverse("web:queue-overdue")))
        assert reviewed.reference in everything and keyed.reference in everything
        offline = client.get(reverse("web:queue-overdue"), {"kind": "offline_confirmation"})
        panel = client.get(reverse("web:queue-overdue"), {"responsible": "panel"})
    assert keyed.reference in text(offline) and reviewed.reference not in text(offline)
    # The Panel's response to Leeds's review was due on 24 October.
    assert reviewed.reference in text(panel) and keyed.reference not in text(panel)


def test_a_filter_that_is_not_valid_shows_an_error_summary(secretariat, reviewed):
    response = signed_in(secretariat).get(reverse("web:queue-overdue"), {"kind": "nonsense", "reference": "x" * 40})
    assert response.status_code == 400
    links = error_summary_links(response)
    assert {"id_kind", "id_reference"} <= set(links)
    assert "Nothing matches the filters." in text(response)


@pytest.mark.parametrize("slug", QUEUE_LISTS)
def test_each_list_downloads_as_csv(
    slug, secretariat, reviewed, keyed, letter_put_forward, failed_message, london_time
):
    with london_time("2022-11-30"):
        response = signed_in(secretariat).get(reverse(f"web:queue-{slug}"), {"download": "csv"})
    assert response.status_code == 200
    rows = csv_rows(response)
    assert len(rows) >= 2, rows
    expected = keyed.reference if slug == "chasers" else reviewed.reference
    assert any(expected in row for row in rows[1:]), rows


def test_the_chasers_csv_counts_the_days_outstanding(secretariat, keyed, london_time):
    with london_time("2022-09-24"):
        rows = csv_rows(signed_in(secretariat).get(reverse("web:queue-chasers"), {"download": "csv"}))
    assert rows[0][:5] == ["Case reference", "Local authority", "Request", "Asked on", "Days outstanding"]
    assert rows[1][:5] == [keyed.reference, "Bradford", "Offline notification confirmed", "2022-09-14", "10"]


def test_a_list_pages_through_its_rows(secretariat, bradford, london_time):
    with london_time("2022-09-14"):
        for _ in range(27):
            incident_key_offline(
                by=secretariat,
                notifying_la=bradford,
                offline_method="phone",
                offline_received_on=D("2022-09-14"),
                **case_values(),
            )
    client = signed_in(secretariat)
    first = client.get(reverse("web:queue-chasers"))
    assert "27 found" in text(first)
    assert "govuk-pagination" in text(first)
    second = client.get(reverse("web:queue-chasers"), {"page": 2})
    assert text(second).count("Offline notification confirmed</td>") == 2


def test_a_panel_member_sees_the_queue_but_not_the_secretariats_chasers(panel_member, reviewed, keyed):
    client = signed_in(panel_member)
    html = text(client.get(reverse("home")))
    assert 'id="count-rapid-reviews"' in html
    assert 'id="count-chasers"' not in html
    assert "Key an offline notification" not in html
    assert client.get(reverse("web:queue-chasers")).status_code == 403
    assert client.get(reverse("web:queue-letters")).status_code == 200


@pytest.mark.parametrize("who", ["leeds_notifier", "leeds_lead", "analyst"])
def test_authorities_partnerships_and_analysts_keep_their_home_and_get_403_on_the_queue(request, who, reviewed):
    client = signed_in(request.getfixturevalue(who))
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Your work" in text(home) and "The Panel's queue" not in text(home)
    assert client.get(reverse("web:queue")).status_code == 403
    for slug in QUEUE_LISTS:
        assert client.get(reverse(f"web:queue-{slug}")).status_code == 403, slug


# Keying an offline notification ----------------------------------------------------------------------------

STEP_ANSWERS = {
    "web:offline-start": {"local_authority": "E08000035"},
    "web:offline-received": {
        "offline_method": "email",
        "offline_received_on-day": "14",
        "offline_received_on-month": "9",
        "offline_received_on-year": "2022",
    },
    "web:offline-dates": {
        "incident_date-day": "10",
        "incident_date-month": "9",
        "incident_date-year": "2022",
        "la_aware_date-day": "12",
        "la_aware_date-month": "9",
        "la_aware_date-year": "2022",
    },
    "web:offline-incident": {
        "reason": "serious_harm",
        "abuse_or_neglect": "suspected",
        "looked_after_child_death": "no",
        "case_outline": "A fall at home.",
    },
    "web:offline-child": {"first_name": "Amelia", "age_years": "3", "sex": "female"},
}


def answer_every_question(client, **changes):
    for step, answers in STEP_ANSWERS.items():
        response = client.post(reverse(step), {**answers, **changes.get(step, {})})
        assert response.status_code == 302, (step, text(response))
    return response


def pdf_upload():
    return SimpleUploadedFile("notification.pdf", real_pdf("Notification"), content_type="application/pdf")


def test_the_secretariat_keys_an_offline_notification_page_by_page(secretariat, leeds, panel, london_time):
    client = signed_in(secretariat)
    with london_time("2022-09-14"):
        assert client.get(reverse("web:offline-start")).status_code == 200
        last = answer_every_question(client)
        assert last["Location"] == reverse("web:offline-check")
        check = client.get(last["Location"])
        html = text(check)
        assert check.status_code == 200
        for shown in ("Leeds", "Email", "14 September 2022", "10 September 2022", "Serious harm", "Amelia"):
            assert shown in html, shown
        assert f"{reverse('web:offline-dates')}?from=check" in html

        response = client.post(reverse("web:offline-check"), {"offline_document": pdf_upload()})
        incident = Incident.objects.get()
        assert response["Location"] == reverse("web:offline-keyed", args=[incident.reference])
        keyed_page = text(client.get(response["Location"]))
    assert incident.reference in keyed_page
    assert "Leeds has been asked to confirm the notification in the service within 5 working days" in keyed_page
    assert "22 September 2022" in keyed_page
    assert (incident.status, incident.channel, incident.offline_method) == ("notified", "offline", "email")
    assert incident.notified_on == D("2022-09-14")
    assert incident.awaits_confirmation
    assert incident.offline_document.name.endswith(".pdf")
    assert incident.offline_document.read().startswith(b"%PDF")
    assert incident.deadlines.get(kind="offline_confirmation").status == "open"
    child = incident.children.get()
    assert (child.first_name, child.age_years, child.sex, child.is_index) == ("Amelia", 3, "female", True)
    # Done with: the answers are gone, and the next notification starts afresh.
    assert "offline_notification" not in client.session


@pytest.mark.parametrize("step", list(STEP_ANSWERS))
def test_each_question_submitted_empty_shows_an_error_summary(step, secretariat, leeds, london_time):
    client = signed_in(secretariat)
    with london_time("2022-09-14"):
        answer_every_question(client)
        response = client.post(reverse(step), {})
    assert response.status_code == 400
    assert error_summary_links(response)


def test_the_check_page_submitted_without_the_original_of_an_email_says_to_attach_it(
    secretariat, leeds, panel, london_time
):
    client = signed_in(secretariat)
    with london_time("2022-09-14"):
        answer_every_question(client)
        response = client.post(reverse("web:offline-check"), {})
    assert response.status_code == 400
    assert error_summary_links(response) == ["id_offline_document"]
    assert "Attach the original email or letter." in text(response)
    assert not Incident.objects.exists()


def test_a_phone_notification_needs_no_original(secretariat, leeds, panel, london_time):
    client = signed_in(secretariat)
    changes = {"web:offline-received": {"offline_method": "phone"}}
    with london_time("2022-09-14"):
        answer_every_question(client, **changes)
        response = client.post(reverse("web:offline-check"), {})
    incident = Incident.objects.get()
    assert response["Location"] == reverse("web:offline-keyed", args=[incident.reference])
    assert (incident.offline_method, incident.offline_document.name) == ("phone", "")


def test_an_executable_is_refused_with_415_on_the_file_field(secretariat, leeds, panel, london_time, media_root):
    client = signed_in(secretariat)
    with london_time("2022-09-14"):
        answer_every_question(client)
        upload = SimpleUploadedFile("notification.pdf", windows_executable(), content_type="application/pdf")
        response = client.post(reverse("web:offline-check"), {"offline_document": upload})
    assert response.status_code == 415
    assert error_summary_links(response) == ["id_offline_document"]
    assert not Incident.objects.exists()


def test_a_file_too_large_is_refused_with_413_on_the_file_field(secretariat, leeds, panel, london_time, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    client = signed_in(secretariat)
    with london_time("2022-09-14"):
        answer_every_question(client)
        response = client.post(reverse("web:offline-check"), {"offline_document": pdf_upload()})
    assert response.status_code == 413
    assert error_summary_links(response) == ["id_offline_document"]
    assert "The file must be smaller than" in text(response)
    assert not Incident.objects.exists()


def test_keying_twice_makes_one_case(secretariat, leeds, panel, london_time):
    client = signed_in(secretariat)
    with london_time("2022-09-14"):
        answer_every_question(client)
        client.post(reverse("web:offline-check"), {"offline_document": pdf_upload()})
        again = client.post(reverse("web:offline-check"), {"offline_document": pdf_upload()})
    assert again["Location"] == reverse("web:offline-start")
    assert Incident.objects.count() == 1


def test_the_services_answer_on_an_earlier_page_links_to_its_section(secretariat, leeds, panel, london_time):
    client = signed_in(secretariat)
    # Received before the authority became aware of it: the service says so.
    changes = {"web:offline-received": {"offline_received_on-day": "11"}}
    with london_time("2022-09-14"):
        answer_every_question(client, **changes)
        response = client.post(reverse("web:offline-check"), {"offline_document": pdf_upload()})
    assert response.status_code == 400
    links = error_summary_links(response)
    assert "received" in links
    assert "id_offline_document" in links  # the file must be chosen again
    assert "Choose the file again" in text(response)


def test_the_dates_page_asks_the_services_own_question(secretariat, leeds, london_time):
    client = signed_in(secretariat)
    with london_time("2022-09-14"):
        answer_every_question(client)
        dates = {**STEP_ANSWERS["web:offline-dates"], "la_aware_date-day": "9"}
        response = client.post(reverse("web:offline-dates"), dates)
    assert response.status_code == 400
    assert error_summary_links(response) == ["id_la_aware_date-day"]


def test_a_page_asked_out_of_order_goes_back_to_the_first_unanswered(secretariat, leeds):
    client = signed_in(secretariat)
    assert client.get(reverse("web:offline-check"))["Location"] == reverse("web:offline-start")
    assert client.get(reverse("web:offline-child"))["Location"] == reverse("web:offline-start")
    client.post(reverse("web:offline-start"), STEP_ANSWERS["web:offline-start"])
    assert client.get(reverse("web:offline-dates"))["Location"] == reverse("web:offline-received")


def test_starting_afresh_forgets_the_answers(secretariat, leeds, london_time):
    client = signed_in(secretariat)
    with london_time("2022-09-14"):
        answer_every_question(client)
        assert client.get(reverse("web:offline-start") + "?new=1")["Location"] == reverse("web:offline-start")
    assert "offline_notification" not in client.session


@pytest.mark.parametrize("who", ["leeds_notifier", "leeds_lead", "panel_member", "analyst"])
def test_only_the_secretariat_keys_offline_notifications(request, who, keyed):
    client = signed_in(request.getfixturevalue(who))
    for step in (*STEP_ANSWERS, "web:offline-check"):
        assert client.get(reverse(step)).status_code == 403, step
        assert client.post(reverse(step), STEP_ANSWERS.get(step, {})).status_code == 403, step


def test_the_keyed_page_is_the_secretariats_and_a_stranger_is_told_no_such_case(
    keyed, leeds_notifier, bradford_notifier
):
    url = reverse("web:offline-keyed", args=[keyed.reference])
    assert signed_in(bradford_notifier).get(url).status_code == 403  # Bradford's own case, not its page
    assert signed_in(leeds_notifier).get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        reverse("web:queue"),
        reverse("web:queue-overdue"),
        reverse("web:offline-start"),
        reverse("web:offline-check"),
        reverse("web:regions"),
    ],
)
def test_someone_not_signed_in_is_asked_to_sign_in(url, db):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sign-in"))


# Returning a rapid review ----------------------------------------------------------------------------------


def return_url(incident):
    return reverse("web:rapid-review-return", args=[incident.reference])


def test_the_case_page_offers_the_secretariat_the_return(secretariat, reviewed):
    html = text(signed_in(secretariat).get(reverse("web:case", args=[reviewed.reference])))
    assert return_url(reviewed) in html


def test_the_return_page_says_the_default_date(secretariat, reviewed, london_time):
    with london_time("2022-10-05"):
        response = signed_in(secretariat).get(return_url(reviewed))
    assert response.status_code == 200
    html = text(response)
    assert "Leave this blank for 10 working days from today: 19 October 2022" in html
    assert "Return the rapid review" in page_facts(response).title


def test_the_return_form_submitted_empty_shows_an_error_summary(secretariat, reviewed, london_time):
    with london_time("2022-10-05"):
        response = signed_in(secretariat).post(return_url(reviewed), {})
    assert response.status_code == 400
    assert error_summary_links(response) == ["id_reason"]
    assert "Enter what more the Panel needs" in text(response)
    assert RapidReview.objects.get().status == "submitted"


def test_a_return_sets_the_date_the_review_is_wanted_by(secretariat, reviewed, london_time):
    answers = {
        "reason": "Say more about the last health visit.",
        "resubmit_by-day": "28",
        "resubmit_by-month": "10",
        "resubmit_by-year": "2022",
    }
    client = signed_in(secretariat)
    with london_time("2022-10-05"):
        response = client.post(return_url(reviewed), answers)
        assert response["Location"] == reverse("web:case", args=[reviewed.reference])
        case_page = text(client.get(response["Location"]))
    assert "The Panel wants it again by 28 October 2022" in case_page
    review = RapidReview.objects.get()
    assert (review.status, review.returned_reason) == ("returned", "Say more about the last health visit.")
    version = review.versions.get()
    assert (version.resubmit_by, version.panel_responded_on) == (D("2022-10-28"), D("2022-10-05"))
    assert reviewed.deadlines.get(kind="rapid_review_resubmission").due_on == D("2022-10-28")


def test_a_return_without_a_date_is_wanted_in_10_working_days(secretariat, reviewed, london_time):
    with london_time("2022-10-05"):
        signed_in(secretariat).post(return_url(reviewed), {"reason": "More, please."})
    assert RapidReview.objects.get().versions.get().resubmit_by == D("2022-10-19")


def test_a_date_that_is_not_after_today_is_the_services_error_on_the_date(secretariat, reviewed, london_time):
    answers = {"reason": "More.", "resubmit_by-day": "5", "resubmit_by-month": "10", "resubmit_by-year": "2022"}
    with london_time("2022-10-05"):
        response = signed_in(secretariat).post(return_url(reviewed), answers)
    assert response.status_code == 400
    assert error_summary_links(response) == ["id_resubmit_by-day"]
    assert "Give a date after today." in text(response)
    assert 'value="More."' in text(response) or "More.</textarea>" in text(response)


def test_nothing_to_return_says_so(secretariat, reviewed, london_time):
    client = signed_in(secretariat)
    with london_time("2022-10-05"):
        client.post(return_url(reviewed), {"reason": "More."})
        again = client.get(return_url(reviewed))
        posted = client.post(return_url(reviewed), {"reason": "More again."})
    assert again.status_code == 409
    assert "id_reason" not in text(again)
    assert posted.status_code == 409


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("leeds_notifier", 403),
        ("leeds_lead", 403),
        ("panel_member", 403),
        ("bradford_notifier", 404),
        ("bradford_lead", 404),
    ],
)
def test_only_the_secretariat_returns_a_rapid_review(request, who, status, reviewed):
    client = signed_in(request.getfixturevalue(who))
    assert client.get(return_url(reviewed)).status_code == status
    assert client.post(return_url(reviewed), {"reason": "More."}).status_code == status
    assert RapidReview.objects.get().status == "submitted"


# The regional view -----------------------------------------------------------------------------------------


@pytest.fixture
def london_region_case(london_time, panel):
    """Camden, in London, and its notifier."""
    camden = LocalAuthorityFactory(
        name="Camden", code="E09000007", region=RegionFactory(name="London", gss_code="E12000007")
    )
    notifier = MembershipFactory(user=UserFactory(email="notifier@camden.example.org"), organisation=camden).user
    return camden, notifier


def figures(response, authority):
    """An authority's row of the page: open cases, overdue deadlines, late notifications."""
    html = text(response)
    row = html[html.index(f'<th scope="row" class="govuk-table__header">{authority}</th>') :]
    row = row[: row.index("</tr>")]
    return [int(n) for n in re.findall(r"govuk-table__cell--numeric\">(\d+)<", row)]


def test_the_regional_view_counts_each_authoritys_cases(
    secretariat, leeds, leeds_notifier, bradford, bradford_notifier, london_region_case, london_time
):
    camden, camden_notifier = london_region_case
    # Leeds: two cases notified late in this financial year (from 1 April 2022); one withdrawn.
    notified_case(leeds, leeds_notifier, london_time, on="2022-09-30")
    withdrawn = notified_case(leeds, leeds_notifier, london_time, on="2022-09-30")
    with london_time("2022-10-03"):
        incident_withdraw(incident=withdrawn, by=leeds_notifier, reason="Not met.")
    # Bradford: notified on time, last financial year.
    notified_case(
        bradford,
        bradford_notifier,
        london_time,
        on="2022-03-10",
        incident_date=D("2022-03-08"),
        la_aware_date=D("2022-03-09"),
    )
    # Camden: a draft, which no figure counts.
    with london_time("2022-09-14"):
        incident_create(by=camden_notifier, notifying_la=camden, **case_values())

    with london_time("2022-11-30"):
        response = signed_in(secretariat).get(reverse("web:regions"))
    assert response.status_code == 200
    # Leeds: 1 open case, its rapid review overdue, 1 late notification (the withdrawn one is not counted).
    assert figures(response, "Leeds") == [1, 1, 1]
    # Bradford: open (its rapid review, due April 2022, is overdue); on time, and last year.
    assert figures(response, "Bradford") == [1, 1, 0]
    assert figures(response, "Camden") == [0, 0, 0]
    assert "since 1 April 2022" in text(response)
    html = text(response)
    england = html[html.index('id="england"') :]
    assert "<strong>2</strong>" in england[: england.index("</tr>")]


def test_the_regional_view_sorts_filters_and_downloads(
    secretariat, leeds, leeds_notifier, bradford, london_region_case, london_time
):
    camden, _ = london_region_case
    notified_case(leeds, leeds_notifier, london_time, on="2022-09-30")
    client = signed_in(secretariat)
    with london_time("2022-11-30"):
        by_overdue = client.get(reverse("web:regions"), {"sort": "-overdue"})
        london = client.get(reverse("web:regions"), {"region": str(camden.region_id)})
        download = client.get(reverse("web:regions"), {"download": "csv", "sort": "-overdue"})
    html = text(by_overdue)
    assert html.index("Yorkshire and The Humber</a>") < html.index("London</a>")
    assert "Leeds" not in text(london) and "Camden" in text(london)
    rows = csv_rows(download)
    assert rows[0] == [
        "Region",
        "Local authority",
        "GSS code",
        "Open cases",
        "Overdue deadlines",
        "Late notifications since 1 April 2022",
    ]
    assert rows[1] == ["Yorkshire and The Humber", "Leeds", "E08000035", "1", "1", "1"]
    assert len(rows) == 4


def test_a_regional_filter_that_is_not_valid_shows_an_error_summary(secretariat):
    response = signed_in(secretariat).get(reverse("web:regions"), {"region": "nowhere", "sort": "sideways"})
    assert response.status_code == 400
    assert set(error_summary_links(response)) == {"id_region", "id_sort"}


def test_analysts_see_the_regional_figures_and_authorities_do_not(
    analyst, panel_member, leeds_notifier, leeds_lead, leeds
):
    assert signed_in(analyst).get(reverse("web:regions")).status_code == 200
    assert signed_in(panel_member).get(reverse("web:regions")).status_code == 200
    assert signed_in(leeds_notifier).get(reverse("web:regions")).status_code == 403
    assert signed_in(leeds_lead).get(reverse("web:regions")).status_code == 403
