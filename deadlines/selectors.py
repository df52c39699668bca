"""Reads of deadlines, scoped through the cases a person may see."""

from .models import Deadline


def deadline_list(*, incidents):
    """Deadlines of these cases: the caller passes the cases the person may see (incidents.selectors)."""
    return Deadline.objects.filter(incident__in=incidents.values("pk")).select_related("incident", "responsible")
