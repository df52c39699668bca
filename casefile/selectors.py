"""Reads for a person's start page: what they must do next, and their recent cases.

Everything is scoped through incidents.selectors.incident_list, so nobody sees work on a case they
may not see; each read is one query however many cases there are.
"""

from dataclasses import dataclass

from deadlines.models import Deadline
from deadlines.selectors import deadline_list
from incidents.models import Incident
from incidents.selectors import incident_list
from organisations.models import Organisation
from organisations.selectors import user_scope

# Deadlines that are the Panel's requests of an authority or partnership: shown apart, as requests.
REQUEST_KINDS = (
    Deadline.Kind.RETROSPECTIVE_NOTIFICATION,
    Deadline.Kind.OFFLINE_CONFIRMATION,
    Deadline.Kind.RAPID_REVIEW_RESUBMISSION,
)
RECENT_CASES = 10


@dataclass(frozen=True)
class Work:
    deadlines: list
    requests: list
    drafts: list
    recent: list


def _responsible_ids(user):
    scope = user_scope(user=user)
    ids = set(scope.notifier_la_ids) | set(scope.partnership_ids)
    if scope.is_panel_caseworker:
        ids |= set(Organisation.objects.filter(kind=Organisation.Kind.PANEL).values_list("pk", flat=True))
    return ids


def work_for(*, user):
    """Open deadlines of the person's organisations (soonest first), the Panel's requests among them,
    their authority's drafts and their most recently changed cases."""
    cases = incident_list(user=user)
    open_deadlines = list(
        deadline_list(incidents=cases)
        .open()
        .filter(responsible__in=_responsible_ids(user))
        .select_related("incident__notifying_la")
        .order_by("due_on", "kind", "pk")
    )
    drafts = list(
        cases.filter(status=Incident.Status.DRAFT)
        .prefetch_related(None)
        .select_related("notifying_la")
        .order_by("-updated_at")
    )
    recent = list(cases.exclude(status=Incident.Status.DRAFT).order_by("-updated_at")[:RECENT_CASES])
    return Work(
        deadlines=[d for d in open_deadlines if d.kind not in REQUEST_KINDS],
        requests=[d for d in open_deadlines if d.kind in REQUEST_KINDS],
        drafts=drafts,
        recent=recent,
    )
