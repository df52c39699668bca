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

    page.goto("/api/docs/")  # Swagger UI's script is a file: the policy refuses nothing
    expect(page.locator(".swagger-ui")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert not page.refused, page.refused

    page.goto("/")
    sign_out(page)
    sign_in(page, bradford_notifier)
    response = page.goto(f"/cases/{case.reference}/")
    assert response.status == 404
    page_check(page, "not-found")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_pages_work_without_javascript(browser, live_server, leeds, leeds_notifier):
    """Progressive enhancement only: with JavaScript off a person signs in, starts a notification (its
    errors shown by the server), filters their cases and signs out."""
    from tests.factories import PASSWORD

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/sign-in/")
        page.get_by_label("Email address").fill(leeds_notifier.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your work")

        page.get_by_role("button", name="Notify the Panel of a serious incident").click()
        page.get_by_role("button", name="Save and continue").click()
        expect(page).to_have_title(re.compile(r"^Error: "))
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        page.locator("#id_incident_date-day").fill("10")
        page.locator("#id_incident_date-month").fill("9")
        page.locator("#id_incident_date-year").fill("2022")
        page.locator("#id_la_aware_date-day").fill("12")
        page.locator("#id_la_aware_date-month").fill("9")
        page.locator("#id_la_aware_date-year").fill("2022")
        page.get_by_role("button", name="Save and continue").click()
        expect(page.locator(".govuk-notification-banner")).to_be_visible()

        page.goto("/cases/?status=draft")
        expect(page.locator("#case-count")).to_have_text("1 case")
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(re.compile(r"/sign-in/$"))
    finally:
        context.close()
