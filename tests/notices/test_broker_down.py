"""With the broker down, a case action still succeeds, and the next pass once it is back sends what fell due.

Nothing a case action does waits on Celery: the reminder engine reads what is due from the database.
"""

import pytest
from celery import current_app
from django.core import mail
from kombu.exceptions import OperationalError

from notices.ladders import rungs_default_seed
from notices.services import reminders_pass

from .test_reminders import at, told

pytestmark = pytest.mark.django_db

UNREACHABLE = "redis://127.0.0.1:9/0"  # the discard port: nothing answers there


@pytest.fixture
def broker_down(settings):
    """Celery's broker and the cache both pointed at a Redis that is not there."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": UNREACHABLE}}
    before = current_app.conf.broker_url
    current_app.conf.broker_url = UNREACHABLE
    with pytest.raises(OperationalError), current_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
    yield
    current_app.conf.broker_url = before


def test_submitting_a_notification_succeeds_with_the_broker_down(
    broker_down, draft, leeds_notifier, leeds_lead, client_for, london_time, settings
):
    rungs_default_seed()
    with london_time("2022-09-14"):
        response = client_for(leeds_notifier).post(f"/api/v1/incidents/{draft.reference}/submit/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "notified"

    # Back up: the next pass tells the partnership what happened while it was down.
    reminders_pass(now=at("2022-09-14", 15))
    assert (leeds_lead.email, draft.reference, "Notification submitted") in told(mail.outbox)
