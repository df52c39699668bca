"""Reads of deadlines, scoped through the cases a person may see."""

from incidents.selectors import incident_list

from .models import Deadline


def deadline_list(*, user):
    """Deadlines of the cases this person may see (incidents.selectors.incident_list decides which)."""
    return Deadline.objects.filter(incident__in=incident_list(user=user).values("pk")).select_related(
        "incident", "responsible"
    )
