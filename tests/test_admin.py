"""Every model has an admin, and each admin page opens for an administrator."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

OUR_APPS = {"organisations", "audit", "deadlines", "incidents", "reviews", "letters", "notices", "casefile", "health"}

# Made only by the services, so that each has its timeline event and deadlines: never added in the admin.
MADE_BY_THE_SERVICES = {
    "deadlines.Deadline",
    "incidents.Incident",
    "incidents.Child",
    "incidents.TimelineEvent",
    "incidents.ReferenceSequence",
    "reviews.RapidReview",
    "reviews.RapidReviewVersion",
    "reviews.RapidReviewText",
    "reviews.Lcspr",
    "reviews.LcsprPause",
    "reviews.LcsprMilestone",
    "reviews.Recommendation",
    "letters.Letter",
    "notices.Notice",
    "notices.EventTold",
    # Recorded by the views that show what it names (audit.services.access_record), and never changed.
    "audit.AccessEvent",
    # Recorded by `purge` (casefile.retention) of what it removed.
    "casefile.PurgeRecord",
}
# django-axes' records of sign-in attempts: written by signing in, never added by hand (deleting one unlocks).
SIGN_IN_RECORDS = {"axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"}


def test_every_model_of_ours_is_in_the_admin():
    ours = [m for m in apps.get_models() if m._meta.app_label in OUR_APPS and not m._meta.auto_created]
    missing = [m.__name__ for m in ours if m not in admin.site._registry and not m.__name__.startswith("Historical")]
    assert not missing


def test_every_admin_list_and_add_page_opens(admin_client):
    call_command("load_reference_data", verbosity=0)
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert admin_client.get(reverse(f"{prefix}_changelist")).status_code == 200, prefix
        expected = 403 if model._meta.label in MADE_BY_THE_SERVICES | SIGN_IN_RECORDS else 200
        assert admin_client.get(reverse(f"{prefix}_add")).status_code == expected, prefix


def test_every_admin_record_page_opens(admin_client, notified):
    """The reviews' records are opened in tests/reviews/test_admin.py."""
    call_command("load_reference_data", verbosity=0)
    for model in admin.site._registry:
        record = model._default_manager.first()
        if record is None:
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert admin_client.get(reverse(f"{prefix}_change", args=[record.pk])).status_code == 200, prefix
        assert admin_client.get(reverse(f"{prefix}_history", args=[record.pk])).status_code == 200, prefix
