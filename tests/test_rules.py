"""Permissions are declared once: every transition names a django-rules permission, and each role may
take exactly the transitions it should, on its own cases and on no one else's."""

import datetime

import pytest
import rules

from incidents.models import Incident
from reviews.models import Lcspr, RapidReview, Recommendation
from reviews.services import rapid_review_send, recommendation_add

from .conftest import rapid_review_values, recommendation_values
from .factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["leeds_notifier", "bradford_notifier", "leeds_lead", "bradford_lead", "secretariat", "panel_member", "analyst"]

# Who holds each permission over a Leeds case (and its reviews); everyone else is refused.
HOLDERS = {
    "incidents.submit_notification": {"leeds_notifier"},
    "incidents.confirm_notification": {"leeds_notifier"},
    "incidents.withdraw_notification": {"leeds_notifier", "secretariat"},
    "incidents.key_offline": {"secretariat"},
    "reviews.open_unnotified_case": {"leeds_lead"},
    "reviews.send_rapid_review": {"leeds_lead"},
    "reviews.propose_not_needed": {"leeds_lead"},
    "reviews.return_rapid_review": {"secretariat"},
    "reviews.decide_not_needed": {"secretariat", "panel_member"},
    "reviews.run_lcspr": {"leeds_lead", "secretariat"},
}

MODELS = [Incident, RapidReview, Lcspr, Recommendation]


def transitions(model):
    return list(model._meta.get_field("status").get_all_transitions(model))


@pytest.fixture
def records(notified, leeds_lead, london_time):
    """The Leeds case with a rapid review that started a local review, and one recommendation."""
    with london_time("2022-10-03"):
        rapid_review_send(incident=notified, by=leeds_lead, **rapid_review_values())
        recommendation = recommendation_add(
            incident=notified, by=leeds_lead, **recommendation_values(due_on=datetime.date(2023, 3, 1))
        )
    incident = Incident.objects.get(pk=notified.pk)
    return {
        Incident: incident,
        RapidReview: incident.rapid_review,
        Lcspr: incident.lcspr,
        Recommendation: recommendation,
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_it_declares_a_known_permission_on_every_transition(model):
    for transition in transitions(model):
        assert isinstance(transition.permission, str), f"{model.__name__}.{transition.name}"
        assert rules.perm_exists(transition.permission), transition.permission
        assert transition.permission in HOLDERS, transition.permission


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_role_may_take_exactly_its_transitions(role, model, request, records, bradford, bradford_lead):
    user = request.getfixturevalue(role)
    record = records[model]
    for transition in transitions(model):
        allowed = user.has_perm(transition.permission, record)
        expected = role in HOLDERS[transition.permission]
        assert allowed is expected, f"{role} {model.__name__}.{transition.name}: {allowed}"


def test_an_administrator_may_take_every_transition(records):
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    for model in MODELS:
        for transition in transitions(model):
            assert admin.has_perm(transition.permission, records[model])


def test_nobody_signed_out_may_take_any(records):
    from django.contrib.auth.models import AnonymousUser

    for model in MODELS:
        for transition in transitions(model):
            assert not AnonymousUser().has_perm(transition.permission, records[model])
