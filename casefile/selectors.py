"""Reads for a person's start page: what they must do next, and their recent cases; for the Panel, its
queue of work across England and the figures of each region and local authority.

Everything about cases is scoped through incidents.selectors.incident_list, so nobody sees work on a
case they may not see; each read is one query however many cases there are. The regional figures are
counts only (statistics), which name no case.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q

from deadlines.models import Deadline
from deadlines.selectors import deadline_list
from incidents.models import Incident
from incidents.selectors import incident_list
from letters.models import Letter
from letters.selectors import letter_list
from notices.models import Notice
from notices.selectors import chasers
from organisations.models import Organisation
from organisations.selectors import user_scope
from reviews.models import RapidReview

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


# The Panel's queue ---------------------------------------------------------------------------------------
# Each list is one query for the rows shown (and one to count them), however many rows there are: every
# row's case, authority and region come in the same query.

CASE_ROW = ("incident__notifying_la__region", "incident__notifying_la__partnership")


def rapid_reviews_awaiting_response(*, user):
    """Rapid reviews the Panel has received and not yet answered, as their open `panel_response`
    deadlines (one per version received: reviews.services.review_deadlines_refresh), oldest first.

    The Panel's service level: a response within PANEL_RESPONSE_WORKING_DAYS of receipt.
    """
    return (
        deadline_list(incidents=incident_list(user=user))
        .open()
        .filter(kind=Deadline.Kind.PANEL_RESPONSE, incident__rapid_review__status=RapidReview.Status.SUBMITTED)
        .select_related(*CASE_ROW)
        .order_by("starts_on", "pk")
    )


def letters_awaiting_approval(*, user):
    """Letters put forward for a second person's approval, longest waiting first."""
    return (
        letter_list(user=user)
        .filter(status=Letter.Status.AWAITING_APPROVAL)
        .select_related("incident__notifying_la__region")
        .order_by("updated_at", "pk")
    )


def overdue_deadlines(*, user, today):
    """Open deadlines of every kind past their due date, on every case the person sees, most overdue first."""
    return (
        deadline_list(incidents=incident_list(user=user))
        .overdue(today=today)
        .select_related(*CASE_ROW)
        .order_by("due_on", "pk")
    )


def chasers_outstanding(*, user):
    """Retrospective and offline notifications the Panel is waiting for (notices.selectors.chasers), with
    each row's authority and region."""
    return chasers(user=user).select_related(*CASE_ROW)


def failed_notices(*, user):
    """Reminders and messages that failed after every try, on the cases the person sees, newest first."""
    return (
        Notice.objects.filter(status=Notice.Status.FAILED, incident__in=incident_list(user=user).values("pk"))
        .select_related("incident__notifying_la__region", "deadline", "event", "recipient")
        .order_by("-claimed_at", "-pk")
    )


# The regional view -------------------------------------------------------------------------------------

# Cases that reached the Panel and still run: notified (or opened from a rapid review and awaiting its
# retrospective notification), not withdrawn.
LIVE_STATUSES = (Incident.Status.NOTIFIED, Incident.Status.NOT_NOTIFIED)


def financial_year_start(day):
    """1 April of the financial year `day` falls in: the Panel's annual figures run April to March."""
    return datetime.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def _region_figures(*, today, year_start):
    """Counts over each authority's notified cases, its cases' deadlines joined once (one row per
    deadline), so cases are counted DISTINCT and deadlines as they are."""
    case = "notified_incidents"
    deadline = f"{case}__deadlines"
    live = Q(**{f"{case}__status__in": LIVE_STATUSES})
    open_deadline = Q(**{f"{deadline}__status": Deadline.Status.OPEN})
    late = Q(
        **{
            f"{case}__status": Incident.Status.NOTIFIED,
            f"{case}__notified_on__gte": year_start,
            f"{case}__notified_on__lte": today,
            f"{deadline}__kind": Deadline.Kind.NOTIFICATION,
            f"{case}__notified_on__gt": F(f"{deadline}__due_on"),
        }
    )
    return {
        "open_cases": Count(case, filter=live & open_deadline, distinct=True),
        "overdue_deadlines": Count(deadline, filter=live & open_deadline & Q(**{f"{deadline}__due_on__lt": today})),
        "late_notifications": Count(case, filter=late, distinct=True),
    }


REGION_SORTS = {
    "name": ("name",),
    "open": ("open_cases",),
    "overdue": ("overdue_deadlines",),
    "late": ("late_notifications",),
}


def _ordering(sort, *, name):
    """`sort` is a key of REGION_SORTS, `-` first for largest (or Z) first; ties by name."""
    descending = sort.startswith("-")
    fields = REGION_SORTS.get(sort.lstrip("-"), REGION_SORTS["name"])
    fields = tuple(name if f == "name" else f for f in fields)
    return [f"-{f}" if descending else f for f in fields] + [name]


def local_authority_figures(*, today, year_start, sort="name", region=None):
    """For each local authority: its open cases, overdue deadlines and late notifications since
    `year_start`, counted by the database in one query (organised by region, sorted within it).

    Open case: reached the Panel, not withdrawn, with at least one open deadline. Overdue deadline: an
    open deadline of such a case past its due date. Late notification: notified from `year_start` to
    `today`, after its 5-working-day deadline, and not withdrawn. Cases count for their notifying
    authority. Aggregates only: no case is named.
    """
    rows = Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY)
    if region is not None:
        rows = rows.filter(region=region)
    return (
        rows.values("pk", "name", "code", "region_id", "region__name", "region__gss_code")
        .annotate(**_region_figures(today=today, year_start=year_start))
        .order_by(*_ordering(sort, name="name"))
    )


def region_figures(*, today, year_start, sort="name", region=None):
    """The same figures for each region (every authority in it), in one query."""
    rows = Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY)
    if region is not None:
        rows = rows.filter(region=region)
    return (
        rows.values("region_id", "region__name", "region__gss_code")
        .annotate(authorities=Count("pk", distinct=True), **_region_figures(today=today, year_start=year_start))
        .order_by(*_ordering(sort, name="region__gss_code"))
    )


def england_figures(*, today, year_start):
    """The same figures for England as a whole."""
    return Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY).aggregate(
        authorities=Count("pk", distinct=True), **_region_figures(today=today, year_start=year_start)
    )
