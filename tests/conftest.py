"""Shared fixtures: a few named people in named organisations, and API clients for them."""

import pytest
from rest_framework.test import APIClient

from organisations.models import Role

from .factories import LocalAuthorityFactory, MembershipFactory, PanelFactory, UserFactory


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests run without collectstatic, so without the production manifest of hashed file names."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def leeds(db):
    return LocalAuthorityFactory(name="Leeds", code="E08000035")


@pytest.fixture
def bradford(db):
    return LocalAuthorityFactory(name="Bradford", code="E08000032")


@pytest.fixture
def panel(db):
    return PanelFactory()


@pytest.fixture
def leeds_notifier(leeds):
    return MembershipFactory(user=UserFactory(email="notifier@leeds.example.org"), organisation=leeds).user


@pytest.fixture
def secretariat(panel):
    user = UserFactory(email="secretariat@panel.example.org")
    MembershipFactory(user=user, organisation=panel, role=Role.PANEL_SECRETARIAT)
    return user


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for():
    """An API client signed in as the given person."""

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make
