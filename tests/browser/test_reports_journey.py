"""An analyst reads the national statistics: tables and charts for a period, each page checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from incidents.services import incident_create, incident_submit
from reviews.services import rapid_review_send
from tests.conftest import case_values, rapid_review_values

from .conftest import page_check, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_analyst_reads_the_statistics_for_a_period(page, panel, leeds, leeds_notifier, leeds_lead, analyst):
    case = incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())
    incident_submit(incident=case, by=leeds_notifier, late_reason="Known late.")
    rapid_review_send(incident=case, by=leeds_lead, **rapid_review_values())

    sign_in(page, analyst)
    page_check(page, "home")
    page.get_by_role("link", name="Statistics").click()
    page_check(page, "statistics-default")
    expect(page.get_by_role("heading", level=1)).to_have_text("National statistics")

    for part, value in (("day", "1"), ("month", "4"), ("year", "2022")):
        page.locator(f"#id_period_from-{part}").fill(value)
    for part, value in (("day", "31"), ("month", "3"), ("year", "2023")):
        page.locator(f"#id_period_to-{part}").fill(value)
    page.get_by_role("button", name="Show the figures").click()
    page_check(page, "statistics-2022-23")
    expect(page.locator("#period")).to_contain_text("1 notification")
    expect(page.locator("#notifications_by_month svg[role=img]")).to_have_count(1)

    with page.expect_download() as download:
        page.locator("#notifications_by_reason").get_by_role("link", name=re.compile("Download this table")).click()
    assert download.value.suggested_filename == "notifications_by_reason-2022-04-01-to-2023-03-31.csv"

    page.locator("#id_period_to-month").fill("13")
    page.get_by_role("button", name="Show the figures").click()
    page_check(page, "statistics-error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("To must be a real date")
