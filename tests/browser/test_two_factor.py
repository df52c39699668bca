"""Two-factor authentication in the browser: a Panel secretary sets up an authenticator app at first sign-in,
keeps the recovery codes, and signs in again with a code; a local authority notifier turns it on by choice."""

import base64
import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import PASSWORD

from .conftest import app_code, page_check, sign_out

pytestmark = pytest.mark.django_db(transaction=True)


def phone_code(key_as_shown):
    """What an authenticator app shows for a key typed into it from the page (base32, in groups)."""
    key = base64.b32decode(key_as_shown.replace(" ", ""))
    return f"{TOTP(key).token():06d}"


def password_step(page, user):
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def set_up_app(page):
    """On the set-up page: type the key into the app, type its code into the page, keep the recovery codes."""
    page_check(page, "two-factor-set-up")
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    key = page.locator("#key").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", key)

    page.get_by_label("Code from your authenticator app").fill("000")
    page.get_by_role("button", name="Continue").click()
    page_check(page, "two-factor-set-up-error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code must be 6 digits")

    page.get_by_label("Code from your authenticator app").fill(phone_code(key))
    page.get_by_role("button", name="Continue").click()
    page_check(page, "two-factor-recovery-codes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor authentication is set up")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    return key, codes


def test_a_panel_secretary_sets_up_an_app_at_first_sign_in_and_signs_in_with_it(page, secretariat):
    password_step(page, secretariat)
    expect(page).to_have_url(re.compile(r"/two-factor/set-up/\?next=%2F$"))
    expect(page.get_by_role("link", name="Cases")).to_have_count(0)  # nowhere else to go yet
    page.goto("/cases/")
    expect(page).to_have_url(re.compile(r"/two-factor/set-up/\?next=%2Fcases%2F$"))

    _key, codes = set_up_app(page)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/cases/$"))
    page_check(page, "cases")

    page.get_by_role("link", name="Two-factor authentication").click()
    page_check(page, "two-factor")
    expect(page.locator("#codes-left")).to_have_text("You have 10 unused recovery codes.")
    sign_out(page)

    # Next time: the password, then the code the app shows.
    password_step(page, secretariat)
    expect(page).to_have_url(re.compile(r"/sign-in/code/\?next=%2F$"))
    page_check(page, "two-factor-code")
    page.get_by_label("Code", exact=True).fill("123")
    page.get_by_role("button", name="Continue").click()
    page_check(page, "two-factor-code-error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the 6-digit code")
    page.get_by_label("Code", exact=True).fill(app_code(TOTPDevice.objects.get(user=secretariat)))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The Panel's queue")
    sign_out(page)

    # Without the phone: a recovery code, once.
    password_step(page, secretariat)
    page.get_by_text("I do not have my phone").click()
    page.get_by_label("Code", exact=True).fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page_check(page, "home-after-recovery-code")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You used a recovery code. You have 9 left")


def test_a_notifier_turns_two_factor_authentication_on(page, leeds_notifier):
    from .conftest import sign_in

    sign_in(page, leeds_notifier)
    page.get_by_role("link", name="Two-factor authentication").click()
    page_check(page, "two-factor-off")
    expect(page.locator("#status")).to_contain_text("Two-factor authentication is off")
    page.get_by_role("button", name="Set up two-factor authentication").click()
    set_up_app(page)
    page.get_by_role("button", name="Continue").click()
    sign_out(page)

    password_step(page, leeds_notifier)
    expect(page).to_have_url(re.compile(r"/sign-in/code/\?next=%2F$"))
