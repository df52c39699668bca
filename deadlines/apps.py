"""Working days, bank holidays and deadlines."""

from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = "Deadlines and working days"
