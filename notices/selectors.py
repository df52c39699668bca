"""Reads of what the service told people, and of what the Panel is waiting for."""

from deadlines.models import Deadline
from incidents.selectors import case_deadline_list

from .models import Notice

# What the Panel chases: notifications it asked an authority for, and offline ones it keyed.
CHASED_KINDS = (Deadline.Kind.RETROSPECTIVE_NOTIFICATION, Deadline.Kind.OFFLINE_CONFIRMATION)


def notices_for(*, user):
    """What the service sent (or tried to send) this person, newest first."""
    return (
        Notice.objects.filter(recipient=user)
        .select_related("incident", "deadline", "event")
        .order_by("-created_at", "-pk")
    )


def notices_on_case(*, incident):
    """Who was told what about a case, and when."""
    return (
        Notice.objects.filter(incident=incident)
        .select_related("incident", "deadline", "event", "recipient")
        .order_by("-created_at", "-pk")
    )


def chasers(*, user):
    """Open requests the Panel is waiting on, oldest first: retrospective notifications and offline
    confirmations, of the cases this person sees."""
    return case_deadline_list(user=user).open().filter(kind__in=CHASED_KINDS).order_by("starts_on", "pk")
