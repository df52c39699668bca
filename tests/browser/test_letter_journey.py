"""The Panel's letters in the browser: drafted by the secretariat, approved by a member (never by its writer),
issued, and read by the partnership on its case page; and sent back with a comment. Every page checked."""

import re

import pytest
from playwright.sync_api import expect

from incidents.services import incident_create, incident_submit
from letters import rendering
from letters.models import Letter
from letters.services import letter_ask_for_approval, letter_draft, letter_update
from reviews.services import rapid_review_send
from tests.conftest import case_values, rapid_review_values

from .conftest import page_check, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)

COMMENT = "Say more about the health visitor's last contact with the family."


def reviewed_case(leeds, leeds_notifier, leeds_lead):
    """A Leeds case whose partnership has sent its rapid review (a local review is required)."""
    case = incident_submit(
        incident=incident_create(by=leeds_notifier, notifying_la=leeds, **case_values()),
        by=leeds_notifier,
        late_reason="Not known until later.",
    )
    rapid_review_send(incident=case, by=leeds_lead, **rapid_review_values(practice_themes=["whole_family"]))
    return case


def sentences(panel_position="agree", national_review="not_needed"):
    return rendering.decision_sentences(
        lcspr_decision="required", panel_position=panel_position, national_review=national_review
    )


def put_forward_by(secretariat, case):
    """A response drafted, decided and put forward by the secretariat, through the services."""
    version = case.rapid_review.versions.get()
    letter = letter_draft(
        incident=case, by=secretariat, kind=Letter.Kind.RAPID_REVIEW_RESPONSE, rapid_review_version=version
    )
    letter = letter_update(
        letter=letter,
        by=secretariat,
        panel_position="agree",
        national_review="not_needed",
        body_markdown=letter.body_markdown + "\n\n" + "\n\n".join(sentences()),
    )
    return letter_ask_for_approval(letter=letter, by=secretariat)


def fetched_pdf(page, href, disposition):
    """A PDF link followed with the person's session: a PDF, shown inline or downloaded as asked."""
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith(disposition)
    assert response.body().startswith(b"%PDF-")


def test_the_secretariat_drafts_a_response_a_member_approves_it_it_is_issued_and_the_lead_reads_it(
    page, panel, leeds, leeds_notifier, leeds_lead, secretariat, panel_member
):
    case = reviewed_case(leeds, leeds_notifier, leeds_lead)

    # The secretariat drafts the response from the case page.
    sign_in(page, secretariat)
    page_check(page, "home")
    page.goto(f"/cases/{case.reference}/")
    page_check(page, "case")
    page.locator("#actions").get_by_role("button", name="Draft a letter").click()
    page_check(page, "compose")
    page.get_by_role("button", name="Draft the letter").click()
    page_check(page, "compose-error")
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Select the kind of letter")).to_have_attribute("href", "#id_kind")
    page.get_by_label("Response to a rapid review").check()
    expect(page.get_by_label("If it responds to a rapid review: which version does it answer?")).to_have_value("1")
    page.get_by_role("button", name="Draft the letter").click()

    page_check(page, "letter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Response to a rapid review")
    expect(page.locator("#letter-status")).to_have_text("Draft")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Letter drafted from its template")
    letter = Letter.objects.get(incident=case)

    # Put forward before the decision is recorded: the service says what is missing.
    page.get_by_role("button", name="Save and ask for approval").click()
    page_check(page, "letter-no-decision")
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name=re.compile("Record whether the Panel agrees"))).to_have_attribute(
        "href", "#id_panel_position"
    )
    expect(summary.get_by_role("link", name=re.compile("national review"))).to_have_attribute(
        "href", "#id_national_review"
    )

    # The decision first; then the text says it.
    page.get_by_label("The Panel agrees").check()
    page.get_by_role("group", name="What has the Panel decided about a national review?").get_by_label(
        "Not needed"
    ).check()
    page.get_by_label("Commended").check()
    page.get_by_role("button", name="Save the letter").click()
    page_check(page, "letter-decided")
    expect(page.locator("#decision-sentences")).to_contain_text(sentences()[0])
    text = page.get_by_label("Text of the letter")
    text.fill(text.input_value() + "\n\n" + "\n\n".join(sentences()))

    # The preview opens in the browser, not as a download.
    fetched_pdf(page, page.locator("#preview").get_attribute("href"), "inline")

    page.get_by_role("button", name="Save and ask for approval").click()
    page_check(page, "letter-put-forward")
    expect(page.locator("#letter-status")).to_have_text("Awaiting approval")
    expect(page.get_by_role("button", name="Approve the letter")).to_have_count(0)
    sign_out(page)

    # A member finds it among the letters awaiting their approval, and approves it.
    sign_in(page, panel_member)
    page_check(page, "member-home")
    page.goto("/letters/awaiting-approval/")
    page_check(page, "awaiting-approval")
    page.locator("#letters").get_by_role("link", name=letter.subject).click()
    page_check(page, "member-letter")
    expect(page.locator("#letter-text")).to_contain_text(sentences()[0])
    fetched_pdf(page, page.locator("#preview").get_attribute("href"), "inline")
    page.get_by_role("button", name="Approve the letter").click()
    page_check(page, "approved")
    expect(page.locator("#letter-status")).to_have_text("Approved")
    expect(page.get_by_role("button", name="Issue the letter")).to_have_count(0)  # the secretariat issues
    sign_out(page)

    # The secretariat issues it.
    sign_in(page, secretariat)
    page.goto(f"/letters/{letter.pk}/")
    page_check(page, "to-issue")
    page.get_by_role("button", name="Issue the letter").click()
    page_check(page, "issued")
    expect(page.locator("#letter-status")).to_have_text("Issued")
    fetched_pdf(page, page.locator("#letter-pdf").get_attribute("href"), "attachment")
    sign_out(page)

    # The partnership's lead reads it on the case page.
    sign_in(page, leeds_lead)
    page.goto(f"/cases/{case.reference}/")
    page_check(page, "lead-case")
    link = page.locator("#letters").get_by_role("link", name=f"{letter.subject} (PDF)")
    expect(link).to_be_visible()
    fetched_pdf(page, link.get_attribute("href"), "attachment")
    sign_out(page)

    # The member's lists now count the case's practice theme and the national review decision.
    sign_in(page, panel_member)
    page.goto("/practice-themes/")
    page_check(page, "practice-themes")
    page.locator("#theme-counts").get_by_role("link", name="Whole-family approach to risk").click()
    page_check(page, "practice-theme-cases")
    expect(page.locator("#cases")).to_contain_text(case.reference)
    page.goto("/national-reviews/")
    page_check(page, "national-reviews")
    expect(page.locator("#cases")).to_contain_text(case.reference)
    expect(page.locator("#cases")).to_contain_text("Not needed")


def test_the_drafter_cannot_approve_their_own_letter_in_the_browser(
    page, panel, leeds, leeds_notifier, leeds_lead, secretariat
):
    case = reviewed_case(leeds, leeds_notifier, leeds_lead)
    letter = put_forward_by(secretariat, case)

    sign_in(page, secretariat)
    page_check(page, "home")
    page.goto(f"/letters/{letter.pk}/")
    page_check(page, "own-letter")
    expect(page.locator("#letter-status")).to_have_text("Awaiting approval")
    expect(page.get_by_role("button", name="Approve the letter")).to_have_count(0)
    expect(page.get_by_role("button", name="Send it back with a comment")).to_have_count(0)
    # Nor is it among the letters awaiting their approval.
    page.goto("/letters/awaiting-approval/")
    page_check(page, "nothing-to-approve")
    expect(page.locator("#count")).to_have_text("No letter written by someone else is waiting for approval.")
    assert Letter.objects.get(pk=letter.pk).status == "awaiting_approval"


def test_a_member_sends_a_letter_back_with_a_comment_and_its_writer_sees_it(
    page, panel, leeds, leeds_notifier, leeds_lead, secretariat, panel_member
):
    case = reviewed_case(leeds, leeds_notifier, leeds_lead)
    letter = put_forward_by(secretariat, case)

    sign_in(page, panel_member)
    page.goto(f"/letters/{letter.pk}/")
    page_check(page, "letter")
    page.get_by_role("button", name="Send it back with a comment").click()
    page_check(page, "send-back")
    page.get_by_role("button", name="Send it back").click()
    page_check(page, "send-back-error")
    expect(page.locator(".govuk-error-summary").get_by_role("link")).to_have_attribute("href", "#id_comment")
    page.get_by_label("What should change?").fill(COMMENT)
    page.get_by_role("button", name="Send it back").click()
    page_check(page, "sent-back")
    expect(page.locator("#letter-status")).to_have_text("Draft")
    sign_out(page)

    sign_in(page, secretariat)
    page.goto(f"/cases/{case.reference}/")
    page_check(page, "case")
    page.locator("#letters").get_by_role("link", name=letter.subject).click()
    page_check(page, "writer-letter")
    expect(page.locator("#sent-back")).to_contain_text(COMMENT)
    expect(page.locator("#sent-back")).to_contain_text(panel_member.email)
    expect(page.get_by_role("button", name="Save and ask for approval")).to_be_visible()
