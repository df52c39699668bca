"""The Panel's secretariat in the browser: keying a notification that came by email, returning a rapid
review from the case page, and its queue's lists and the regional view, each page checked with axe-core."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import Incident
from incidents.services import incident_create, incident_key_offline, incident_submit
from reviews.models import RapidReview
from reviews.services import rapid_review_send
from tests.conftest import case_values, rapid_review_values
from tests.documents import real_pdf

from .conftest import page_check, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

RETURN_REASON = "Say what the health visitor found at the last visit, and what was done about it."


def days_ago(days):
    # The live server runs in real time: dates are relative to today.
    return timezone.localdate() - datetime.timedelta(days=days)


def fill_date(page, question, day):
    group = page.get_by_role("group", name=question)
    for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        group.get_by_label(part).fill(str(value))


def choose(page, question, answer):
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def test_the_secretariat_keys_an_offline_notification(page, tmp_path, panel, leeds, secretariat):
    original = tmp_path / "notification-email.pdf"
    original.write_bytes(real_pdf("Serious incident notification from Leeds"))

    sign_in(page, secretariat)
    page_check(page, "queue")
    expect(page.get_by_role("heading", level=1)).to_have_text("The Panel's queue")
    expect(page.locator("#count-chasers")).to_have_text("0")
    page.get_by_role("button", name="Key an offline notification").click()

    page_check(page, "local-authority")
    page.get_by_role("button", name="Continue").click()
    page_check(page, "local-authority-error")
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Select the local authority that sent the notification")).to_have_attribute(
        "href", "#id_local_authority"
    )
    page.get_by_label("Which local authority sent the notification?").select_option(label="Leeds")
    page.get_by_role("button", name="Continue").click()

    page_check(page, "received")
    expect(page.locator(".govuk-caption-l")).to_have_text("Key an offline notification: Leeds")
    choose(page, "How did the notification reach the Panel?", "Email")
    fill_date(page, "Date the Panel received it", days_ago(1))
    page.get_by_role("button", name="Continue").click()

    page_check(page, "dates")
    fill_date(page, "Date of the incident", days_ago(5))
    fill_date(page, "Date the local authority became aware of it", days_ago(4))
    page.get_by_role("button", name="Continue").click()

    page_check(page, "incident")
    choose(page, "Why did the local authority notify the Panel?", "Serious harm")
    choose(page, "Is abuse or neglect known or suspected?", "Suspected")
    choose(page, "Is this the death of a looked-after child?", "No")
    page.get_by_label("Outline of the case (optional)").fill("A baby was admitted to hospital with a head injury.")
    page.get_by_role("button", name="Continue").click()

    page_check(page, "child")
    page.get_by_label("Age at the time of the incident, in whole years (optional)").fill("0")
    choose(page, "Sex", "Male")
    page.get_by_role("button", name="Continue").click()

    page_check(page, "check")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator("main")).to_contain_text("A baby was admitted to hospital with a head injury.")
    # Change an answer, and come back to the check page.
    page.get_by_role("link", name="Change sex").click()
    page_check(page, "child-change")
    choose(page, "Sex", "Not recorded")
    page.get_by_role("button", name="Continue").click()
    page_check(page, "check-again")
    expect(page.locator("#child + .govuk-summary-list")).to_contain_text("Not recorded")

    # An email's original must be attached: the service says so on the file's field.
    page.get_by_role("button", name="Key the notification").click()
    page_check(page, "check-error")
    expect(page.locator(".govuk-error-summary").get_by_role("link")).to_have_attribute("href", "#id_offline_document")
    page.get_by_label("Attach the original notification").set_input_files(str(original))
    page.get_by_role("button", name="Key the notification").click()

    page_check(page, "keyed")
    incident = Incident.objects.get()
    expect(page.locator("#reference")).to_have_text(incident.reference)
    expect(page.locator("#confirmation")).to_contain_text(
        "Leeds has been asked to confirm the notification in the service within 5 working days"
    )
    assert (incident.channel, incident.offline_method, incident.status) == ("offline", "email", "notified")
    assert incident.awaits_confirmation
    assert incident.offline_document.read().startswith(b"%PDF")
    assert incident.notified_on == days_ago(1)

    page.get_by_role("link", name="Go to the case").click()
    page_check(page, "case")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {incident.reference}")

    page.goto("/")
    page_check(page, "queue-after")
    expect(page.locator("#count-chasers")).to_have_text("1")
    expect(page.locator("#chasers")).to_contain_text(incident.reference)


def test_the_secretariat_returns_a_rapid_review_from_the_case_page(
    page, panel, leeds, leeds_notifier, leeds_lead, secretariat
):
    case = incident_submit(
        incident=incident_create(by=leeds_notifier, notifying_la=leeds, **case_values()),
        by=leeds_notifier,
        late_reason="Not known to the authority until later.",
    )
    rapid_review_send(incident=case, by=leeds_lead, **rapid_review_values())

    sign_in(page, secretariat)
    page_check(page, "queue")
    expect(page.locator("#count-rapid-reviews")).to_have_text("1")
    page.locator("#rapid-reviews").get_by_role("link", name=case.reference).click()

    page_check(page, "case")
    page.locator("#actions").get_by_role("button", name="Return the rapid review").click()

    page_check(page, "return")
    expect(page.get_by_role("heading", level=1)).to_have_text("Return the rapid review")
    expect(page.locator("#id_resubmit_by-hint")).to_contain_text("Leave this blank for 10 working days from today")
    page.get_by_role("button", name="Return the rapid review").click()

    page_check(page, "return-error")
    expect(
        page.locator(".govuk-error-summary").get_by_role("link", name="Enter what more the Panel needs")
    ).to_have_attribute("href", "#id_reason")
    wanted_by = timezone.localdate() + datetime.timedelta(days=21)
    page.get_by_label("What more does the Panel need?").fill(RETURN_REASON)
    fill_date(page, "Date the Panel wants it by (optional)", wanted_by)
    page.get_by_role("button", name="Return the rapid review").click()

    page_check(page, "case-returned")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"The Panel wants it again by {wanted_by:%-d %B %Y}"
    )
    expect(page.locator("main")).to_contain_text(RETURN_REASON)
    expect(page.locator("#actions").get_by_role("button", name="Return the rapid review")).to_have_count(0)
    review = RapidReview.objects.get()
    assert (review.status, review.returned_reason) == ("returned", RETURN_REASON)
    assert review.versions.get().resubmit_by == wanted_by

    page.goto("/")
    page_check(page, "queue-after")
    expect(page.locator("#count-rapid-reviews")).to_have_text("0")


def test_the_queues_lists_and_the_regional_view(page, panel, leeds, bradford, leeds_notifier, leeds_lead, secretariat):
    case = incident_submit(
        incident=incident_create(by=leeds_notifier, notifying_la=leeds, **case_values()),
        by=leeds_notifier,
        late_reason="Not known to the authority until later.",
    )
    rapid_review_send(incident=case, by=leeds_lead, **rapid_review_values())
    keyed = incident_key_offline(
        by=secretariat,
        notifying_la=bradford,
        offline_method="phone",
        offline_received_on=days_ago(30),
        **case_values(),
    )

    sign_in(page, secretariat)
    page_check(page, "queue")
    for slug, shown in (
        ("rapid-reviews", case.reference),
        ("overdue", keyed.reference),
        ("chasers", keyed.reference),
        ("letters", None),
        ("failed-messages", None),
    ):
        page.goto(f"/queue/{slug}/")
        page_check(page, slug)
        if shown:
            expect(page.locator(f"#{slug}")).to_contain_text(shown)
        else:
            expect(page.locator("#row-count")).to_have_text("0 found")

    page.goto("/queue/overdue/")
    page.get_by_label("Kind of deadline").select_option(label="Rapid review")
    page.get_by_label("Sort by").select_option(label="Least overdue first")
    page.get_by_role("button", name="Apply").click()
    page_check(page, "overdue-filtered")
    expect(page.locator("#overdue")).to_contain_text(keyed.reference)
    expect(page.locator("#overdue")).not_to_contain_text(case.reference)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this list as CSV").click()
    assert download.value.suggested_filename.startswith("overdue-")

    page.goto("/regions/")
    page_check(page, "regions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Regions and local authorities")
    expect(page.locator("#england")).to_contain_text("2")
    page.get_by_label("Sort by").select_option(label="Most overdue deadlines first")
    page.get_by_role("button", name="Apply").click()
    page_check(page, "regions-sorted")
    assert re.search(r"sort=-overdue", page.url)
