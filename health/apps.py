"""Operational health: /healthz and the worker heartbeat."""

from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = "Service health"
