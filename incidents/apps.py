"""Serious incident notifications: the case and its notification."""

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Serious incident notifications"

    def ready(self):
        from . import checks  # noqa: F401  registers the deployment checks
