"""A partnership's rapid review in the browser: sent, returned by the Panel, and sent again."""

import re

import pytest
from playwright.sync_api import expect

from incidents.services import incident_create, incident_submit
from reviews.models import RapidReviewVersion
from reviews.services import rapid_review_return
from tests.conftest import case_values
from tests.documents import real_pdf

from .conftest import page_check, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

RETURN_REASON = "Say more about the health visitor's last contact with the family."


def fill_the_review(page, pdf, *, completed="3 10 2022"):
    page.get_by_label("Upload the rapid review").set_input_files(str(pdf))
    completed_on = page.get_by_role("group", name="Date the rapid review was completed")
    for part, value in zip(("Day", "Month", "Year"), completed.split(), strict=True):
        completed_on.get_by_label(part).fill(value)


def test_a_partnership_sends_a_rapid_review_has_it_returned_and_sends_it_again(
    page, tmp_path, leeds, leeds_notifier, leeds_lead, secretariat
):
    case = incident_submit(
        incident=incident_create(by=leeds_notifier, notifying_la=leeds, **case_values()),
        by=leeds_notifier,
        late_reason="Not known to the authority until later.",
    )
    pdf = tmp_path / "rapid-review.pdf"
    pdf.write_bytes(real_pdf())

    sign_in(page, leeds_lead)
    page_check(page, "home")
    page.locator("#deadlines").get_by_role("link", name=f"Rapid review: {case.reference}").click()
    page_check(page, "case")
    page.locator("#actions").get_by_role("button", name="Send the rapid review").click()
    page_check(page, "send")
    expect(page.get_by_role("heading", level=1)).to_have_text("Send the rapid review")
    expect(page.locator("#deadline")).to_contain_text("The rapid review is due by")

    # The reason comes from the notification; its likely cause is chosen from the reason's own list.
    expect(page.get_by_role("radio", name="Serious harm")).to_be_checked()
    fill_the_review(page, pdf)
    page.get_by_label("Likely cause of the serious harm").select_option(label="Non-fatal assault: intrafamilial")
    page.get_by_role("radio", name="A local review is required").check()
    page.get_by_label("Lines of enquiry for the local review").fill("Information sharing between agencies.")
    page.get_by_role("group", name="Does the partnership recommend a national review?").get_by_label("No").check()
    page.get_by_label("Whole-family approach to risk").check()
    page.get_by_role("button", name="Send the rapid review").click()

    # The reasons were left out: the file is not kept, and the page says to choose it again.
    page_check(page, "send-error")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the file again")
    expect(summary.get_by_role("link", name=re.compile("Enter the reasons"))).to_have_attribute(
        "href", "#id_lcspr_rationale"
    )
    expect(page.get_by_label("Lines of enquiry for the local review")).to_have_value(
        "Information sharing between agencies."
    )
    page.get_by_label("Upload the rapid review").set_input_files(str(pdf))
    page.get_by_label("Reasons for the decision on a local review").fill("Learning for every agency involved.")
    page.get_by_role("button", name="Send the rapid review").click()

    page_check(page, "review")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Rapid review sent to the Panel (version 1)"
    )
    expect(page.locator("#versions")).to_contain_text("Download version 1")

    rapid_review_return(incident=case, by=secretariat, reason=RETURN_REASON)
    page.reload()
    page_check(page, "review-returned")
    expect(page.locator("#returned-reason")).to_have_text(RETURN_REASON)
    page.get_by_role("button", name="Send the rapid review again").click()

    page_check(page, "send-again")
    expect(page.get_by_role("heading", level=1)).to_have_text("Send the rapid review again")
    expect(page.locator("#returned")).to_contain_text(RETURN_REASON)
    expect(page.get_by_label("Reasons for the decision on a local review")).to_have_value(
        "Learning for every agency involved."
    )
    fill_the_review(page, pdf, completed="10 10 2022")
    page.get_by_label("Learning identified").fill("The last health visit was missed and not followed up.")
    page.get_by_role("button", name="Send the rapid review again").click()

    page_check(page, "review-again")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("(version 2)")
    expect(page.locator("#versions")).to_contain_text("Download version 2")
    assert list(RapidReviewVersion.objects.order_by("number").values_list("number", flat=True)) == [1, 2]
