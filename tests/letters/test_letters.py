"""Panel letters: drafted from a template, approved by a second person, issued once as a PDF that never changes."""

import datetime
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed
from pypdf import PdfReader

from deadlines.models import Deadline
from letters import rendering
from letters.models import Letter
from letters.services import (
    letter_approve,
    letter_ask_for_approval,
    letter_draft,
    letter_issue,
    letter_preview,
    letter_update,
)
from reviews.models import RapidReview
from reviews.services import rapid_review_send

from ..conftest import rapid_review_values

D = datetime.date.fromisoformat
pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(notified, leeds_lead, london_time):
    """Notified on 14 September 2022; its rapid review, deciding no local review is needed, on 3 October."""
    with london_time("2022-10-03"):
        review = rapid_review_send(
            incident=notified, by=leeds_lead, **rapid_review_values(lcspr_decision="not_required")
        )
    return review.versions.get()


@pytest.fixture
def response(reviewed, secretariat, london_time):
    with london_time("2022-10-10"):
        return letter_draft(
            incident=reviewed.rapid_review.incident,
            by=secretariat,
            kind=Letter.Kind.RAPID_REVIEW_RESPONSE,
            rapid_review_version=reviewed,
        )


def decided(letter, by, *, panel_position="agree", national_review="not_needed"):
    sentences = rendering.decision_sentences(
        lcspr_decision="not_required", panel_position=panel_position, national_review=national_review
    )
    return letter_update(
        letter=letter,
        by=by,
        panel_position=panel_position,
        national_review=national_review,
        quality_themes=["commended"],
        body_markdown=letter.body_markdown + "\n\n" + "\n\n".join(sentences),
    )


def test_it_drafts_a_response_from_its_template(response, reviewed):
    assert response.status == "draft"
    assert response.template_version == "v1"
    assert reviewed.rapid_review.incident.reference in response.body_markdown


def test_a_response_goes_forward_only_with_its_decision_recorded_and_stated(response, secretariat, london_time):
    with london_time("2022-10-10"):
        with pytest.raises(ValidationError) as error:
            letter_ask_for_approval(letter=response, by=secretariat)
        assert {"panel_position", "national_review"} <= set(error.value.message_dict)
        letter_update(letter=response, by=secretariat, panel_position="agree", national_review="not_needed")
        with pytest.raises(ValidationError) as error:
            letter_ask_for_approval(letter=response, by=secretariat)
        assert "body_markdown" in error.value.message_dict  # the text does not yet say the decision


def test_the_person_who_wrote_it_cannot_approve_it(response, secretariat, panel_member, london_time):
    with london_time("2022-10-10"):
        letter = decided(response, secretariat)
        letter = letter_ask_for_approval(letter=letter, by=secretariat)
        with pytest.raises(PermissionDenied):
            letter_approve(letter=letter, by=secretariat)
        letter = letter_approve(letter=letter, by=panel_member)
    assert (letter.status, letter.approved_by) == ("approved", panel_member)


def test_a_change_after_approval_returns_it_to_draft(response, secretariat, panel_member, london_time):
    with london_time("2022-10-10"):
        letter = letter_ask_for_approval(letter=decided(response, secretariat), by=secretariat)
        letter = letter_approve(letter=letter, by=panel_member)
        letter = letter_update(letter=letter, by=secretariat, subject="Our response to your rapid review")
    assert (letter.status, letter.approved_by, letter.approved_at) == ("draft", None, None)


def test_issuing_a_response_freezes_it_and_answers_the_rapid_review(
    response, reviewed, secretariat, panel_member, london_time
):
    with london_time("2022-10-10"):
        letter = letter_ask_for_approval(letter=decided(response, secretariat), by=secretariat)
        letter = letter_approve(letter=letter, by=panel_member)
    with london_time("2022-10-31"):  # the Panel's 15 working days ran out on 24 October
        letter = letter_issue(letter=letter, by=secretariat)

    stored = letter.pdf.read()
    assert letter.pdf_sha256 == hashlib.sha256(stored).hexdigest()
    reader = PdfReader(io.BytesIO(stored))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == letter.subject
    text = "".join(page.extract_text() for page in reader.pages)
    assert letter.incident.reference in text
    assert letter.incident.notifying_la.partnership.name in text
    assert rendering.decision_sentences(
        lcspr_decision="not_required", panel_position="agree", national_review="not_needed"
    )[0] in " ".join(text.split())

    deadline = Deadline.objects.get(incident=letter.incident, kind="panel_response")
    assert (deadline.status, deadline.met_on, deadline.met_late) == ("met", D("2022-10-31"), True)
    review = RapidReview.objects.get(pk=reviewed.rapid_review_id)
    assert (review.panel_position, review.national_review, review.quality_themes) == (
        "agree",
        "not_needed",
        ["commended"],
    )

    with london_time("2022-11-01"):
        for step in (
            lambda: letter_issue(letter=letter, by=secretariat),
            lambda: letter_update(letter=letter, by=secretariat, subject="Changed"),
            lambda: letter_preview(letter=letter, by=secretariat),
        ):
            with pytest.raises(TransitionNotAllowed):
                step()
    assert Letter.objects.get(pk=letter.pk).pdf_sha256 == hashlib.sha256(stored).hexdigest()


def test_the_case_authority_sees_a_letter_only_once_issued(
    response, secretariat, panel_member, leeds_notifier, leeds_lead, analyst, client_for, london_time
):
    url = f"/api/v1/letters/{response.pk}/"
    assert client_for(secretariat).get(url).status_code == 200
    for person in (leeds_notifier, leeds_lead, analyst):
        assert client_for(person).get(url).status_code == 404
    with london_time("2022-10-10"):
        letter = letter_ask_for_approval(letter=decided(response, secretariat), by=secretariat)
        letter_approve(letter=letter, by=panel_member)
        letter_issue(letter=letter, by=secretariat)
    for person in (leeds_notifier, leeds_lead):
        assert client_for(person).get(url).status_code == 200
        download = client_for(person).get(f"{url}pdf/")
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
    assert client_for(analyst).get(url).status_code == 404


def test_a_case_opened_from_an_unnotified_rapid_review_has_a_request_letter_drafted(
    client_for, leeds_lead, leeds_notifier, secretariat, leeds, london_time
):
    from ..reviews.test_rapid_reviews import unnotified_body

    with london_time("2022-10-03"):
        response = client_for(leeds_lead).post("/api/v1/rapid-reviews/", unnotified_body(), format="multipart")
    assert response.status_code == 201, response.content
    letter = Letter.objects.get(incident__reference=response.json()["incident"])
    assert (letter.kind, letter.status, letter.drafted_by) == ("retrospective_request", "draft", None)
    assert letter.incident.reference in letter.body_markdown

    url = f"/api/v1/incidents/{letter.incident.reference}/"
    assert [item["kind"] for item in client_for(secretariat).get(url).json()["letters"]] == ["retrospective_request"]
    # A draft is the Panel's: the partnership and the authority see no letter yet.
    assert client_for(leeds_lead).get(url).json()["letters"] == []


def test_hostile_markdown_is_text_in_the_preview(response, secretariat, client_for, london_time):
    hostile = "<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)>"
    with london_time("2022-10-10"):
        letter_update(letter=response, by=secretariat, body_markdown=hostile)
        preview = client_for(secretariat).get(f"/api/v1/letters/{response.pk}/preview/")
    assert preview.status_code == 200
    assert preview["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(preview.content))
    text = " ".join("".join(page.extract_text() for page in reader.pages).split())
    assert "<script>alert(1)</script>" in text
    assert "onerror=alert(3)" in text
    uris = [
        str(annotation.get_object().get("/A", {}).get("/URI", ""))
        for page in reader.pages
        for annotation in page.get("/Annots", []) or []
    ]
    assert not any("javascript" in uri for uri in uris)


def test_through_the_api_the_writer_cannot_approve_and_an_analyst_finds_nothing(
    response, secretariat, panel_member, analyst, client_for, london_time
):
    with london_time("2022-10-10"):
        letter = letter_ask_for_approval(letter=decided(response, secretariat), by=secretariat)
        url = f"/api/v1/letters/{letter.pk}/approve/"
        assert client_for(secretariat).post(url).status_code == 403
        assert client_for(analyst).post(url).status_code == 404
        assert client_for(panel_member).post(url).status_code == 200
        assert client_for(panel_member).post(url).status_code == 409
    assert Letter.objects.get(pk=letter.pk).approved_by == panel_member


def test_in_the_admin_changes_and_steps_go_through_the_services(
    admin_client, admin_user, response, secretariat, panel_member, london_time
):
    import json
    import re

    from django.urls import reverse

    change_url = reverse("admin:letters_letter_change", args=[response.pk])

    def post(letter, **changes):
        """The change form as the admin shows it, with its hidden fields, the letter's values and changes."""
        page = admin_client.get(change_url).content.decode()
        form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
        form |= {name: getattr(letter, name) for name in ("subject", "body_markdown", "panel_position")}
        form |= {"national_review": letter.national_review, "quality_themes": json.dumps(letter.quality_themes)}
        form |= {"practice_themes": json.dumps(letter.practice_themes)}
        return admin_client.post(change_url, form | changes)

    with london_time("2022-10-10"):
        letter = letter_ask_for_approval(letter=decided(response, secretariat), by=secretariat)
        letter = letter_approve(letter=letter, by=panel_member)
        assert post(letter, subject="Our response to your rapid review").status_code == 302
    letter = Letter.objects.get(pk=response.pk)
    # Changed after approval: back to draft, and the administrator who changed it is now its writer.
    assert (letter.status, letter.drafted_by) == ("draft", admin_user)
    assert letter.subject == "Our response to your rapid review"

    with london_time("2022-10-10"):
        letter = letter_ask_for_approval(letter=letter, by=secretariat)
        post(letter, _fsm_transition_to="approve")
        letter = Letter.objects.get(pk=letter.pk)
        assert letter.status == "awaiting_approval"  # four eyes, even for an administrator
        letter = letter_approve(letter=letter, by=panel_member)
        post(letter, _fsm_transition_to="issue")
    letter = Letter.objects.get(pk=letter.pk)
    assert letter.status == "issued" and letter.pdf_sha256
    page = admin_client.get(change_url).content.decode()
    assert 'name="body_markdown"' not in page  # read-only once issued


def test_a_discarded_letter_is_kept_and_never_changes_again(response, secretariat, london_time):
    from letters.services import letter_discard

    with london_time("2022-10-10"):
        letter = letter_discard(letter=response, by=secretariat)
        with pytest.raises(TransitionNotAllowed):
            letter_update(letter=letter, by=secretariat, subject="Changed")
        with pytest.raises(TransitionNotAllowed):
            letter_discard(letter=letter, by=secretariat)
    assert Letter.objects.get(pk=response.pk).status == "discarded"


def test_a_version_has_one_response_unless_it_was_discarded(response, reviewed, secretariat, london_time):
    from letters.services import letter_discard

    incident = reviewed.rapid_review.incident
    kind = Letter.Kind.RAPID_REVIEW_RESPONSE
    with london_time("2022-10-10"):
        with pytest.raises(TransitionNotAllowed):
            letter_draft(incident=incident, by=secretariat, kind=kind, rapid_review_version=reviewed)
        letter_discard(letter=response, by=secretariat)
        again = letter_draft(incident=incident, by=secretariat, kind=kind, rapid_review_version=reviewed)
    assert again.status == "draft"
