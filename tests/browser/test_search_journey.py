"""Searching in the browser: a Panel member finds a case by a phrase written only inside its rapid review's
PDF and reads the passage; a partnership's search never shows another partnership's case."""

import csv
import io

import pytest
from playwright.sync_api import expect

from ..reviews.test_search_index import PHRASE, case_with_review, review_pdf
from .conftest import page_check, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_panel_member_finds_a_phrase_inside_a_pdf_and_reads_the_passage(
    page, leeds, leeds_notifier, leeds_lead, bradford, bradford_notifier, bradford_lead, panel_member
):
    leeds_case = case_with_review(
        leeds,
        leeds_notifier,
        leeds_lead,
        review_pdf("The health visitor saw the baby twice.", f"The {PHRASE} was not explained to anyone."),
    )
    case_with_review(bradford, bradford_notifier, bradford_lead, review_pdf("A fall from a climbing frame."))

    sign_in(page, panel_member)
    page_check(page, "home")
    page.goto("/search/")
    page_check(page, "search")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search cases")

    # Searching for nothing says what to do, linked to the box to type in.
    page.get_by_role("button", name="Search", exact=True).click()
    page_check(page, "search-empty")
    asked = page.locator(".govuk-error-summary").get_by_role("link", name="Enter words to search for")
    expect(asked).to_have_attribute("href", "#id_words")

    page.get_by_label("Words or phrase").fill(f'"{PHRASE}"')
    page.get_by_role("button", name="Search", exact=True).click()
    page_check(page, "search-results")
    expect(page.locator("#result-count")).to_have_text("1 case found")
    result = page.locator("#results li")
    expect(result).to_have_count(1)
    expect(result.get_by_role("link", name=leeds_case.reference)).to_be_visible()
    expect(result).to_contain_text("Leeds")
    expect(result.locator("mark").first).to_be_visible()
    expect(result).to_contain_text("was not explained to anyone")
    expect(page.get_by_label("Words or phrase")).to_have_value(f'"{PHRASE}"')

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert [row["Case reference"] for row in rows] == [leeds_case.reference]
    assert "bruising" in rows[0]["Matching passage"]

    result.get_by_role("link", name=leeds_case.reference).click()
    page_check(page, "case")
    expect(page.get_by_role("heading", level=1)).to_contain_text(leeds_case.reference)

    # Bradford's partnership searches for the same words and finds nothing of Leeds.
    sign_out(page)
    sign_in(page, bradford_lead)
    page.goto("/search/")
    page_check(page, "search-as-bradford")
    page.get_by_label("Words or phrase").fill("bruising")
    page.get_by_role("button", name="Search", exact=True).click()
    page_check(page, "search-as-bradford-results")
    expect(page.locator("#result-count")).to_have_text("0 cases found")
    expect(page.get_by_text("No cases match")).to_be_visible()
    expect(page.get_by_text(leeds_case.reference)).to_have_count(0)
