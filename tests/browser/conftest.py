"""Browser tests: Playwright for Python driving Debian's Chromium against the live test server.

Every page a journey visits is checked as a person and an assistive technology would meet it
(`page_check`): a title naming the page and the service, one h1, a skip link, and no serious or
critical axe-core violation (axe-core from the npm registry, pinned in package-lock.json). A
screenshot of each page is kept under BROWSER_ARTIFACTS (var/test-artifacts/ by default), for CI to
keep as artefacts.

The live server needs a transactional database, which pytest-django empties after each test, rows the
migrations seed (the Panel, bank holidays) included: a journey that needs the Panel asks for the
`panel` fixture.

Chromium is Debian's `chromium` package (never a browser Playwright downloads). Without it these
tests are skipped, unless BROWSER_TESTS=required (as .ci/run sets), when its absence fails them.
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the test's thread; the tests' own database calls
# (fixtures, assertions) are synchronous and never run inside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", Path(settings.BASE_DIR) / "var" / "test-artifacts"))
SERVICE = "Child Safeguarding Practice Review Panel"
# The flags Chromium needs on a machine with no screen and a closed network.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERIOUS = {"serious", "critical"}


def _chromium_available():
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def browser():
    if not _chromium_available():
        if os.environ.get("BROWSER_TESTS") == "required":
            pytest.fail(f"Chromium is not at {CHROMIUM}: install Debian's chromium package.")
        pytest.skip(f"Chromium is not at {CHROMIUM} (Debian's chromium package); set BROWSER_TESTS=required to fail.")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make install` installs axe-core from the npm registry.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context (no cookies) on the live server; a screenshot is kept if the test fails."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(15_000)
    # axe-core is put into every page before its own scripts by Playwright, not by an inline script,
    # which the content security policy would refuse.
    context.add_init_script(path=str(AXE))
    tab = context.new_page()
    tab.visited = []
    tab.refused = []
    tab.on("console", lambda message: _note_refusal(tab, message))
    tab.artifacts = ARTIFACTS / "screenshots" / re.sub(r"[^\w.-]+", "-", request.node.name)
    shutil.rmtree(tab.artifacts, ignore_errors=True)
    tab.artifacts.mkdir(parents=True)
    yield tab
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        tab.screenshot(path=str(tab.artifacts / "failure.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _note_refusal(page, message):
    """A console error about the content security policy: something the page needs was refused."""
    if message.type == "error" and "Content Security Policy" in message.text:
        page.refused.append(message.text)


def sign_in(page, user, password=None):
    """Sign in through the sign-in page, as a person does; lands on their home page.

    A person who needs a second factor types the code their authenticator app shows: the app is set up for
    them in the database if they have none (tests/browser/test_two_factor.py sets one up through the pages).
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from organisations.rules import needs_second_factor
    from tests.factories import PASSWORD

    device = None
    if needs_second_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    page.goto("/sign-in/")
    page_check(page, "sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password or PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        page.wait_for_url(re.compile(r".*/sign-in/code/"))
        page_check(page, "two-factor-code")
        page.get_by_label("Code", exact=True).fill(app_code(device))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url and url.endswith("/"))
    assert "/sign-in/" not in page.url


def app_code(device):
    """The code the person's authenticator app shows, as the phone computes it (django_otp.oath.TOTP).

    A code is accepted once, so a person signing in again within the same 30 seconds waits for the next.
    """
    import time

    from django_otp.oath import TOTP

    device.refresh_from_db()
    while True:
        now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        wanted = max(now.t(), device.last_t + 1)
        if wanted <= now.t() + device.tolerance:
            break
        time.sleep(1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = device.t0 + wanted * device.step + 1
    return f"{totp.token():0{device.digits}d}"


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/sign-in/$"))


def page_check(page, name):
    """What every page must be: title, one h1, a skip link, no serious axe violation. Keeps a screenshot.

    A click that submits a form returns before the next page has loaded: wait until nothing is in flight
    and the page is complete, so the page checked is the one the click led to.
    """
    page.wait_for_load_state("networkidle")
    page.wait_for_function("document.readyState === 'complete' && document.title.length > 0")
    title = page.title()
    assert re.fullmatch(rf"(Error: )?.+ – {re.escape(SERVICE)} – GOV\.UK", title), title
    assert page.locator("h1").count() == 1, f"{page.url}: {page.locator('h1').count()} h1 elements"
    skip = page.locator("a.govuk-skip-link")
    assert skip.count() == 1 and skip.get_attribute("href") == "#main-content"
    assert page.locator("#main-content").count() == 1

    assert not page.refused, f"{page.url}: the content security policy refused {page.refused}"
    results = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}
        })"""
    )
    serious = [v for v in results["violations"] if v["impact"] in SERIOUS]
    page.visited.append((name, page.url, title))
    page.screenshot(path=str(page.artifacts / f"{len(page.visited):02d}-{name}.png"), full_page=True)
    found = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]]) for v in serious]
    assert not serious, f"{page.url}: axe found {json.dumps(found, indent=1)}"
    return results
