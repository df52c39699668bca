"""People, roles and API tokens."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from knox.models import AuthToken

from organisations.models import Membership, Role, User
from organisations.services import user_create

pytestmark = pytest.mark.django_db


def test_it_creates_a_user_with_a_role(leeds, capsys):
    call_command("create_user", "Notifier@Leeds.example.org", "--organisation", "Leeds", "--role", "la_notifier")

    user = User.objects.get(email="notifier@leeds.example.org")
    assert list(user.memberships.values_list("organisation__name", "role")) == [("Leeds", "la_notifier")]
    assert "changepassword" in capsys.readouterr().out


def test_it_finds_an_authority_by_gss_code_and_the_panel_by_name(leeds, panel):
    call_command("create_user", "a@example.org", "--organisation", "E08000035", "--role", "la_notifier")
    call_command("create_user", "b@example.org", "--organisation", "Panel", "--role", "analyst")
    assert Membership.objects.get(user__email="a@example.org").organisation == leeds
    assert Membership.objects.get(user__email="b@example.org").organisation == panel


def test_it_refuses_a_role_in_the_wrong_kind_of_organisation(leeds):
    with pytest.raises(CommandError, match="Analyst is a role in the Panel"):
        call_command("create_user", "a@example.org", "--organisation", "Leeds", "--role", "analyst")
    assert not User.objects.filter(email="a@example.org").exists()


def test_it_refuses_an_unknown_organisation(db):
    with pytest.raises(CommandError, match="No organisation"):
        call_command("create_user", "a@example.org", "--organisation", "Atlantis", "--role", "la_notifier")


def test_membership_validation_names_the_field(leeds):
    user = User.objects.create_user("c@example.org")
    with pytest.raises(ValidationError) as error:
        Membership(user=user, organisation=leeds, role=Role.PANEL_MEMBER).full_clean()
    assert "role" in error.value.message_dict


def test_it_prints_only_an_api_token_and_stores_only_its_digest(leeds, capsys, api_client):
    call_command(
        "create_user", "robot@leeds.example.org", "--organisation", "Leeds", "--role", "la_notifier", "--api-token"
    )
    token = capsys.readouterr().out.strip()

    assert len(token) == 64 and "\n" not in token
    stored = AuthToken.objects.get(user__email="robot@leeds.example.org")
    assert token not in (stored.digest, stored.token_key)
    assert stored.digest != token and len(stored.digest) == 128

    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert response.json()["memberships"][0]["role"] == "la_notifier"


def test_a_wrong_token_or_none_gets_401(api_client, db):
    assert api_client.get("/api/v1/me/").status_code == 401
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token " + "0" * 64)
    assert response.status_code == 401


def test_adding_a_role_keeps_the_person(leeds, panel):
    user = user_create(email="d@example.org", organisation=leeds, role=Role.LA_NOTIFIER)
    again = user_create(email="D@example.org", organisation=leeds, role=Role.LA_NOTIFIER)
    assert again == user
    assert user.memberships.count() == 1
