"""A letter awaiting approval is sent back to its writer with a comment, by someone other than its writer:
by the service, and on the API alike."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from incidents.models import TimelineEvent
from letters.models import COMMENT_MAX_LENGTH, Letter, LetterEvent
from letters.services import letter_approve, letter_ask_for_approval, letter_send_back, letter_update

from .test_letters import decided, response, reviewed  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

COMMENT = "Say more about the health visitor's last contact with the family."


@pytest.fixture
def put_forward(response, secretariat, london_time):  # noqa: F811
    with london_time("2022-10-10"):
        return letter_ask_for_approval(letter=decided(response, secretariat), by=secretariat)


def test_a_member_sends_it_back_to_draft_with_a_comment_its_writer_sees(put_forward, panel_member, london_time):
    with london_time("2022-10-11"):
        letter = letter_send_back(letter=put_forward, by=panel_member, comment=f"  {COMMENT}\n")
    letter = Letter.objects.get(pk=letter.pk)
    assert (letter.status, letter.sent_back_comment, letter.sent_back_by) == ("draft", COMMENT, panel_member)
    assert letter.sent_back_at is not None
    assert letter.approved_by is None


def test_the_timeline_says_it_was_sent_back_but_keeps_no_comment(put_forward, panel_member):
    letter_send_back(letter=put_forward, by=panel_member, comment=COMMENT)
    event = TimelineEvent.objects.get(incident=put_forward.incident, kind=LetterEvent.SENT_BACK)
    assert (event.actor, event.summary, event.details) == (
        panel_member,
        "Letter sent back for changes",
        {"letter": put_forward.pk},
    )
    assert COMMENT not in str(event.details)


def test_its_writer_cannot_send_it_back(put_forward, secretariat):
    with pytest.raises(PermissionDenied, match="You wrote this letter"):
        letter_send_back(letter=put_forward, by=secretariat, comment=COMMENT)
    assert Letter.objects.get(pk=put_forward.pk).status == "awaiting_approval"


def test_it_needs_a_comment_within_its_limit(put_forward, panel_member):
    for comment in ("", "   ", "x" * (COMMENT_MAX_LENGTH + 1)):
        with pytest.raises(ValidationError) as error:
            letter_send_back(letter=put_forward, by=panel_member, comment=comment)
        assert "comment" in error.value.message_dict
    assert Letter.objects.get(pk=put_forward.pk).status == "awaiting_approval"


def test_only_a_letter_awaiting_approval_is_sent_back(response, put_forward, panel_member, secretariat):  # noqa: F811
    letter = letter_approve(letter=put_forward, by=panel_member)
    with pytest.raises(TransitionNotAllowed):
        letter_send_back(letter=letter, by=panel_member, comment=COMMENT)
    letter = letter_update(letter=letter, by=secretariat, subject="Our response")  # back to draft
    with pytest.raises(TransitionNotAllowed):
        letter_send_back(letter=letter, by=panel_member, comment=COMMENT)


def test_the_letter_goes_forward_again_and_is_approved_after_it_was_sent_back(put_forward, panel_member, secretariat):
    letter = letter_send_back(letter=put_forward, by=panel_member, comment=COMMENT)
    letter = letter_update(letter=letter, by=secretariat, subject="Our response to your rapid review")
    letter = letter_ask_for_approval(letter=letter, by=secretariat)
    letter = letter_approve(letter=letter, by=panel_member)
    assert letter.status == "approved"
    # The last comment stays with the letter, for whoever reads it next.
    assert letter.sent_back_comment == COMMENT


def test_on_the_api_as_on_the_page(put_forward, panel_member, secretariat, leeds_lead, analyst, client_for):
    url = f"/api/v1/letters/{put_forward.pk}/send-back/"
    assert client_for(analyst).post(url, {"comment": COMMENT}).status_code == 404
    assert client_for(leeds_lead).post(url, {"comment": COMMENT}).status_code == 404  # a draft does not exist
    refused = client_for(secretariat).post(url, {"comment": COMMENT})
    assert refused.status_code == 403
    assert "You wrote this letter" in refused.json()["detail"]
    assert client_for(panel_member).post(url, {}).status_code == 400
    assert client_for(panel_member).post(url, {"comment": COMMENT, "status": "draft"}).status_code == 400
    long = client_for(panel_member).post(url, {"comment": "x" * (COMMENT_MAX_LENGTH + 1)})
    assert long.status_code == 400

    sent_back = client_for(panel_member).post(url, {"comment": COMMENT})
    assert sent_back.status_code == 200, sent_back.content
    body = sent_back.json()
    assert (body["status"], body["sent_back_comment"], body["sent_back_by"]) == ("draft", COMMENT, panel_member.email)
    assert client_for(panel_member).post(url, {"comment": COMMENT}).status_code == 409
    # Its writer reads the comment on the API too.
    assert client_for(secretariat).get(f"/api/v1/letters/{put_forward.pk}/").json()["sent_back_comment"] == COMMENT


def test_the_case_authority_never_reads_the_comment_of_an_issued_letter(
    put_forward, panel_member, secretariat, leeds_lead, client_for
):
    from letters.services import letter_issue

    letter = letter_send_back(letter=put_forward, by=panel_member, comment=COMMENT)
    letter = letter_ask_for_approval(letter=letter, by=secretariat)
    letter = letter_issue(letter=letter_approve(letter=letter, by=panel_member), by=secretariat)
    seen = client_for(leeds_lead).get(f"/api/v1/letters/{letter.pk}/")
    assert seen.status_code == 200
    assert "sent_back_comment" not in seen.json()
    assert COMMENT not in seen.content.decode()
    listed = client_for(leeds_lead).get("/api/v1/letters/").content.decode()
    assert COMMENT not in listed
    case = client_for(leeds_lead).get(f"/api/v1/incidents/{letter.incident.reference}/").content.decode()
    assert COMMENT not in case
