"""Real Celery beat and a real worker, against the real Redis and PostgreSQL, deliver a reminder by email.

Beat runs a pass every second here (REMINDERS_EVERY_SECONDS); the worker runs it; the email lands in a
file mail backend. Everything runs on a queue of its own, and leaves nothing behind in Redis.
"""

import datetime
import os
import subprocess
import sys
import time
import uuid

import pytest
import redis
from django.db import connection
from django.utils import timezone

from deadlines.models import Deadline
from deadlines.services import bank_holidays_sync
from incidents.services import incident_create, incident_submit
from notices.ladders import rungs_default_seed

from ..conftest import case_values
from ..health.test_worker import ROOT, redis_entries_for, remove_redis_entries_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def database_url():
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    return f"postgres://{user}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


def test_beat_and_a_worker_deliver_a_due_reminder(tmp_path, leeds, leeds_notifier, leeds_lead):
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI must run this test against real Redis and PostgreSQL: set REDIS_URL and DATABASE_URL")
        pytest.skip("needs REDIS_URL and PostgreSQL")
    bank_holidays_sync()  # transactional tests start from an emptied database
    rungs_default_seed()
    today = timezone.localdate()
    aware = today - datetime.timedelta(days=1)
    case = incident_create(
        by=leeds_notifier,
        notifying_la=leeds,
        **case_values(incident_date=aware - datetime.timedelta(days=1), la_aware_date=aware),
    )
    incident_submit(incident=case, by=leeds_notifier)
    # The partnership's rapid review falls due today: the ladder's rung on the day.
    Deadline.objects.filter(incident=case, kind="rapid_review").update(due_on=today)

    queue = f"test-{uuid.uuid4().hex}"
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csprp.settings",
        "DATABASE_URL": database_url(),
        # django-environ takes the path after the scheme's two slashes and one more: an absolute path needs four.
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "CELERY_QUEUE": queue,
        "REMINDERS_EVERY_SECONDS": "1",
    }
    celery = [sys.executable, "-m", "celery", "-A", "csprp"]
    worker = subprocess.Popen(
        [*celery, "worker", "--pool=solo", "-Q", queue, "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    beat = subprocess.Popen(
        [*celery, "beat", "--loglevel=INFO", "--pidfile=", f"--schedule={tmp_path / 'beat-schedule'}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    delivered = []
    try:
        for _ in range(90):
            delivered = [path.read_text() for path in mail_dir.glob("*")] if mail_dir.is_dir() else []
            if any("Rapid review" in text for text in delivered):
                break
            time.sleep(1)
    finally:
        for process in (beat, worker):
            process.terminate()
        logs = [process.communicate(timeout=30)[0] for process in (beat, worker)]
        remove_redis_entries_for(client, queue)

    reminders = [text for text in delivered if case.reference in text and "Rapid review" in text]
    assert reminders, logs
    assert leeds_lead.email in reminders[0]
    assert redis_entries_for(client, queue) == []
    assert not (ROOT / "tmp").exists()
