"""Signing in, and the demo people."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from incidents.models import Incident
from organisations.demo import DEMO_PEOPLE
from organisations.models import User

from ..factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_serves_the_sign_in_page(client):
    response = client.get("/sign-in/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_it_sends_a_stranger_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_a_person_signs_in_and_sees_their_roles(client, leeds_notifier):
    response = client.post("/sign-in/", {"username": "notifier@leeds.example.org", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert b"Local authority notifier, Leeds" in response.content


def test_a_wrong_password_is_refused(client, leeds_notifier):
    response = client.post("/sign-in/", {"username": "notifier@leeds.example.org", "password": "wrong"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content


def test_seed_demo_makes_one_person_per_role_with_working_passwords(client, capsys, settings):
    settings.DEBUG = True
    call_command("load_reference_data")
    capsys.readouterr()
    call_command("seed_demo")
    # The count printed is what the seeders made, not a number written into them.
    assert f"Created {Incident.objects.count()} demo cases" in capsys.readouterr().out
    call_command("seed_demo")  # idempotent: same people, fresh passwords

    out = capsys.readouterr().out
    assert "demo cases" not in out
    out = out.split("Demo logins")[-1]
    assert "set up two-factor authentication (an authenticator app on a phone) the first time" in out
    logins = dict(line.split()[:2] for line in out.splitlines() if "@" in line)
    assert set(logins) == {email for email, *_ in DEMO_PEOPLE} | {"admin@csprp.example.org"}
    assert User.objects.filter(email__in=logins).count() == len(logins)
    for email, password in logins.items():
        signed_in = Client()
        response = signed_in.post("/sign-in/", {"username": email, "password": password})
        assert response.status_code == 302 and "_auth_user_id" in signed_in.session, email
    assert {m for u in User.objects.all() for m in u.memberships.values_list("role", flat=True)} == {
        "la_notifier",
        "partnership_lead",
        "panel_secretariat",
        "panel_member",
        "analyst",
    }
    assert set(Incident.objects.values_list("status", flat=True)) == {"draft", "notified", "withdrawn", "not_notified"}
    assert Incident.objects.filter(channel="offline").count() == 1
    assert Incident.objects.filter(rapid_review__isnull=False).count() == 3
    assert Incident.objects.filter(lcspr__isnull=False).count() == 1
    assert Incident.objects.count() == 8  # the second run made no more


def test_seed_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development"):
        call_command("seed_demo")
