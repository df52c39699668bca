"""The pages every person meets: sign in, their work, their cases, a case, tokens, and a case of another
authority's, which is not found."""

import re

import pytest
from playwright.sync_api import expect

from incidents.services import incident_create, incident_submit
from tests.conftest import case_values

from .conftest import page_check, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_home_cases_case_tokens_and_another_authoritys_case(page, leeds, leeds_notifier, bradford_notifier):
    case = incident_submit(
        incident=incident_create(by=leeds_notifier, notifying_la=leeds, **case_values()),
        by=leeds_notifier,
        late_reason="Late for the test.",
    )

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    page.get_by_role("button", name="Sign in").click()
    page_check(page, "sign-in-empty")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter your email address")
    expect(summary.get_by_role("link", name="Enter your email address")).to_have_attribute("href", "#id_username")

    sign_in(page, leeds_notifier)
    page_check(page, "home")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")
    expect(page.locator("main")).to_contain_text("Your organisations have no open deadlines.")
    expect(page.locator("#recent-cases")).to_contain_text(case.reference)

    page.get_by_role("link", name="Cases", exact=True).click()
    page_check(page, "cases")
    expect(page.locator("#cases")).to_contain_text(case.reference)
    page.get_by_label("Case reference").fill("CSPR-1999")
    page.get_by_role("button", name="Apply filters").click()
    page_check(page, "cases-filtered")
    expect(page.locator("#case-count")).to_have_text("0 cases")

    page.goto(f"/cases/{case.reference}/")
    page_check(page, "case")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    expect(page.locator("#actions")).to_contain_text("Withdraw the notification")

    page.get_by_role("link", name="API tokens").click()
    page_check(page, "tokens")
    page.get_by_role("button", name="Create a token").click()
    page_check(page, "token-created")
    token = page.locator("#token").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", token)
    page.get_by_role("link", name="Back to your tokens").click()
    expect(page.locator("#tokens")).to_contain_text(token[:8])
    page.get_by_role("button", name=re.compile("Revoke")).click()
    page_check(page, "token-revoked")
    expect(page.locator("body")).to_contain_text("You have no tokens.")

    for name, link in (("accessibility", "Accessibility statement"), ("privacy", "Privacy notice")):
        page.get_by_role("link", name=link).click()
        page_check(page, name)

    sign_out(page)
    sign_in(page, bradford_notifier)
    response = page.goto(f"/cases/{case.reference}/")
    assert response.status == 404
    page_check(page, "not-found")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
