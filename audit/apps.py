"""The access log: who saw which case, document or letter, searched or exported, when and from where."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Access log"
