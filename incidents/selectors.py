"""Reads of cases. Every read of cases goes through incident_list, which scopes them to the person."""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from deadlines.models import Deadline
from organisations.models import Organisation
from organisations.selectors import user_scope

from .models import Incident, TimelineEvent


def case_scope(*, user, through=""):
    """The rule of who sees which case, as a condition on cases, or on records of a case reached through the
    relation `through` ("incident" from a deadline); Q() for someone who sees every case.

    A draft is its notifying authority's alone until it is submitted. Once submitted (or opened from
    a rapid review nobody notified): local authority notifiers see cases their authority notified, or
    where it is the child's home or placing authority; partnership leads see their authorities' cases;
    Panel caseworkers see all; analysts see none (they see statistics).

    Every condition is on the case's own columns, against lists of ids, so a list of cases or of their
    records joins nothing to decide what it may show, and each authority column's index finds the cases.
    """
    if user.is_superuser:
        return Q()

    def case(**lookups):
        return Q(**{f"{through}__{name}" if through else name: value for name, value in lookups.items()})

    scope = user_scope(user=user)
    draft = Incident.Status.DRAFT
    own_drafts = case(status=draft, notifying_la__in=scope.notifier_la_ids)
    if scope.is_panel_caseworker:
        return ~case(status=draft) | own_drafts
    las = scope.notifier_la_ids | _partnership_authority_ids(user, scope)
    visible = case(notifying_la__in=las) | case(home_la__in=las) | case(placing_la__in=las)
    return (visible & ~case(status=draft)) | own_drafts


def _partnership_authority_ids(user, scope):
    """The local authorities of the person's partnerships, read once a request (kept on the user object, as
    user_scope keeps the scope). As a list rather than a subquery: a subquery on each of three columns, ORed,
    makes PostgreSQL test every case against it instead of looking the authorities up in the indexes."""
    if not scope.partnership_ids:
        return frozenset()
    cached = getattr(user, "_csprp_partnership_authority_ids", None)
    if cached is None:
        authorities = Organisation.objects.filter(partnership__in=scope.partnership_ids)
        cached = user._csprp_partnership_authority_ids = frozenset(authorities.values_list("pk", flat=True))
    return cached


def incident_list(*, user):
    """The cases this person may see (case_scope); for anyone else a case does not exist (404, never 403)."""
    qs = Incident.objects.select_related("notifying_la", "home_la", "placing_la").prefetch_related(
        "children",
        Prefetch("deadlines", queryset=Deadline.objects.select_related("responsible").order_by("due_on", "kind")),
    )
    return qs.filter(case_scope(user=user))


def incident_visible(*, user, incident):
    """Whether this person may see this case: incident_list's answer for one case."""
    if not user.is_authenticated:
        return False
    return incident_list(user=user).filter(pk=incident.pk).exists()


def incident_get(*, user, reference):
    return incident_list(user=user).get(reference=reference)


def incident_overdue_filter(queryset, *, overdue, today=None):
    """Cases with (or without) an open deadline past its due date: one look-up in deadline_open_incident_idx
    for each case."""
    today = today or timezone.localdate()
    late = Deadline.objects.filter(incident=OuterRef("pk")).overdue(today=today)
    return queryset.filter(Exists(late)) if overdue else queryset.exclude(Exists(late))


def case_deadline_list(*, user):
    """Deadlines of the cases this person may see: case_scope on each deadline's own case (joined anyway to
    show its reference), not a subquery over every case they see; for the Panel, only `not a draft`."""
    return Deadline.objects.filter(case_scope(user=user, through="incident")).select_related("incident", "responsible")


def incident_timeline(*, incident):
    return TimelineEvent.objects.filter(incident=incident).select_related("actor").order_by("at", "pk")
