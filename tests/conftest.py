"""Shared fixtures: a few named people in named organisations, and API clients for them."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache.backends.locmem import LocMemCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from incidents.services import incident_create, incident_submit
from organisations.models import Role

from .documents import real_pdf
from .factories import LocalAuthorityFactory, MembershipFactory, PanelFactory, UserFactory
from .signin import sign_in

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Production hashing is slow on purpose; the tests check who may do what, not the hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests run without collectstatic, so without the production manifest of hashed file names."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores its uploads in a folder of its own, so none sees another's and none is left behind."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def api_rate_counts_per_test(monkeypatch):
    """The API's rate limits count requests in the cache, which outlives a test and is shared by every run on
    the machine: each test counts in a cache of its own, so no test is throttled for another's requests."""
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache(f"api-rates-{uuid.uuid4()}", {}))


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
def bradford_notifier(bradford):
    return MembershipFactory(user=UserFactory(email="notifier@bradford.example.org"), organisation=bradford).user


@pytest.fixture
def leeds_lead(leeds):
    user = UserFactory(email="lead@leeds-partnership.example.org")
    MembershipFactory(user=user, organisation=leeds.partnership, role=Role.PARTNERSHIP_LEAD)
    return user


@pytest.fixture
def bradford_lead(bradford):
    user = UserFactory(email="lead@bradford-partnership.example.org")
    MembershipFactory(user=user, organisation=bradford.partnership, role=Role.PARTNERSHIP_LEAD)
    return user


def _panel_person(panel, email, role):
    user = UserFactory(email=email)
    MembershipFactory(user=user, organisation=panel, role=role)
    return user


@pytest.fixture
def secretariat(panel):
    return _panel_person(panel, "secretariat@panel.example.org", Role.PANEL_SECRETARIAT)


@pytest.fixture
def panel_member(panel):
    return _panel_person(panel, "member@panel.example.org", Role.PANEL_MEMBER)


@pytest.fixture
def analyst(panel):
    return _panel_person(panel, "analyst@panel.example.org", Role.ANALYST)


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's administrator's client, signed in with the second factor every administrator needs."""
    return sign_in(Client(), admin_user)


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


@pytest.fixture
def london_time():
    """Travel to a moment in England: time_machine.travel at midday London time on the given date."""

    def travel(day):
        moment = datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(12), tzinfo=LONDON)
        return time_machine.travel(moment, tick=False)

    return travel


def case_values(**overrides):
    """A valid draft notification's details, as the services take them."""
    values = {
        "incident_date": datetime.date(2022, 9, 10),
        "la_aware_date": datetime.date(2022, 9, 12),
        "reason": "serious_harm",
        "children": [{"age_years": 3, "sex": "female", "ethnicity": "white_british"}],
    }
    return {**values, **overrides}


def rapid_review_values(**overrides):
    """A rapid review as the partnership sends it (a real PDF and its findings), as the services take it.

    Its local review decision is `required` unless overridden.
    """
    values = {
        "document": SimpleUploadedFile("review.pdf", real_pdf()),
        "completed_on": datetime.date(2022, 10, 3),
        "reason_at_review": "serious_harm",
        "likely_cause": "non_fatal_assault_intrafamilial",
        "lcspr_decision": "required",
        "lcspr_rationale": "Learning across agencies.",
        "lines_of_enquiry": "Information sharing.",
    }
    return {**values, **overrides}


def admin_refuses_delete(admin_client, admin_name, record):
    """Cases and their records are never deleted: the admin offers no delete and refuses one posted."""
    delete_url = reverse(f"admin:{admin_name}_delete", args=[record.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()
    assert b"Delete selected" not in admin_client.get(reverse(f"admin:{admin_name}_changelist")).content
    change_page = admin_client.get(reverse(f"admin:{admin_name}_change", args=[record.pk]))
    assert change_page.status_code == 200
    assert delete_url.encode() not in change_page.content


@pytest.fixture
def draft(leeds_notifier, leeds, london_time):
    """A Leeds draft: the incident on Saturday 10 September 2022, known on Monday the 12th."""
    with london_time("2022-09-13"):
        return incident_create(by=leeds_notifier, notifying_la=leeds, **case_values())


@pytest.fixture
def notified(draft, leeds_notifier, london_time):
    """The Leeds draft, notified on Wednesday 14 September 2022: its rapid review is due on 5 October."""
    with london_time("2022-09-14"):
        return incident_submit(incident=draft, by=leeds_notifier)


def recommendation_values(**overrides):
    """A local review's recommendation as the services take it."""
    values = {
        "text": "Health visitors give safe sleep advice at every contact.",
        "owner_organisation": "Leeds Community Healthcare",
        "owner_role": "Head of health visiting",
        "due_on": datetime.date(2024, 3, 31),
        "impact_evaluation": "Audit of contacts.",
    }
    return {**values, **overrides}


def august_review_values(**overrides):
    """The August case's rapid review, which decides on a local review."""
    values = {
        "completed_on": datetime.date(2023, 8, 30),
        "reason_at_review": "death",
        "likely_cause": "sudi_sudc",
        "lcspr_rationale": "Significant learning for health visiting.",
        "lines_of_enquiry": "Safe sleep advice; information sharing.",
    }
    return rapid_review_values(**{**values, **overrides})


@pytest.fixture
def august_case(leeds_notifier, leeds, london_time):
    """Notified in August 2023; the partnership's rapid review on 31 August decides on a local review."""
    with london_time("2023-08-14"):
        incident = incident_create(
            by=leeds_notifier,
            notifying_la=leeds,
            **case_values(
                incident_date=datetime.date(2023, 8, 10), la_aware_date=datetime.date(2023, 8, 11), reason="death"
            ),
        )
        return incident_submit(incident=incident, by=leeds_notifier)


@pytest.fixture
def lcspr(august_case, leeds_lead, london_time):
    """The August case's local review, decided on 31 August 2023."""
    from reviews.models import Lcspr
    from reviews.services import rapid_review_send

    with london_time("2023-08-31"):
        rapid_review_send(incident=august_case, by=leeds_lead, **august_review_values())
    return Lcspr.objects.get(incident=august_case)


def pytest_terminal_summary(terminalreporter):
    """The access matrix's combinations checked (tests/test_access_matrix.py), for the security document."""
    import sys

    matrix = sys.modules.get("tests.test_access_matrix")
    if matrix is not None and matrix.CHECKED:
        figures = ", ".join(f"{name} {count}" for name, count in sorted(matrix.CHECKED.items()))
        terminalreporter.write_line(f"access matrix: {figures}")
