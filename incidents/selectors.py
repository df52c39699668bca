"""Reads of cases. Every read of cases goes through incident_list, which scopes them to the person."""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from deadlines.models import Deadline
from organisations.selectors import user_scope

from .models import Incident, TimelineEvent


def incident_list(*, user):
    """The cases this person may see; for anyone else a case does not exist (404, never 403).

    A draft is its notifying authority's alone until it is submitted. Once submitted (or opened from
    a rapid review nobody notified): local authority notifiers see cases their authority notified, or
    where it is the child's home or placing authority; partnership leads see their authorities' cases;
    Panel caseworkers see all; analysts see none (they see statistics).
    """
    qs = Incident.objects.select_related("notifying_la", "home_la", "placing_la").prefetch_related(
        "children",
        Prefetch("deadlines", queryset=Deadline.objects.select_related("responsible").order_by("due_on", "kind")),
    )
    if user.is_superuser:
        return qs
    scope = user_scope(user=user)
    own_drafts = Q(status=Incident.Status.DRAFT, notifying_la__in=scope.notifier_la_ids)
    if scope.is_panel_caseworker:
        return qs.filter(~Q(status=Incident.Status.DRAFT) | own_drafts)
    visible = Q(pk__in=[])
    if scope.notifier_la_ids:
        las = scope.notifier_la_ids
        visible |= Q(notifying_la__in=las) | Q(home_la__in=las) | Q(placing_la__in=las)
    if scope.partnership_ids:
        partnerships = scope.partnership_ids
        visible |= (
            Q(notifying_la__partnership__in=partnerships)
            | Q(home_la__partnership__in=partnerships)
            | Q(placing_la__partnership__in=partnerships)
        )
    return qs.filter((visible & ~Q(status=Incident.Status.DRAFT)) | own_drafts)


def incident_visible(*, user, incident):
    """Whether this person may see this case: incident_list's answer for one case."""
    if not user.is_authenticated:
        return False
    return incident_list(user=user).filter(pk=incident.pk).exists()


def incident_get(*, user, reference):
    return incident_list(user=user).get(reference=reference)


def incident_overdue_filter(queryset, *, overdue, today=None):
    """Cases with (or without) an open deadline past its due date."""
    today = today or timezone.localdate()
    late = Deadline.objects.filter(incident=OuterRef("pk")).overdue(today=today)
    return queryset.filter(Exists(late)) if overdue else queryset.exclude(Exists(late))


def incident_timeline(*, incident):
    return TimelineEvent.objects.filter(incident=incident).select_related("actor").order_by("at", "pk")
