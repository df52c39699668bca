"""What the service tells people: deadline reminders and their escalation, sent exactly once."""

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Reminders and messages"
