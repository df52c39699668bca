"""The heartbeat: beat schedules it, a worker runs it, /healthz shows when it last ran."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from .checks import HEARTBEAT_CACHE_KEY


@shared_task
def heartbeat():
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=None)
    return now
