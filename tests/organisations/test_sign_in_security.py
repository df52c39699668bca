"""Signing in securely: two-factor authentication, lockout after wrong passwords, idle sessions, expiring API
tokens and the API's rate limits (issue 13)."""

import base64
import datetime
import re

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

from organisations.middleware import SECOND_FACTOR_REQUIRED
from organisations.models import User
from organisations.services import api_token_create
from tests.factories import PASSWORD, UserFactory
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

SET_UP = "/two-factor/set-up/"
VERIFY = "/sign-in/code/"
START = datetime.datetime(2024, 3, 4, 9, 0, tzinfo=datetime.UTC)


def code_from(device, at=None):
    """The code the person's authenticator app shows now (or at `at`, a Unix time), as a phone computes it."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def password_only(user):
    """A client that has given the right password and nothing more."""
    client = Client()
    response = client.post("/sign-in/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client, response


def set_up_app(client):
    """Set up an authenticator app as a person does: open the page, read the key into the app, type its code."""
    page = client.get(SET_UP)
    assert page.status_code == 200
    key = re.search(r'<code id="key"[^>]*>([A-Z2-7 ]+)</code>', page.content.decode()).group(1)
    device = TOTPDevice.objects.get(user=page.wsgi_request.user, confirmed=False)
    assert key.replace(" ", "") == base64.b32encode(device.bin_key).decode()
    response = client.post(SET_UP, {"code": code_from(device)})
    assert response.status_code == 200
    codes = re.findall(r'<code class="app-token">([a-z2-7]{8})</code>', response.content.decode())
    return device, codes


@pytest.fixture
def administrator(db):
    return UserFactory(email="admin@csprp.example.org", is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(email="super@csprp.example.org", is_staff=True, is_superuser=True)


# Two-factor authentication -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["secretariat", "panel_member", "analyst", "administrator", "superuser"])
def test_it_keeps_panel_people_and_administrators_from_everything_until_they_set_up_an_app(request, who, notified):
    person = request.getfixturevalue(who)
    client, response = password_only(person)
    assert response["Location"] == f"{SET_UP}?next=%2F"

    for url in ("/", "/cases/", f"/cases/{notified.reference}/", "/api-tokens/", "/two-factor/", "/admin/"):
        refused = client.get(url)
        assert refused.status_code == 302, url
        assert refused["Location"].startswith(f"{SET_UP}?next="), url
    api = client.get("/api/v1/incidents/")
    assert api.status_code == 403
    assert api.json() == {"detail": SECOND_FACTOR_REQUIRED}
    assert client.post("/api-tokens/").status_code == 302  # no token without a second factor
    assert not person.auth_token_set.exists()

    device, codes = set_up_app(client)
    assert TOTPDevice.objects.get(user=person).pk == device.pk and device.user_id == person.pk
    assert len(codes) == len(set(codes)) == 10
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_the_set_up_page_shows_a_qr_code_and_the_key_with_no_inline_script_or_style(secretariat):
    client, _ = password_only(secretariat)
    page = client.get(SET_UP).content.decode()
    qr_code = re.search(r'<img src="(data:image/svg\+xml;charset=utf-8,%3Csvg[^"]+)" alt="([^"]+)"', page)
    assert qr_code and qr_code.group(2) == "QR code to scan with your authenticator app"
    assert re.search(r'<code id="key" class="app-token">([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>', page)
    assert "<script>" not in page and "style=" not in page
    assert "The Panel" not in page  # the navigation is hidden until the code is given
    assert "Sign out" in page


def test_a_panel_person_with_an_app_is_asked_for_a_code_and_then_taken_where_they_were_going(secretariat, notified):
    device = TOTPDevice.objects.create(user=secretariat, name="Phone", confirmed=True)
    client = Client()
    case_url = f"/cases/{notified.reference}/"
    response = client.post(f"/sign-in/?next={case_url}", {"username": secretariat.email, "password": PASSWORD})
    assert response["Location"] == f"{VERIFY}?next={case_url.replace('/', '%2F')}"
    assert client.get(case_url)["Location"].startswith(VERIFY)
    assert client.get(SET_UP)["Location"].startswith(VERIFY)  # a new app needs a code from the old one first

    page = client.get(response["Location"])
    assert b"Enter the code from your authenticator app" in page.content
    assert client.post(VERIFY, {"code": "12345", "next": case_url}).status_code == 400
    response = client.post(VERIFY, {"code": code_from(device), "next": case_url})
    assert response.status_code == 302 and response["Location"] == case_url
    assert client.get(case_url).status_code == 200


def test_it_never_sends_a_person_elsewhere_after_the_code(secretariat):
    device = TOTPDevice.objects.create(user=secretariat, name="Phone", confirmed=True)
    client, _ = password_only(secretariat)
    response = client.post(VERIFY, {"code": code_from(device), "next": "https://evil.example.com/"})
    assert response["Location"] == "/"


def test_a_local_authority_person_may_set_up_an_app_and_is_then_asked_for_it(leeds_notifier):
    client, response = password_only(leeds_notifier)
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200  # not required of them
    page = client.get("/two-factor/")
    assert b"Two-factor authentication is off" in page.content

    set_up_app(client)
    assert b"Two-factor authentication is on" in client.get("/two-factor/").content
    assert b"You have 10 unused recovery codes" in client.get("/two-factor/").content

    client.post("/sign-out/")
    client, response = password_only(leeds_notifier)
    assert response["Location"] == f"{VERIFY}?next=%2F"
    assert client.get("/")["Location"] == f"{VERIFY}?next=%2F"
    assert client.get("/api/v1/me/").status_code == 403


def test_wrong_codes_are_throttled_more_with_each_one(secretariat):
    with time_machine.travel(START, tick=False) as traveller:
        device = TOTPDevice.objects.create(user=secretariat, name="Phone", confirmed=True)
        client, _ = password_only(secretariat)
        wrong = f"{(int(code_from(device)) + 1) % 1_000_000:06d}"
        assert client.post(VERIFY, {"code": wrong}).status_code == 400

        # Straight after a wrong code, even the right one is not checked.
        refused = client.post(VERIFY, {"code": code_from(device)})
        assert refused.status_code == 429
        assert b"Too many wrong codes" in refused.content
        assert client.get("/").status_code == 302

        # Each wrong code doubles the wait: after 10 in a row, 2^9 seconds.
        for _ in range(9):
            traveller.shift(datetime.timedelta(minutes=5))
            client.post(VERIFY, {"code": f"{(int(code_from(device)) + 1) % 1_000_000:06d}"})
        device.refresh_from_db()
        assert device.throttling_failure_count == 10
        traveller.shift(datetime.timedelta(seconds=511))
        assert client.post(VERIFY, {"code": code_from(device)}).status_code == 429
        traveller.shift(datetime.timedelta(seconds=31))
        response = client.post(VERIFY, {"code": code_from(device)})
        assert response.status_code == 302
        assert client.get("/").status_code == 200


def test_a_code_works_once(secretariat):
    with time_machine.travel(START, tick=False):
        device = TOTPDevice.objects.create(user=secretariat, name="Phone", confirmed=True)
        first, _ = password_only(secretariat)
        code = code_from(device)
        assert first.post(VERIFY, {"code": code}).status_code == 302
        second, _ = password_only(secretariat)
        assert second.post(VERIFY, {"code": code}).status_code == 400


def test_a_recovery_code_works_once_only(secretariat):
    client, _ = password_only(secretariat)
    _device, codes = set_up_app(client)

    with_phone_lost, _ = password_only(secretariat)
    response = with_phone_lost.post(VERIFY, {"code": codes[3].upper()}, follow=True)
    assert response.status_code == 200
    assert b"You used a recovery code. You have 9 left" in response.content

    again, _ = password_only(secretariat)
    assert again.post(VERIFY, {"code": codes[3]}).status_code == 400
    assert again.get("/").status_code == 302


def test_new_recovery_codes_replace_the_old(secretariat):
    client, _ = password_only(secretariat)
    _device, old_codes = set_up_app(client)
    response = client.post("/two-factor/recovery-codes/")
    new_codes = re.findall(r'<code class="app-token">([a-z2-7]{8})</code>', response.content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]

    later, _ = password_only(secretariat)
    assert later.post(VERIFY, {"code": old_codes[0]}).status_code == 400
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=2)):
        # Once the second that a wrong code costs has passed.
        assert later.post(VERIFY, {"code": new_codes[0]}).status_code == 302


def test_an_administrator_resets_a_lost_phone(admin_client, secretariat):
    client, _ = password_only(secretariat)
    set_up_app(client)
    response = admin_client.post(
        reverse("admin:organisations_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [secretariat.pk]},
        follow=True,
    )
    assert b"Removed the authenticator apps and recovery codes of 1 person" in response.content
    assert not TOTPDevice.objects.filter(user=secretariat).exists()
    assert not StaticDevice.objects.filter(user=secretariat).exists()
    _client, response = password_only(secretariat)
    assert response["Location"].startswith(SET_UP)


def test_the_admin_lists_devices_but_never_their_secrets(admin_client, secretariat):
    device = TOTPDevice.objects.create(user=secretariat, name="Phone", confirmed=True)
    page = admin_client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert page.status_code == 200 and secretariat.email.encode() in page.content
    change = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert change.status_code == 200 and device.key.encode() not in change.content
    assert admin_client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk])).status_code == 403
    assert admin_client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code == 403
    codes = StaticDevice.objects.create(user=secretariat, name="Recovery codes", confirmed=True)
    codes.token_set.create(token="abcdefgh")
    change = admin_client.get(reverse("admin:otp_static_staticdevice_change", args=[codes.pk]))
    assert change.status_code == 200 and b"abcdefgh" not in change.content


# Lockout -------------------------------------------------------------------------------------------------


def sign_in_with(client, email, password):
    return client.post("/sign-in/", {"username": email, "password": password})


def test_ten_wrong_passwords_lock_an_account_even_against_the_right_one(leeds_notifier, bradford_notifier):
    client = Client()
    for attempt in range(1, 10):
        response = sign_in_with(client, leeds_notifier.email, f"wrong password {attempt}")
        assert response.status_code == 200, attempt
        assert b"Enter a correct email address and password" in response.content
    tenth = sign_in_with(client, leeds_notifier.email, "wrong password 10")
    assert tenth.status_code == 429

    refused = sign_in_with(Client(), leeds_notifier.email, PASSWORD)
    assert refused.status_code == 429
    text = refused.content.decode()
    assert "You cannot sign in for now" in text
    assert "Wait 1 hour and try again, or ask your administrator to unlock it." in text
    assert "_auth_user_id" not in refused.wsgi_request.session
    # However it is typed, it is the same address.
    assert sign_in_with(Client(), " Notifier@LEEDS.example.org ", PASSWORD).status_code == 429

    # Other people are not affected.
    assert sign_in_with(Client(), bradford_notifier.email, PASSWORD).status_code == 302


def test_a_locked_account_opens_again_after_an_hour(leeds_notifier):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(10):
            sign_in_with(Client(), leeds_notifier.email, "wrong")
        traveller.shift(datetime.timedelta(minutes=59))
        assert sign_in_with(Client(), leeds_notifier.email, PASSWORD).status_code == 429
        traveller.shift(datetime.timedelta(minutes=2))
        assert sign_in_with(Client(), leeds_notifier.email, PASSWORD).status_code == 302


def test_an_administrator_unlocks_an_account(admin_client, leeds_notifier):
    from axes.models import AccessAttempt

    for _ in range(10):
        sign_in_with(Client(), leeds_notifier.email, "wrong")
    attempt = AccessAttempt.objects.get(username=leeds_notifier.email)
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert leeds_notifier.email.encode() in listing.content
    admin_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert sign_in_with(Client(), leeds_notifier.email, PASSWORD).status_code == 302


def test_a_right_password_clears_earlier_mistakes(leeds_notifier):
    for _ in range(9):
        sign_in_with(Client(), leeds_notifier.email, "wrong")
    assert sign_in_with(Client(), leeds_notifier.email, PASSWORD).status_code == 302
    for _ in range(9):
        sign_in_with(Client(), leeds_notifier.email, "wrong")
    assert sign_in_with(Client(), leeds_notifier.email, PASSWORD).status_code == 302


def page_as_typed(response, email):
    """The page without what differs from one request to the next: the email typed, the CSRF token."""
    page = response.content.decode().replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_the_sign_in_page_never_tells_whether_an_account_exists(leeds_notifier):
    known = sign_in_with(Client(), leeds_notifier.email, "wrong")
    unknown = sign_in_with(Client(), "nobody@leeds.example.org", "wrong")
    assert known.status_code == unknown.status_code == 200
    assert page_as_typed(known, leeds_notifier.email) == page_as_typed(unknown, "nobody@leeds.example.org")
    for _ in range(9):
        sign_in_with(Client(), "nobody@leeds.example.org", "wrong")
    locked = sign_in_with(Client(), "nobody@leeds.example.org", "wrong")
    assert locked.status_code == 429 and b"You cannot sign in for now" in locked.content


# Sessions, passwords, tokens and rates ------------------------------------------------------------------


def test_a_session_idle_for_31_minutes_is_signed_out(leeds_notifier):
    with time_machine.travel(START, tick=False) as traveller:
        client = sign_in(Client(), leeds_notifier)
        assert client.get("/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_a_session_used_every_20_minutes_stays_signed_in(leeds_notifier):
    with time_machine.travel(START, tick=False) as traveller:
        client = sign_in(Client(), leeds_notifier)
        for _ in range(6):  # two hours in all
            traveller.shift(datetime.timedelta(minutes=20))
            assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("password", "refused"),
    [
        ("short1!", "too short"),
        ("password1234", "too common"),
        ("839201748293", "entirely numeric"),
        ("notifier@leeds.example.org", "too similar"),
        ("Kestrel harbour 42 lanterns", None),
    ],
)
def test_passwords_must_be_long_and_uncommon(password, refused):
    user = User(email="notifier@leeds.example.org")
    if refused is None:
        validate_password(password, user)
        return
    with pytest.raises(ValidationError, match=refused):
        validate_password(password, user)


def test_an_api_token_stops_working_after_90_days(leeds_notifier):
    with time_machine.travel(START, tick=False) as traveller:
        key = api_token_create(user=leeds_notifier)
        api = Client(HTTP_AUTHORIZATION=f"Token {key}")
        traveller.shift(datetime.timedelta(days=89))
        assert api.get("/api/v1/me/").status_code == 200
        traveller.shift(datetime.timedelta(days=2))
        response = api.get("/api/v1/me/")
        assert response.status_code == 401
        assert response.json() == {"detail": "Invalid token."}


def test_the_tokens_page_shows_when_each_token_stops_working(leeds_notifier):
    with time_machine.travel(START, tick=False):
        client = sign_in(Client(), leeds_notifier)
        created = client.post("/api-tokens/")
        assert b"It stops working on 2 June 2024" in created.content
        page = client.get("/api-tokens/").content.decode()
        assert "Stops working" in page and "2 June 2024, 10:00" in page
        assert "A token stops working 90 days after you create it" in page


def test_a_revoked_token_stops_working_at_once(leeds_notifier):
    key = api_token_create(user=leeds_notifier)
    client = sign_in(Client(), leeds_notifier)
    token = leeds_notifier.auth_token_set.get()
    assert client.post(f"/api-tokens/{token.token_key}/revoke/").status_code == 302
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/").status_code == 401


@pytest.fixture
def real_rate_cache(monkeypatch):
    """Count API requests in the service's own cache (Redis in CI), as a live service does."""
    monkeypatch.setattr(SimpleRateThrottle, "cache", cache)


def test_the_api_answers_429_with_retry_after_beyond_a_persons_rate(monkeypatch, real_rate_cache, leeds_notifier):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "1000/minute"})
    key = api_token_create(user=leeds_notifier)
    cache.delete(f"throttle_user_{leeds_notifier.pk}")
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    try:
        assert [api.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
        refused = api.get("/api/v1/me/")
        assert refused.status_code == 429
        assert refused["Content-Type"] == "application/json"
        assert re.fullmatch(r"Request was throttled\. Expected available in \d+ seconds?\.", refused.json()["detail"])
        assert 1 <= int(refused["Retry-After"]) <= 60
        # Someone else has a count of their own.
        other = UserFactory(email="other@leeds.example.org")
        cache.delete(f"throttle_user_{other.pk}")
        assert Client(HTTP_AUTHORIZATION=f"Token {api_token_create(user=other)}").get("/api/v1/me/").status_code == 200
    finally:
        cache.delete(f"throttle_user_{leeds_notifier.pk}")


def test_the_rates_are_high_enough_for_people_and_set_in_settings(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates == {"user": "600/minute", "anon": "60/minute"}
    assert UserRateThrottle().parse_rate(rates["user"]) == (600, 60)
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 60 * 60
    assert settings.REST_KNOX["TOKEN_TTL"] == datetime.timedelta(days=90)
