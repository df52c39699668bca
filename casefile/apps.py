"""The case file: what composes every app's part of a case, above them all.

One case in full (its notification, rapid review, local review and timeline), each person's view of
it, and the demonstration data that walks cases through every app.
"""

from django.apps import AppConfig


class CasefileConfig(AppConfig):
    name = "casefile"
    verbose_name = "Case file"
