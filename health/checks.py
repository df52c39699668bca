"""Checks of what the service depends on, each answering (ok, detail)."""

from django.core.cache import cache
from django.db import connection

from csprp.celery import app as celery_app

HEARTBEAT_CACHE_KEY = "health:worker-heartbeat"


def database_check():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure to reach the database is the answer, not a crash
        return False, type(error).__name__
    return True, connection.vendor


def broker_check():
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as error:  # as above: report, never raise
        return False, type(error).__name__
    return True, transport


def last_worker_heartbeat():
    """When a worker last ran the heartbeat task that beat schedules every minute, if ever."""
    try:
        return cache.get(HEARTBEAT_CACHE_KEY)
    except Exception:  # the cache is informational here; its own failure shows as no heartbeat
        return None
