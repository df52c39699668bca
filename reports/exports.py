"""Analysts' exports: the pseudonymised case-level CSV, and the notification tables shaped like DfE's statistics.

Both read the records the lifecycle writes, in a fixed number of queries whatever the number of cases:
the case-level file streams one query's rows, and the DfE tables are database aggregates.
"""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.db.models import Case, CharField, Count, F, FilteredRelation, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf, TruncMonth

from deadlines.workingdays import WorkingCalendar
from incidents.codes import (
    ETHNICITY_GROUP_OF,
    ETHNICITY_GROUPS,
    AgeGroup,
    History,
    LookedAfter,
    PanelPosition,
    Reason,
    Sex,
    TriState,
    age_group,
)
from incidents.models import Child, Incident
from organisations.spreadsheets import csv_lines

# Pseudonyms -------------------------------------------------------------------------------------------

PSEUDONYM_PREFIX = "case-"
# 16 hex characters are 64 bits of the HMAC: ten years of cases (a few thousand) would all but never
# collide, and the rest of the digest adds nothing an analyst needs.
PSEUDONYM_HEX_LENGTH = 16
# Development only (DEBUG on): pseudonyms made with a key everybody knows are no secret, which is why a
# deployment without PSEUDONYM_KEY refuses to export at all.
DEVELOPMENT_PSEUDONYM_KEY = "development-pseudonym-key-not-secret"


class PseudonymKeyMissing(Exception):
    """The service has no PSEUDONYM_KEY and is not in development: no pseudonymised export is made."""


def pseudonym_key():
    """The secret behind the pseudonyms (shared/interfaces.md: PSEUDONYM_KEY; exports refuse to run
    without it outside development)."""
    key = getattr(settings, "PSEUDONYM_KEY", None)
    if key:
        return key.encode() if isinstance(key, str) else key
    if settings.DEBUG:
        return DEVELOPMENT_PSEUDONYM_KEY.encode()
    raise PseudonymKeyMissing(
        "Pseudonymised exports need PSEUDONYM_KEY: set it to a long random secret, kept the same from one "
        "export to the next so pseudonyms stay stable."
    )


def pseudonym(reference, *, key):
    """A stable keyed pseudonym for a case reference: HMAC-SHA256, so nobody without the key can link a
    pseudonym back to a reference by hashing references (they are sequential, and easily guessed)."""
    digest = hmac.new(key, reference.encode(), hashlib.sha256).hexdigest()
    return f"{PSEUDONYM_PREFIX}{digest[:PSEUDONYM_HEX_LENGTH]}"


# CSV streaming ----------------------------------------------------------------------------------------


def _month(day):
    return day.isoformat()[:7] if day else ""


def _yes_no(value):
    return "" if value is None else ("yes" if value else "no")


# The case-level export --------------------------------------------------------------------------------

# Every case anyone could count: a draft is the local authority's own until it is submitted.
CASE_EXPORT_STATUSES = (Incident.Status.NOTIFIED, Incident.Status.WITHDRAWN, Incident.Status.NOT_NOTIFIED)

# The child's characteristics as codes. Free text (disability type, placement details) is left out: it
# can name a school, a home or a condition, which is how a child would be recognised.
CHILD_CHARACTERISTICS = (
    "sex",
    "gender_identity_differs",
    "lgbtq",
    "ethnicity",
    "disability",
    "family_known_to_csc",
    "child_in_need",
    "child_protection_plan",
    "looked_after",
    "care_order",
)

CASE_COLUMNS = (
    "case_pseudonym",
    "status",
    "channel",
    "retrospective",
    "reason_at_notification",
    "reason",
    "reason_at_review",
    "likely_cause",
    "abuse_or_neglect",
    "region",
    "incident_month",
    "la_aware_month",
    "notification_month",
    "withdrawn_month",
    "rapid_review_status",
    "rapid_review_month",
    "working_days_incident_to_notification",
    "working_days_aware_to_notification",
    "working_days_notification_to_rapid_review",
    "lcspr_decision",
    "panel_position",
    "panel_disagreement",
    "national_review",
    "children_involved",
    "child_number",
    "is_index",
    "age_group",
    "ethnicity_group",
    *CHILD_CHARACTERISTICS,
)

_CASE_VALUES = (
    "reference",
    "status",
    "channel",
    "retrospective",
    "reason_at_notification",
    "reason",
    "abuse_or_neglect",
    "incident_date",
    "la_aware_date",
    "notified_on",
    "withdrawn_on",
    "notifying_la__region__name",
    "rapid_review__status",
    "rapid_review__first_sent_on",
    "rapid_review__reason_at_review",
    "rapid_review__likely_cause",
    "rapid_review__lcspr_decision",
    "rapid_review__panel_position",
    "rapid_review__national_review",
    "children__id",
    "children__is_index",
    "children__age_years",
    *(f"children__{name}" for name in CHILD_CHARACTERISTICS),
)

# Data standard: a disagreement with `not_required` is further learning; with `required`, limited learning.
PANEL_DISAGREEMENT = {"not_required": "further_learning", "required": "limited_learning"}


def case_export_queryset():
    """One row per child of every case that counts (one row with empty child columns for a case that names
    no child yet), in one query: a left join, read as plain values."""
    children_involved = (
        Child.objects.filter(incident=OuterRef("pk")).order_by().values("incident").annotate(n=Count("pk")).values("n")
    )
    return (
        Incident.objects.filter(status__in=CASE_EXPORT_STATUSES)
        .annotate(children_involved=Coalesce(Subquery(children_involved), 0))
        # By month of the incident, then as filed: the order says no more than the months already do.
        .order_by(TruncMonth("incident_date"), "pk", "-children__is_index", "children__id")
        .values(*_CASE_VALUES, "children_involved")
    )


def case_export(*, key=None):
    """The pseudonymised case-level CSV, as lines: the header, then one line per child.

    No names, no dates of birth (an age group instead), every date reduced to its month, the notifying
    local authority reduced to its region (a region has dozens of cases a year, an authority two or three),
    and the reference replaced by its keyed pseudonym. Raises PseudonymKeyMissing before anything is read.
    """
    key = key or pseudonym_key()
    return csv_lines(_case_rows(key))


def _case_rows(key):
    yield CASE_COLUMNS
    calendar = WorkingCalendar.from_database()
    reference, case, child_number = None, None, 0
    for row in case_export_queryset().iterator(chunk_size=2000):
        if row["reference"] != reference:  # a case's children come together, its index child first
            reference, case, child_number = row["reference"], _case_values(row, key=key, calendar=calendar), 0
        if row["children__id"] is None:
            yield [case.get(column, "") for column in CASE_COLUMNS]
            continue
        child_number += 1
        child = {**case, **_child_values(row, child_number=child_number)}
        yield [child.get(column, "") for column in CASE_COLUMNS]


def _lag(calendar, first, second):
    return calendar.working_day_lag(first, second) if first and second else ""


def _case_values(row, *, key, calendar):
    """The case's columns, the same on each of its children's rows."""
    review_sent_on = row["rapid_review__first_sent_on"]
    lcspr_decision = row["rapid_review__lcspr_decision"] or ""
    panel_position = row["rapid_review__panel_position"] or ""
    return {
        "case_pseudonym": pseudonym(row["reference"], key=key),
        "status": row["status"],
        "channel": row["channel"],
        "retrospective": _yes_no(row["retrospective"]),
        "reason_at_notification": row["reason_at_notification"],
        "reason": row["reason"],
        "reason_at_review": row["rapid_review__reason_at_review"] or "",
        "likely_cause": row["rapid_review__likely_cause"] or "",
        "abuse_or_neglect": row["abuse_or_neglect"],
        "region": row["notifying_la__region__name"] or "",
        "incident_month": _month(row["incident_date"]),
        "la_aware_month": _month(row["la_aware_date"]),
        "notification_month": _month(row["notified_on"]),
        "withdrawn_month": _month(row["withdrawn_on"]),
        "rapid_review_status": row["rapid_review__status"] or "",
        "rapid_review_month": _month(review_sent_on),
        "working_days_incident_to_notification": _lag(calendar, row["incident_date"], row["notified_on"]),
        "working_days_aware_to_notification": _lag(calendar, row["la_aware_date"], row["notified_on"]),
        "working_days_notification_to_rapid_review": _lag(calendar, row["notified_on"], review_sent_on),
        "lcspr_decision": lcspr_decision,
        "panel_position": panel_position,
        "panel_disagreement": PANEL_DISAGREEMENT.get(lcspr_decision, "")
        if panel_position == PanelPosition.DISAGREE
        else "",
        "national_review": row["rapid_review__national_review"] or "",
        "children_involved": row["children_involved"],
    }


def _child_values(row, *, child_number):
    """A child's columns: an age group for the age, codes for the rest; never a name or a date of birth."""
    ethnicity = row["children__ethnicity"]
    return {
        "child_number": child_number,
        "is_index": _yes_no(row["children__is_index"]),
        "age_group": age_group(row["children__age_years"]),
        "ethnicity_group": ETHNICITY_GROUP_OF.get(ethnicity, ethnicity),
        **{name: row[f"children__{name}"] for name in CHILD_CHARACTERISTICS},
    }


# The DfE-shaped notification tables ---------------------------------------------------------------------

DFE_COLUMNS = ("reporting_year", "characteristic", "value", "death", "serious_harm", "other", "total")
NATURES = tuple(Reason.values)  # death, serious_harm, other

# An ethnicity outside the five groups is kept as itself: refused is not the same as not recorded.
ETHNICITY_GROUP_VALUES = (*ETHNICITY_GROUPS, "refused", "not_recorded")
# The highest age in whole years in each age group, youngest first (incidents.codes.age_group).
AGE_GROUP_CEILINGS = (
    (0, AgeGroup.UNDER_1),
    (5, AgeGroup.AGE_1_TO_5),
    (10, AgeGroup.AGE_6_TO_10),
    (15, AgeGroup.AGE_11_TO_15),
    (17, AgeGroup.AGE_16_TO_17),
)


def _index_child(name, *, not_recorded="not_recorded"):
    # No index child yet (a notification may name none): every characteristic is not recorded.
    return Coalesce(F(f"index_child__{name}"), Value(not_recorded), output_field=CharField())


def _age_group_expression():
    return Case(
        When(index_child__age_years__isnull=True, then=Value(AgeGroup.NOT_RECORDED.value)),
        *(When(index_child__age_years__lte=ceiling, then=Value(group.value)) for ceiling, group in AGE_GROUP_CEILINGS),
        default=Value(AgeGroup.NOT_RECORDED.value),
        output_field=CharField(),
    )


def _ethnicity_group_expression():
    return Case(
        *(When(index_child__ethnicity__in=codes, then=Value(group)) for group, codes in ETHNICITY_GROUPS.items()),
        When(index_child__ethnicity="refused", then=Value("refused")),
        default=Value("not_recorded"),
        output_field=CharField(),
    )


# Each table: the characteristic's name, how the index child's value is read, and every value it can take
# (so a table lists every code, with zeros where nothing was counted).
DFE_CHARACTERISTICS = (
    ("looked_after", lambda: _index_child("looked_after"), tuple(LookedAfter.values)),
    ("sex", lambda: _index_child("sex"), tuple(Sex.values)),
    ("age_group", _age_group_expression, tuple(AgeGroup.values)),
    ("ethnicity_group", _ethnicity_group_expression, ETHNICITY_GROUP_VALUES),
    ("disability", lambda: _index_child("disability"), tuple(TriState.values)),
    ("child_protection_plan", lambda: _index_child("child_protection_plan"), tuple(History.values)),
    ("child_in_need", lambda: _index_child("child_in_need"), tuple(History.values)),
    ("family_known_to_csc", lambda: _index_child("family_known_to_csc"), tuple(History.values)),
)


def reporting_year_label(year):
    """The reporting year that starts on 1 April `year`: 2022 is "2022-23"."""
    return f"{year}-{(year + 1) % 100:02d}"


def latest_reporting_year(today):
    """The reporting year `today` falls in (the one in progress): the last a table can be asked for."""
    return today.year if today.month >= 4 else today.year - 1


def reporting_year_dates(year):
    """DfE's reporting year, 1 April to 31 March, both days included."""
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


def dfe_queryset(*, from_year, to_year):
    """Notifications made in the reporting years (by notification date) and not withdrawn, each with its
    reporting year, its nature (the reason at notification) and its index child joined alongside."""
    years = range(from_year, to_year + 1)
    return (
        Incident.objects.filter(
            status=Incident.Status.NOTIFIED,
            notified_on__range=(reporting_year_dates(from_year)[0], reporting_year_dates(to_year)[1]),
        )
        .annotate(
            index_child=FilteredRelation("children", condition=Q(children__is_index=True)),
            reporting_year=Case(
                *(
                    When(notified_on__range=reporting_year_dates(year), then=Value(reporting_year_label(year)))
                    for year in years
                ),
                output_field=CharField(),
            ),
            # Cases from before the reason at notification was kept apart have only `reason`.
            nature=Coalesce(NullIf(F("reason_at_notification"), Value("")), F("reason"), output_field=CharField()),
        )
        .order_by()
    )


def dfe_tables(*, from_year, to_year):
    """The DfE-shaped tables as rows (dicts of DFE_COLUMNS): for each reporting year, all notifications,
    then each characteristic of the index child with every one of its codes.

    Each incident counts once, by its index child: one notification per incident (Working Together), and
    its nature is the index child's (the child with the most obvious serious harm or death). One
    aggregate query per characteristic, whatever the number of cases or years.
    """
    if from_year > to_year:
        raise ValueError("The first reporting year comes after the last.")
    counted = {}
    notifications = dfe_queryset(from_year=from_year, to_year=to_year)
    by_nature = {nature: Count("pk", filter=Q(nature=nature)) for nature in NATURES}
    for name, expression, _values in DFE_CHARACTERISTICS:
        rows = notifications.values("reporting_year", value=expression()).annotate(**by_nature, total=Count("pk"))
        for row in rows:
            counted[row["reporting_year"], name, row["value"]] = row

    tables = []
    for year in range(from_year, to_year + 1):
        label = reporting_year_label(year)
        # Every notification has exactly one sex code (not_recorded included), so the sex table adds up to all.
        all_row = {"reporting_year": label, "characteristic": "notifications", "value": "all"}
        for column in (*NATURES, "total"):
            all_row[column] = sum(counted.get((label, "sex", sex), {}).get(column, 0) for sex in Sex.values)
        tables.append(all_row)
        for name, _expression, values in DFE_CHARACTERISTICS:
            for value in values:
                found = counted.get((label, name, value), {})
                tables.append(
                    {
                        "reporting_year": label,
                        "characteristic": name,
                        "value": value,
                        **{column: found.get(column, 0) for column in (*NATURES, "total")},
                    }
                )
    return tables


def dfe_export(*, from_year, to_year):
    """The DfE-shaped tables as CSV lines. Counts, never a case: no pseudonym, so no key is needed."""
    tables = dfe_tables(from_year=from_year, to_year=to_year)
    return csv_lines([DFE_COLUMNS, *([row[column] for column in DFE_COLUMNS] for row in tables)])


def lines_write(lines, *, path=None, stream=None):
    """Write CSV lines to the file at `path` (UTF-8), or else to a command's `stream`; returns the number of
    rows under the header."""
    if path:
        with open(path, "w", encoding="utf-8", newline="") as file:
            return _written(lines, file.write)
    return _written(lines, lambda line: stream.write(line, ending=""))


def _written(lines, write):
    count = 0
    for line in lines:
        write(line)
        count += 1
    return count - 1
