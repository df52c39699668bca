"""The annual report's figures (data-standard.md, "The annual report"), counted by the database.

`annual_report(date_from=, date_to=)` is what the `annual_report` command prints and what
GET /api/v1/reports/annual/ returns. Every figure is an aggregate over the population in a handful of
queries (conditional counts, sums and GROUP BYs), whatever the number of cases; working days come from
the service's calendar through reports.models.WorkingDayIndex.
"""

from django.db.models import Case, Count, F, FilteredRelation, Q, Sum, Value, When
from django.db.models.functions import Coalesce, NullIf, TruncMonth
from django.utils import timezone

from incidents.codes import (
    DEATH_CAUSES,
    ETHNICITY_GROUPS,
    SERIOUS_HARM_CAUSES,
    AgeGroup,
    CareOrder,
    Channel,
    Ethnicity,
    History,
    LcsprDecision,
    LookedAfter,
    PanelPosition,
    Reason,
    Sex,
    TriState,
)
from incidents.models import Child, Incident
from organisations.reference_data import REGIONS
from reviews.models import RapidReview

from .models import WorkingDayIndex

DATE_BASIS = "incident_date"

# Working Together: the authority notifies within 5 working days (the report measures them from the
# incident date), and the partnership sends its rapid review within 15 working days of notification;
# the report also counts those within 20.
NOTIFICATION_WORKING_DAYS = 5
RAPID_REVIEW_WORKING_DAYS = (15, 20)
# The nearest-rank 90th percentile: the smallest lag that at least 90% of lags do not exceed.
PERCENTILE = 90

# What the social care tables count of each history: the values that say there was some.
SOCIAL_CARE = {
    "family_known_to_csc": (History.CURRENT, History.PREVIOUS),
    "child_in_need": (History.CURRENT, History.PREVIOUS),
    "child_protection_plan": (History.CURRENT, History.PREVIOUS),
    "looked_after": (
        LookedAfter.FOSTER_CARE,
        LookedAfter.RESIDENTIAL_HOME,
        LookedAfter.OTHER_RESIDENTIAL,
        LookedAfter.PREVIOUS,
    ),
    "care_order": (
        CareOrder.CARE_PROCEEDINGS,
        CareOrder.EMERGENCY_OR_INTERIM,
        CareOrder.PERMANENT,
        CareOrder.OTHER_ORDER,
        CareOrder.PREVIOUS,
    ),
}
# The causes tables, by reason at review, each with its own list of causes.
CAUSES = {Reason.DEATH: DEATH_CAUSES, Reason.SERIOUS_HARM: SERIOUS_HARM_CAUSES}
# "death" and "serious_harm" in the causes and social care tables follow the reason at review.
REVIEW_REASONS = (Reason.DEATH, Reason.SERIOUS_HARM)
NOT_RECORDED = "not_recorded"

# A rapid review reached the Panel: once sent it is received or returned for more information, never
# awaited again. (An imported review may be received with no date recorded.)
RAPID_REVIEW_RECEIVED = Q(rapid_review__status__in=[RapidReview.Status.SUBMITTED, RapidReview.Status.RETURNED]) | Q(
    rapid_review__first_sent_on__isnull=False
)
# A case opened from a rapid review nobody notified is retrospective when notified, whatever the dates
# (Incident.retrospective); for any other, as for imported history, the notification came after the
# rapid review (domain.md, "Retrospective notification").
RETROSPECTIVE = Q(retrospective=True) | Q(notified_on__gt=F("rapid_review__first_sent_on"))


# The report's shape ------------------------------------------------------------------------------------


def months_of(date_from, date_to):
    """Every month the period touches, as YYYY-MM."""
    months, year, month = [], date_from.year, date_from.month
    while (year, month) <= (date_to.year, date_to.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _zeros(keys):
    return {str(key): 0 for key in keys}


def _by_review_reason():
    return {"death": 0, "serious_harm": 0, "total": 0}


def report_skeleton(*, date_from, date_to):
    """The annual report with every key the data standard lists, every count 0."""
    reasons = Reason.values
    return {
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat(), "date_basis": DATE_BASIS},
        "notifications": {
            "total": 0,
            "by_reason": _zeros(reasons),
            "by_month": {month: {**_zeros(reasons), "total": 0} for month in months_of(date_from, date_to)},
            "by_region": _zeros(REGIONS),
            "with_multiple_children": 0,
            "children_involved": 0,
            "awaiting_rapid_review": 0,
        },
        "timeliness": {
            "with_notification_date": 0,
            f"within_{NOTIFICATION_WORKING_DAYS}_working_days_of_incident": 0,
            "lag_working_days_mean": None,
            "lag_working_days_p90": None,
            "retrospective": 0,
            "offline": 0,
            "rapid_reviews_assessed": 0,
            **{f"rapid_review_within_{n}_working_days": 0 for n in RAPID_REVIEW_WORKING_DAYS},
        },
        "decisions": _zeros(
            [
                "recorded",
                "lcspr_required",
                "lcspr_not_required",
                "panel_assessed",
                "panel_agreed",
                "panel_disagreed_further_learning",
                "panel_disagreed_limited_learning",
            ]
        ),
        "children": {
            "reason_at_review": _zeros(reasons),
            "age_group": _zeros(AgeGroup.values),
            "sex": _zeros(Sex.values),
            "age_group_by_sex": {str(group): _zeros(Sex.values) for group in AgeGroup.values},
            "ethnicity": _zeros(Ethnicity.values),
            "ethnicity_group": _zeros(ETHNICITY_GROUPS),
            "ethnicity_recorded": 0,
            "disability": _zeros(TriState.values),
        },
        "causes": {
            str(reason): {cause: {"female": 0, "male": 0, "total": 0} for cause in causes}
            for reason, causes in CAUSES.items()
        },
        "social_care": {
            name: {str(value): _by_review_reason() for value in values} for name, values in SOCIAL_CARE.items()
        },
    }


# The population --------------------------------------------------------------------------------------


def population(*, date_from, date_to):
    """The report's cases: incident date in the period (both ends included), notification not withdrawn,
    a rapid review received (data standard). A draft never has a rapid review, so is never among them."""
    return (
        Incident.objects.filter(incident_date__gte=date_from, incident_date__lte=date_to)
        .exclude(status__in=[Incident.Status.WITHDRAWN, Incident.Status.DRAFT])
        .filter(RAPID_REVIEW_RECEIVED)
        .order_by()
    )


def awaiting_rapid_review(*, date_from, date_to):
    """Notified cases in the period still expecting a rapid review: none received, and the Panel has
    not accepted that none is needed. Outside the population; drafts are nobody's statistic yet."""
    return (
        Incident.objects.filter(
            incident_date__gte=date_from, incident_date__lte=date_to, status=Incident.Status.NOTIFIED
        )
        .exclude(RAPID_REVIEW_RECEIVED)
        .exclude(rapid_review__status=RapidReview.Status.NOT_NEEDED_ACCEPTED)
        .order_by()
    )


def _index_child(name):
    """The index child's characteristic; not recorded when a case names no index child."""
    return Coalesce(F(f"index_child__{name}"), Value(NOT_RECORDED))


def _age_group():
    """incidents.codes.age_group, in SQL."""
    age = "index_child__age_years"
    return Case(
        When(**{f"{age}__isnull": True}, then=Value(AgeGroup.NOT_RECORDED)),
        When(**{f"{age}__lt": 1}, then=Value(AgeGroup.UNDER_1)),
        When(**{f"{age}__lte": 5}, then=Value(AgeGroup.AGE_1_TO_5)),
        When(**{f"{age}__lte": 10}, then=Value(AgeGroup.AGE_6_TO_10)),
        When(**{f"{age}__lte": 15}, then=Value(AgeGroup.AGE_11_TO_15)),
        default=Value(AgeGroup.AGE_16_TO_17),
    )


def case_rows(*, date_from, date_to):
    """The population with its reasons and its index child's characteristics, once per case."""
    return (
        population(date_from=date_from, date_to=date_to)
        .alias(index_child=FilteredRelation("children", condition=Q(children__is_index=True)))
        .annotate(
            reason_notified=Coalesce(NullIf("reason_at_notification", Value("")), "reason"),
            reason_reviewed=F("rapid_review__reason_at_review"),
            sex=_index_child("sex"),
            age_group=_age_group(),
            ethnicity=_index_child("ethnicity"),
            disability=_index_child("disability"),
            **{name: _index_child(name) for name in SOCIAL_CARE},
        )
    )


# Each date the report counts working days between, and its entry in the index (reports.models.CaseDate).
DATE_ENTRIES = {
    "incident_date": "incident_date_entry",
    "notified_on": "notified_on_entry",
    "rapid_review__first_sent_on": "rapid_review__first_sent_on_entry",
}


def day_ordinal(date_field, column="ordinal"):
    """A case's date as its ordinal among working days (or its next_ordinal), joined from the index."""
    return F(f"{DATE_ENTRIES[date_field]}__{column}")


def report_rows(*, date_from, date_to):
    """case_rows with the ordinals of each case's dates among working days: the incident, the
    notification and the rapid review's first sending."""
    return case_rows(date_from=date_from, date_to=date_to).annotate(
        incident_day=day_ordinal("incident_date"),
        notified_day=day_ordinal("notified_on"),
        notified_by_day=day_ordinal("notified_on", "next_ordinal"),
        reviewed_day=day_ordinal("rapid_review__first_sent_on"),
        reviewed_by_day=day_ordinal("rapid_review__first_sent_on", "next_ordinal"),
    )


# The working-day lag from the incident to its notification.
LAG = F("notified_day") - F("incident_day")


# Conditions --------------------------------------------------------------------------------------------


def _within(date_by_day, start_day, working_days):
    """On or before add_working_days(start, n), for a date and a start given by their ordinals."""
    return Q(**{f"{date_by_day}__lte": F(start_day) + working_days})


def assessed():
    """Both dates known and the notification not retrospective: the rapid review's timeliness is measured."""
    return Q(notified_on__isnull=False, rapid_review__first_sent_on__isnull=False) & ~RETROSPECTIVE


def _flat_conditions():
    """Each figure counted by a conditional COUNT: its place in the report and its condition."""
    review = "rapid_review__"
    lcspr = f"{review}lcspr_decision"
    conditions = {
        ("notifications", "total"): Q(),
        ("timeliness", "with_notification_date"): Q(notified_on__isnull=False),
        ("timeliness", f"within_{NOTIFICATION_WORKING_DAYS}_working_days_of_incident"): Q(notified_on__isnull=False)
        & _within("notified_by_day", "incident_day", NOTIFICATION_WORKING_DAYS),
        ("timeliness", "retrospective"): RETROSPECTIVE,
        ("timeliness", "offline"): Q(channel=Channel.OFFLINE),
        ("timeliness", "rapid_reviews_assessed"): assessed(),
        ("decisions", "recorded"): ~Q(**{lcspr: ""}),
        ("decisions", "lcspr_required"): Q(**{lcspr: LcsprDecision.REQUIRED}),
        ("decisions", "lcspr_not_required"): Q(**{lcspr: LcsprDecision.NOT_REQUIRED}),
        ("decisions", "panel_assessed"): ~Q(**{f"{review}panel_position": ""}),
        ("decisions", "panel_agreed"): Q(**{f"{review}panel_position": PanelPosition.AGREE}),
        ("decisions", "panel_disagreed_further_learning"): Q(
            **{f"{review}panel_position": PanelPosition.DISAGREE, lcspr: LcsprDecision.NOT_REQUIRED}
        ),
        ("decisions", "panel_disagreed_limited_learning"): Q(
            **{f"{review}panel_position": PanelPosition.DISAGREE, lcspr: LcsprDecision.REQUIRED}
        ),
        ("children", "ethnicity_recorded"): ~Q(ethnicity=Ethnicity.NOT_RECORDED),
    }
    for n in RAPID_REVIEW_WORKING_DAYS:
        conditions[("timeliness", f"rapid_review_within_{n}_working_days")] = assessed() & _within(
            "reviewed_by_day", "notified_day", n
        )
    for reason in Reason.values:
        conditions[("notifications", "by_reason", reason)] = Q(reason_notified=reason)
        conditions[("children", "reason_at_review", reason)] = Q(reason_reviewed=reason)
    for name, codes in (
        ("age_group", AgeGroup.values),
        ("sex", Sex.values),
        ("ethnicity", Ethnicity.values),
        ("disability", TriState.values),
    ):
        for code in codes:
            conditions[("children", name, code)] = Q(**{name: code})
    for group, codes in ETHNICITY_GROUPS.items():
        conditions[("children", "ethnicity_group", group)] = Q(ethnicity__in=codes)
    for name, values in SOCIAL_CARE.items():
        for value in values:
            conditions[("social_care", name, value, "total")] = Q(**{name: value})
            for reason in REVIEW_REASONS:
                conditions[("social_care", name, value, reason)] = Q(**{name: value, "reason_reviewed": reason})
    return conditions


# The report ----------------------------------------------------------------------------------------------


def _put(report, path, value):
    *parents, key = path
    for name in parents:
        report = report[name]
    report[key] = value


def annual_report(*, date_from, date_to):
    """The annual report for incidents from `date_from` to `date_to` (both included), as data-standard.md
    sets it out: every key present, counts as integers.

    Where the standard is silent: a case opened from a rapid review whose authority has not yet notified
    it is in the population (its review was received) with no notification date, and its reason at
    notification is the reason it was opened with. The lag's mean is rounded to 2 decimal places; the
    mean and the 90th percentile are None (null) when no case has a notification date.
    """
    WorkingDayIndex.objects.cover(first=date_from, last=max(date_to, timezone.localdate()))
    report = report_skeleton(date_from=date_from, date_to=date_to)
    rows = report_rows(date_from=date_from, date_to=date_to)
    cases = case_rows(date_from=date_from, date_to=date_to)

    # One query for every flat count and the lags' count and sum. The aliases are generated: a figure's
    # path would make a column name too long for PostgreSQL.
    conditions = list(_flat_conditions().items())
    aggregates = {f"f{i}": Count("pk", filter=condition) for i, (_path, condition) in enumerate(conditions)}
    totals = rows.aggregate(**aggregates, lags=Count("notified_day"), lag_sum=Sum(LAG))
    for i, (path, _condition) in enumerate(conditions):
        _put(report, path, totals[f"f{i}"])

    notifications = report["notifications"]
    per_case = (
        Child.objects.filter(incident__in=population(date_from=date_from, date_to=date_to))
        .values("incident")
        .annotate(n=Count("pk"))
    )
    involved = per_case.aggregate(children=Sum("n"), multiple=Count("incident", filter=Q(n__gt=1)))
    notifications["children_involved"] = involved["children"] or 0
    notifications["with_multiple_children"] = involved["multiple"]

    timeliness = report["timeliness"]
    if totals["lags"]:
        timeliness["lag_working_days_mean"] = round(totals["lag_sum"] / totals["lags"], 2)
        timeliness["lag_working_days_p90"] = _nearest_rank(rows.annotate(lag=LAG), "lag", count=totals["lags"])

    for row in cases.values(month=TruncMonth("incident_date"), reason_at=F("reason_notified")).annotate(n=Count("pk")):
        month = notifications["by_month"][row["month"].strftime("%Y-%m")]
        if row["reason_at"] in month:
            month[row["reason_at"]] += row["n"]
        month["total"] += row["n"]
    for row in cases.values(region=F("notifying_la__region__name")).annotate(n=Count("pk")):
        by_region = notifications["by_region"]
        by_region[row["region"]] = by_region.get(row["region"], 0) + row["n"]
    notifications["awaiting_rapid_review"] = awaiting_rapid_review(date_from=date_from, date_to=date_to).count()

    children = report["children"]
    for row in cases.values("age_group", "sex").annotate(n=Count("pk")):
        children["age_group_by_sex"][row["age_group"]][row["sex"]] = row["n"]

    causes = cases.filter(reason_reviewed__in=REVIEW_REASONS).exclude(rapid_review__likely_cause="")
    for row in causes.values("reason_reviewed", "sex", cause=F("rapid_review__likely_cause")).annotate(n=Count("pk")):
        counts = report["causes"][row["reason_reviewed"]].get(row["cause"])
        if counts is None:
            continue  # a cause from the other reason's list: the services never record one
        counts["total"] += row["n"]
        if row["sex"] in counts:
            counts[row["sex"]] += row["n"]
    return report


def _nearest_rank(rows, field, *, count):
    """The nearest-rank percentile: the value at rank ceil(P/100 x N) in ascending order, in one query."""
    rank = -(-PERCENTILE * count // 100)
    ordered = rows.filter(**{f"{field}__isnull": False}).order_by(field).values_list(field, flat=True)
    return list(ordered[rank - 1 : rank])[0]


def flatten(report, prefix=()):
    """(key path, value) for every figure: `children.age_group_by_sex.under_1.male`, 3."""
    for key, value in report.items():
        path = (*prefix, str(key))
        if isinstance(value, dict):
            yield from flatten(value, path)
        else:
            yield ".".join(path), value
