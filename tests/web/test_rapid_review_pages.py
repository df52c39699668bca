"""The partnership's rapid review pages through Django's test client: sending it, refused documents,
who may, and sending it again after the Panel returned it."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from incidents.services import incident_create, incident_submit
from letters import rendering
from letters.models import Letter
from letters.services import letter_approve, letter_ask_for_approval, letter_draft, letter_issue, letter_update
from reviews.models import RapidReview, RapidReviewVersion
from reviews.services import rapid_review_return
from tests.conftest import case_values
from tests.documents import real_pdf
from tests.signin import sign_in
from web.rapid_review_forms import FILE_NOT_KEPT

from .helpers import error_summary_links, page_facts

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def signed_in(user):
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def leeds_case(leeds, leeds_notifier):
    incident = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
    return incident_submit(incident=incident, by=leeds_notifier, late_reason="Not known until later.")


def send_url(case):
    return reverse("web:rapid-review-send", args=[case.reference])


def review_url(case):
    return reverse("web:rapid-review", args=[case.reference])


def answers(document=None, **overrides):
    """The send page's answers, as a browser posts them."""
    values = {
        "document": document or SimpleUploadedFile("review.pdf", real_pdf(), content_type="application/pdf"),
        "completed_on-day": "3",
        "completed_on-month": "10",
        "completed_on-year": "2022",
        "reason_at_review": "serious_harm",
        "cause_harm": "non_fatal_assault_intrafamilial",
        "lcspr_decision": "required",
        "lines_of_enquiry": "Information sharing.",
        "lcspr_rationale": "Learning across agencies.",
        "national_review": "no",
        "practice_themes": ["whole_family", "babies"],
        "child_age_years": "3",
        "child_sex": "female",
        "child_gender_identity_differs": "not_recorded",
        "child_lgbtq": "not_recorded",
        "child_ethnicity": "white_british",
        "child_disability": "not_recorded",
        "child_family_known_to_csc": "not_recorded",
        "child_child_in_need": "not_recorded",
        "child_child_protection_plan": "not_recorded",
        "child_looked_after": "not_recorded",
        "child_care_order": "not_recorded",
    }
    return {**values, **overrides}


def field_error(response, field_id):
    """The GOV.UK error message shown on a field, or None."""
    found = re.search(
        rf'<p id="{field_id}-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span>'
        r"\s*(.*?)\s*</p>",
        response.content.decode(),
        re.S,
    )
    return found and found.group(1)


def stored_files(media_root):
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def test_it_tells_the_lead_the_rapid_review_deadline(leeds_lead, leeds_case):
    response = signed_in(leeds_lead).get(send_url(leeds_case))
    assert response.status_code == 200
    deadline = leeds_case.deadlines.get(kind="rapid_review")
    html = response.content.decode()
    assert "The rapid review is due by" in html
    assert f"{deadline.due_on:%-d %B %Y}" in html
    facts = page_facts(response)
    assert facts.h1 == 1
    assert facts.title.strip().startswith("Send the rapid review – ")
    # The index child's details come from the notification.
    assert re.search(r'id="id_child_age_years" name="child_age_years"[^>]* value="3"', html)


def test_it_shows_an_error_summary_linked_to_the_fields_when_sent_empty(leeds_lead, leeds_case, media_root):
    response = signed_in(leeds_lead).post(send_url(leeds_case), {})
    assert response.status_code == 400
    links = error_summary_links(response)
    for expected in ("id_document", "id_completed_on-day", "id_reason_at_review", "id_lcspr_decision"):
        assert expected in links
    assert "Select the rapid review document" in response.content.decode()
    assert not RapidReview.objects.exists()
    assert stored_files(media_root) == []


def test_it_asks_for_the_likely_cause_of_the_reason_chosen(leeds_lead, leeds_case):
    response = signed_in(leeds_lead).post(send_url(leeds_case), answers(reason_at_review="death"))
    assert response.status_code == 400
    assert "id_cause_death" in error_summary_links(response)
    assert field_error(response, "id_cause_death") == "Select the likely cause of death"


def test_a_file_chosen_with_another_answer_wrong_must_be_chosen_again(leeds_lead, leeds_case, media_root):
    response = signed_in(leeds_lead).post(send_url(leeds_case), answers(lcspr_rationale=""))
    assert response.status_code == 400
    links = error_summary_links(response)
    assert links[:1] == ["id_document"] and "id_lcspr_rationale" in links
    assert field_error(response, "id_document") == FILE_NOT_KEPT
    assert field_error(response, "id_lcspr_rationale") == "Enter the reasons for the decision on a local review"
    html = response.content.decode()
    assert "Enter the reasons for the decision on a local review" in html
    # What was typed is kept.
    assert "Information sharing." in html
    assert stored_files(media_root) == []


def test_the_services_own_checks_come_back_on_their_fields(leeds_lead, leeds_case, media_root):
    """A local review needs its lines of enquiry: the service says so, and the file must be chosen again."""
    response = signed_in(leeds_lead).post(send_url(leeds_case), answers(lines_of_enquiry=""))
    assert response.status_code == 400
    links = error_summary_links(response)
    assert "id_lines_of_enquiry" in links and "id_document" in links
    assert field_error(response, "id_lines_of_enquiry") == "A local review needs its lines of enquiry."
    assert field_error(response, "id_document") == FILE_NOT_KEPT
    assert not RapidReviewVersion.objects.exists()
    assert stored_files(media_root) == []


def test_a_too_large_file_is_refused_on_its_field_with_413(leeds_lead, leeds_case, media_root, settings):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("review.pdf", real_pdf() + b"%" * (1024 * 1024), content_type="application/pdf")
    response = signed_in(leeds_lead).post(send_url(leeds_case), answers(document=big))
    assert response.status_code == 413
    assert error_summary_links(response) == ["id_document"]
    assert field_error(response, "id_document") == "The file must be smaller than 1 MB."
    assert "Choose the file again" not in response.content.decode()
    assert not RapidReviewVersion.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize("name,content", [("review.png", PNG), ("review.pdf", b"Plain text, named as a PDF.")])
def test_a_file_of_the_wrong_type_is_refused_on_its_field_with_415(leeds_lead, leeds_case, media_root, name, content):
    response = signed_in(leeds_lead).post(send_url(leeds_case), answers(document=SimpleUploadedFile(name, content)))
    assert response.status_code == 415
    assert error_summary_links(response) == ["id_document"]
    assert field_error(response, "id_document") == "The file must be a PDF, a Word document or an OpenDocument text."
    assert not RapidReviewVersion.objects.exists()
    assert stored_files(media_root) == []


def test_another_partnerships_lead_finds_no_such_case(bradford_lead, leeds_case, media_root):
    client = signed_in(bradford_lead)
    assert client.get(send_url(leeds_case)).status_code == 404
    assert client.get(review_url(leeds_case)).status_code == 404
    assert client.post(send_url(leeds_case), answers()).status_code == 404
    assert not RapidReview.objects.exists()
    assert stored_files(media_root) == []


def test_the_authoritys_notifier_may_see_but_not_send_it(leeds_notifier, leeds_case, media_root):
    client = signed_in(leeds_notifier)
    assert client.get(send_url(leeds_case)).status_code == 403
    assert client.post(send_url(leeds_case), answers()).status_code == 403
    assert client.post(send_url(leeds_case), {}).status_code == 403
    page = client.get(review_url(leeds_case))
    assert page.status_code == 200
    assert "No rapid review has been sent yet." in page.content.decode()
    assert send_url(leeds_case) not in page.content.decode()
    assert not RapidReview.objects.exists()
    assert stored_files(media_root) == []


def test_a_lead_sends_it_and_sees_version_1(leeds_lead, leeds_case, media_root):
    client = signed_in(leeds_lead)
    response = client.post(send_url(leeds_case), answers())
    assert response.status_code == 302
    assert response["Location"] == review_url(leeds_case)

    version = RapidReviewVersion.objects.get()
    assert version.number == 1
    assert version.rapid_review.status == RapidReview.Status.SUBMITTED
    assert version.completed_on == datetime.date(2022, 10, 3)
    assert version.likely_cause == "non_fatal_assault_intrafamilial"
    assert version.practice_themes == ["whole_family", "babies"]
    assert version.national_review_recommended is False
    assert len(stored_files(media_root)) == 1
    # Nothing of the index child changed, so nothing was sent about the child.
    assert not leeds_case.timeline.filter(kind="children_changed").exists()

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Rapid review sent to the Panel (version 1)" in html
    assert reverse("api-rapid-review-document", args=[leeds_case.reference, 1]) in html
    assert "Received by the Panel" in html
    assert client.get(reverse("api-rapid-review-document", args=[leeds_case.reference, 1])).status_code == 200
    # Sent, it cannot be sent again until the Panel returns it.
    again = client.get(send_url(leeds_case))
    assert again.status_code == 409
    assert "You can send it again only if the Panel returns it." in again.content.decode()


def test_a_corrected_index_child_is_sent_with_the_review(leeds_lead, leeds_case):
    response = signed_in(leeds_lead).post(
        send_url(leeds_case), answers(child_ethnicity="white_asian", child_disability="yes")
    )
    assert response.status_code == 302
    child = leeds_case.children.get(is_index=True)
    assert (child.ethnicity, child.disability, child.age_years) == ("white_asian", "yes", 3)
    assert leeds_case.timeline.filter(kind="children_changed").exists()


def test_a_returned_review_shows_the_panels_reason_and_is_sent_again_as_version_2(leeds_lead, leeds_case, secretariat):
    client = signed_in(leeds_lead)
    assert client.post(send_url(leeds_case), answers()).status_code == 302
    rapid_review_return(incident=leeds_case, by=secretariat, reason="Say more about the health visits.")

    page = client.get(review_url(leeds_case)).content.decode()
    assert "Say more about the health visits." in page
    assert "Send the rapid review again" in page
    case_page = client.get(reverse("web:case", args=[leeds_case.reference])).content.decode()
    assert "Send the rapid review again" in case_page

    form = client.get(send_url(leeds_case))
    assert form.status_code == 200
    html = form.content.decode()
    assert "Say more about the health visits." in html
    assert "The Panel asks for the rapid review again by" in html
    # The returned version's findings are offered again.
    assert "Learning across agencies." in html

    response = client.post(send_url(leeds_case), answers(learning="Health visits were missed."))
    assert response.status_code == 302
    versions = RapidReviewVersion.objects.order_by("number")
    assert [v.number for v in versions] == [1, 2]
    assert versions.last().learning == "Health visits were missed."
    assert RapidReview.objects.get().status == RapidReview.Status.SUBMITTED
    page = client.get(review_url(leeds_case)).content.decode()
    assert "Rapid review sent to the Panel (version 2)" in page
    assert reverse("api-rapid-review-document", args=[leeds_case.reference, 2]) in page


def test_the_panels_staff_see_the_review_but_do_not_send_it(secretariat, leeds_lead, leeds_case):
    signed_in(leeds_lead).post(send_url(leeds_case), answers())
    client = signed_in(secretariat)
    page = client.get(review_url(leeds_case))
    assert page.status_code == 200
    assert "Download version 1" in page.content.decode()
    assert client.get(send_url(leeds_case)).status_code == 403


def test_the_panels_issued_response_shows_its_decision_and_letter(leeds_lead, leeds_case, secretariat, panel_member):
    client = signed_in(leeds_lead)
    assert client.post(send_url(leeds_case), answers()).status_code == 302
    version = RapidReviewVersion.objects.get()
    letter = letter_draft(
        incident=leeds_case, by=secretariat, kind=Letter.Kind.RAPID_REVIEW_RESPONSE, rapid_review_version=version
    )
    sentences = rendering.decision_sentences(
        lcspr_decision="required", panel_position="disagree", national_review="under_consideration"
    )
    letter = letter_update(
        letter=letter,
        by=secretariat,
        panel_position="disagree",
        national_review="under_consideration",
        quality_themes=["commended"],
        body_markdown=letter.body_markdown + "\n\n" + "\n\n".join(sentences),
    )
    letter = letter_ask_for_approval(letter=letter, by=secretariat)
    letter = letter_approve(letter=letter, by=panel_member)
    # Not yet issued: the partnership does not see it.
    assert reverse("letter-pdf", args=[letter.pk]) not in client.get(review_url(leeds_case)).content.decode()

    letter = letter_issue(letter=letter, by=secretariat)
    html = client.get(review_url(leeds_case)).content.decode()
    assert "The Panel disagrees" in html
    assert "Under consideration" in html
    assert "Commended" in html
    assert reverse("letter-pdf", args=[letter.pk]) in html
    assert f"{letter.subject} (PDF)" in html


def test_a_new_date_of_birth_gives_the_age_at_the_incident(leeds_lead, leeds_case):
    dob = {"child_date_of_birth-day": "1", "child_date_of_birth-month": "1", "child_date_of_birth-year": "2020"}
    assert signed_in(leeds_lead).post(send_url(leeds_case), answers(**dob)).status_code == 302
    child = leeds_case.children.get(is_index=True)
    assert (child.date_of_birth, child.age_years) == (datetime.date(2020, 1, 1), 2)


def test_the_childs_details_the_service_refuses_come_back_on_their_field(leeds_lead, leeds_case, media_root):
    dob = {"child_date_of_birth-day": "1", "child_date_of_birth-month": "1", "child_date_of_birth-year": "2023"}
    response = signed_in(leeds_lead).post(send_url(leeds_case), answers(**dob))
    assert response.status_code == 400
    assert "id_child_date_of_birth-day" in error_summary_links(response)
    assert field_error(response, "id_child_date_of_birth") == "The date of birth cannot be after the incident."
    assert not RapidReviewVersion.objects.exists()
    assert leeds_case.children.get(is_index=True).date_of_birth is None
    assert stored_files(media_root) == []
