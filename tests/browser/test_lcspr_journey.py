"""A partnership runs its local review in the browser: details, a pause, a recommendation, the final report and
publication, every page checked on the way."""

import datetime

import pytest
from playwright.sync_api import expect

from incidents.services import incident_create, incident_submit
from reviews.models import Lcspr
from reviews.services import rapid_review_send
from tests.conftest import case_values, rapid_review_values
from tests.documents import real_pdf

from .conftest import page_check, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def fill_date(page, day, within=None):
    scope = page.locator(within) if within else page
    scope.get_by_label("Day").fill(str(day.day))
    scope.get_by_label("Month").fill(str(day.month))
    scope.get_by_label("Year").fill(str(day.year))


def test_a_partnership_takes_a_local_review_to_publication(page, panel, leeds, leeds_notifier, leeds_lead, tmp_path):
    # `panel`: the rapid review's response deadline is the Panel's, and a transactional test may start without it.
    case = incident_submit(
        incident=incident_create(by=leeds_notifier, notifying_la=leeds, **case_values()),
        by=leeds_notifier,
        late_reason="Not known until later.",
    )
    # Sent today, the rapid review decides on a local review: the six-month clock starts today.
    rapid_review_send(incident=case, by=leeds_lead, **rapid_review_values())
    today = datetime.date.today()
    planned = today + datetime.timedelta(weeks=4)
    report = tmp_path / "final-report.pdf"
    report.write_bytes(real_pdf("Final report"))

    sign_in(page, leeds_lead)
    page_check(page, "home")
    page.goto(f"/cases/{case.reference}/")
    page_check(page, "case")
    page.get_by_role("button", name="Update the local review").click()
    page_check(page, "local-review")
    expect(page.get_by_role("heading", level=1)).to_have_text("Local review")
    expect(page.locator("#lcspr-status")).to_have_text("In progress")

    page.get_by_role("link", name="Change the lead reviewer").click()
    page_check(page, "details")
    page.get_by_label("Lead reviewer").fill("Dr Ada Reviewer")
    page.get_by_label("Terms of reference").fill("Safe sleep advice and information sharing.")
    page.get_by_role("button", name="Continue").click()
    page_check(page, "details-saved")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The review's details were saved.")
    expect(page.locator("#details")).to_contain_text("Dr Ada Reviewer")

    page.get_by_role("link", name="Change the planned publication date").click()
    page_check(page, "planned-publication")
    fill_date(page, planned)
    page.get_by_role("button", name="Continue").click()
    page_check(page, "planned-publication-saved")
    expect(page.locator("#deadlines")).to_contain_text("7 working days before the planned publication")

    page.get_by_role("button", name="Pause the review").click()
    page_check(page, "pause")
    page.get_by_role("button", name="Pause the review").click()
    page_check(page, "pause-errors")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select why the review is paused")
    page.get_by_label("Criminal proceedings").check()
    fill_date(page, today)
    page.get_by_label("Details").fill("A trial is listed for the spring.")
    page.get_by_role("button", name="Pause the review").click()
    page_check(page, "paused")
    expect(page.locator("#lcspr-status")).to_have_text("Paused")
    expect(page.locator("#pauses")).to_contain_text("Criminal proceedings")

    page.get_by_role("button", name="Resume the review").click()
    page_check(page, "resume")
    page.get_by_label("Why is the review resuming?").fill("The trial has ended.")
    page.get_by_role("button", name="Resume the review").click()
    page_check(page, "resumed")
    expect(page.locator("#lcspr-status")).to_have_text("In progress")
    expect(page.locator("#milestones")).to_contain_text("Review resumed: The trial has ended.")

    page.get_by_role("button", name="Add a recommendation").click()
    page_check(page, "recommendation")
    page.get_by_label("Recommendation").fill("Health visitors give safe sleep advice at every contact.")
    page.get_by_label("Organisation that owns it").fill("Leeds Community Healthcare")
    page.get_by_label("Role of the person who owns it").fill("Head of health visiting")
    fill_date(page, today + datetime.timedelta(weeks=26))
    page.get_by_label("How will its impact be evaluated?").fill("An audit of contacts.")
    page.get_by_role("button", name="Add the recommendation").click()
    page_check(page, "recommendation-added")
    expect(page.locator("#recommendations")).to_contain_text("Head of health visiting, Leeds Community Healthcare")

    page.get_by_role("button", name="Upload the final report").click()
    page_check(page, "final-report")
    page.get_by_label("Final report", exact=True).set_input_files(str(report))
    page.get_by_role("button", name="Upload the final report").click()
    page_check(page, "final-report-received")
    expect(page.locator("#lcspr-status")).to_have_text("Final report received")

    page.get_by_role("button", name="Record publication").click()
    page_check(page, "publication")
    fill_date(page, today)
    page.get_by_label("Link to the published review").fill("https://www.leedsscp.org.uk/reviews/child-a")
    page.get_by_role("button", name="Record publication").click()
    page_check(page, "published")

    review = Lcspr.objects.get(incident=case)
    assert (review.status, review.published_on, review.publication_url) == (
        Lcspr.Status.PUBLISHED,
        today,
        "https://www.leedsscp.org.uk/reviews/child-a",
    )
    expect(page.locator("#lcspr-status")).to_have_text("Published")
    expect(page.locator("#outcome")).to_contain_text("Published on")
    expect(page.locator("#actions")).to_have_count(0)
