"""Sign in, the start page, the case list, the case page and API tokens, through Django's test client."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from incidents.models import Incident
from incidents.services import incident_create, incident_submit
from tests.conftest import case_values
from tests.signin import sign_in

from .helpers import error_summary_links, page_facts

SERVICE = "Child Safeguarding Practice Review Panel"


def signed_in(user):
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def leeds_case(leeds, leeds_notifier):
    incident = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
    return incident_submit(incident=incident, by=leeds_notifier, late_reason="Not known until later.")


@pytest.mark.django_db
def test_sign_in_empty_shows_an_error_summary_linked_to_both_fields():
    response = Client().post(reverse("sign-in"), {"username": "", "password": ""})
    assert response.status_code == 200
    assert error_summary_links(response) == ["id_username", "id_password"]


@pytest.mark.django_db
def test_sign_in_with_a_wrong_password_says_so_and_keeps_the_email(leeds_notifier):
    response = Client().post(reverse("sign-in"), {"username": leeds_notifier.email, "password": "wrong"})
    assert "Enter a correct email address and password" in response.content.decode()
    assert f'value="{leeds_notifier.email}"' in response.content.decode()


@pytest.mark.django_db
def test_every_page_names_itself_and_the_service_with_one_h1(leeds_notifier, leeds_case):
    client = signed_in(leeds_notifier)
    pages = {
        reverse("home"): "Home",
        reverse("web:case-list"): "Your cases",
        reverse("web:case", args=[leeds_case.reference]): f"Case {leeds_case.reference}",
        reverse("web:tokens"): "API tokens",
        reverse("web:accessibility"): "Accessibility statement",
        reverse("web:privacy"): "Privacy notice",
    }
    for url, name in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        facts = page_facts(response)
        assert facts.title.strip() == f"{name} – {SERVICE} – GOV.UK"
        assert facts.h1 == 1
        assert 'href="#main-content"' in response.content.decode()


@pytest.mark.django_db
def test_pages_need_a_signed_in_person(leeds_case):
    for url in (reverse("home"), reverse("web:case-list"), reverse("web:case", args=[leeds_case.reference])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("sign-in"))


@pytest.mark.django_db
def test_another_authoritys_case_is_not_found_and_not_listed(bradford_notifier, leeds_case):
    client = signed_in(bradford_notifier)
    response = client.get(reverse("web:case", args=[leeds_case.reference]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert leeds_case.reference not in client.get(reverse("web:case-list")).content.decode()
    assert leeds_case.reference not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_a_malformed_reference_is_not_found(leeds_notifier):
    assert signed_in(leeds_notifier).get("/cases/CSPR-20x-1/").status_code == 404


@pytest.mark.django_db
def test_case_page_offers_only_the_steps_the_state_and_role_allow(leeds_case, leeds_notifier, leeds_lead, analyst):
    url = reverse("web:case", args=[leeds_case.reference])
    notifier_page = signed_in(leeds_notifier).get(url).content.decode()
    assert "Withdraw the notification" in notifier_page
    assert "Send the rapid review" not in notifier_page
    lead_page = signed_in(leeds_lead).get(url).content.decode()
    assert "Send the rapid review" in lead_page
    assert "Withdraw the notification" not in lead_page
    assert signed_in(analyst).get(url).status_code == 404


@pytest.mark.django_db
def test_child_names_only_for_roles_that_may_see_them(leeds, leeds_notifier, leeds_lead, panel_member):
    values = case_values(children=[{"first_name": "Amelia", "last_name": "Stone", "age_years": 3}])
    case = incident_submit(
        incident=incident_create(by=leeds_notifier, notifying_la=leeds, **values), by=leeds_notifier, late_reason="x"
    )
    url = reverse("web:case", args=[case.reference])
    assert "Amelia Stone" in signed_in(leeds_lead).get(url).content.decode()
    assert "Amelia" not in signed_in(panel_member).get(url).content.decode()


@pytest.mark.django_db
def test_home_lists_the_partnerships_open_deadline_with_days_left(leeds_lead, leeds_case):
    html = signed_in(leeds_lead).get(reverse("home")).content.decode()
    deadlines = html[html.index('id="deadlines"') :]
    assert leeds_case.reference in deadlines
    assert re.search(r"\d+ days left|Overdue by \d+ day", deadlines)


@pytest.mark.django_db
def test_home_shows_drafts_and_the_panels_requests(leeds, leeds_notifier):
    draft = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
    html = signed_in(leeds_notifier).get(reverse("home")).content.decode()
    assert draft.reference in html[html.index('id="drafts"') :]
    assert reverse("web:notification-start") in html


@pytest.mark.django_db
def test_case_list_filters_search_and_bad_dates(leeds, leeds_notifier, leeds_case):
    client = signed_in(leeds_notifier)
    other = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values(reason="death"))
    listed = client.get(reverse("web:case-list"), {"reason": "death"}).content.decode()
    assert other.reference in listed and leeds_case.reference not in listed
    listed = client.get(reverse("web:case-list"), {"reference": leeds_case.reference[-5:]}).content.decode()
    assert leeds_case.reference in listed and other.reference not in listed
    listed = client.get(reverse("web:case-list"), {"status": Incident.Status.DRAFT}).content.decode()
    assert other.reference in listed and leeds_case.reference not in listed

    bad = client.get(
        reverse("web:case-list"), {"incident_from-day": "31", "incident_from-month": "2", "incident_from-year": "2023"}
    )
    assert bad.status_code == 400
    assert error_summary_links(bad) == ["id_incident_from-day"]
    assert "Incident on or after must be a real date" in bad.content.decode()
    assert 'value="31"' in bad.content.decode()  # what was typed is kept

    bad = client.get(reverse("web:case-list"), {"status": "nonsense"})
    assert bad.status_code == 400
    assert error_summary_links(bad) == ["id_status"]


@pytest.mark.django_db
def test_case_list_pages_through_many_cases(leeds, leeds_notifier):
    for _ in range(27):
        incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
    client = signed_in(leeds_notifier)
    first = client.get(reverse("web:case-list")).content.decode()
    assert "27 cases" in first
    assert 'class="govuk-pagination' in first
    second = client.get(reverse("web:case-list"), {"page": 2}).content.decode()
    assert second.count('class="govuk-table__row"') == 1 + 2
    assert client.get(reverse("web:case-list"), {"page": "999"}).status_code == 200


@pytest.mark.django_db
def test_api_tokens_are_shown_once_and_revoked_by_their_owner_only(leeds_notifier, bradford_notifier):
    client = signed_in(leeds_notifier)
    created = client.post(reverse("web:tokens"))
    key = re.search(r'<code id="token"[^>]*>([0-9a-f]+)</code>', created.content.decode()).group(1)
    api = Client(headers={"Authorization": f"Token {key}"})
    assert api.get("/api/v1/me/").status_code == 200

    listed = client.get(reverse("web:tokens")).content.decode()
    token_key = AuthToken.objects.get(user=leeds_notifier).token_key
    assert key not in listed and token_key in listed

    other = signed_in(bradford_notifier).post(reverse("web:token-revoke", args=[token_key]))
    assert other.status_code == 404
    assert AuthToken.objects.filter(user=leeds_notifier).count() == 1

    assert client.get(reverse("web:token-revoke", args=[token_key])).status_code == 405
    revoked = client.post(reverse("web:token-revoke", args=[token_key]), follow=True)
    assert "revoked" in revoked.content.decode()
    assert api.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_case_page_links_documents_that_download_with_the_session(leeds, leeds_notifier, secretariat):
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from incidents.services import incident_key_offline
    from tests.documents import real_pdf

    case = incident_key_offline(
        by=secretariat,
        notifying_la=leeds,
        offline_method="email",
        offline_received_on=datetime.date(2022, 9, 13),
        offline_document=SimpleUploadedFile("email.pdf", real_pdf()),
        **case_values(),
    )
    client = signed_in(leeds_notifier)
    page = client.get(reverse("web:case", args=[case.reference])).content.decode()
    link = re.search(r'id="documents">\s*<li><a class="govuk-link" href="([^"]+)"', page).group(1)
    assert "Confirm the offline notification" in page
    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_an_expired_form_and_an_unreadable_request_get_gov_uk_pages(settings, leeds_notifier):
    refused = Client(enforce_csrf_checks=True).post(reverse("sign-in"), {"username": "a@b.c", "password": "x"})
    assert refused.status_code == 403
    assert page_facts(refused).title.startswith("Your page had expired – ")

    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client = signed_in(leeds_notifier)
    too_many = client.get(reverse("web:case-list"), {f"field{n}": "x" for n in range(10)})
    assert too_many.status_code == 400
    assert page_facts(too_many).title.startswith("Sorry, the service could not read that – ")


@pytest.mark.django_db
def test_case_list_shows_and_filters_overdue_cases(leeds, leeds_notifier, leeds_case):
    overdue = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())  # due in September 2022
    client = signed_in(leeds_notifier)
    listed = client.get(reverse("web:case-list"), {"overdue": "on"}).content.decode()
    assert overdue.reference in listed and leeds_case.reference not in listed
    everything = client.get(reverse("web:case-list")).content.decode()
    row = everything[everything.index(overdue.reference) :]
    assert "Overdue" in row[: row.index("</tr>")]
