"""The Celery app, configured from Django settings under the CELERY_ prefix."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csprp.settings")

app = Celery("csprp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
