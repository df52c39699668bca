"""The annual report as the reports page shows it: tables of counts with percentages, and the data for
its charts. Every count comes from reports.figures (or, for the lag distributions, the same rows counted
by the database); nothing here counts cases in Python.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q

from incidents.codes import AgeGroup, Ethnicity, LookedAfter, Reason, Sex, TriState

from .figures import assessed, report_rows
from .models import ETHNICITY_GROUP_CODES, CensusComparator

# Buckets of working days (inclusive bounds; None is open-ended) for the lag distributions.
NOTIFICATION_LAG_BUCKETS = [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 10), (11, 20), (21, 60), (61, None)]
RAPID_REVIEW_LAG_BUCKETS = [(0, 5), (6, 10), (11, 15), (16, 20), (21, 30), (31, 60), (61, None)]
GROUP_LABELS = {"white": "White", "mixed": "Mixed", "asian": "Asian", "black": "Black", "other": "Other"}
HISTORY_LABELS = {"current": "At the time of the incident", "previous": "Previously"}


def percentage(count, of):
    """A share for display, to one decimal place (half up); empty when there is nothing to share."""
    if not of or count is None:
        return ""
    share = Decimal(count) * 100 / Decimal(of)
    return f"{share.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


@dataclass
class Table:
    """One table of the page, and the CSV of the same name. Rows are label then values."""

    name: str
    caption: str
    columns: list
    rows: list
    chart: dict = field(default_factory=dict)
    note: str = ""


def last_complete_year(today):
    """The last complete April-to-March year before `today`."""
    end_year = today.year if today >= datetime.date(today.year, 4, 1) else today.year - 1
    return datetime.date(end_year - 1, 4, 1), datetime.date(end_year, 3, 31)


def _bucket_label(low, high):
    if high is None:
        return f"{low} or more"
    return str(low) if low == high else f"{low} to {high}"


def _distribution(rows, lag, buckets):
    """How many rows fall in each bucket of `lag` (working days), counted by the database in one query."""
    aggregates = {}
    for number, (low, high) in enumerate(buckets):
        condition = Q(lag__gte=low) if high is None else Q(lag__gte=low, lag__lte=high)
        aggregates[f"b{number}"] = Count("pk", filter=condition)
    counts = rows.annotate(lag=lag).aggregate(**aggregates)
    return [(_bucket_label(low, high), counts[f"b{n}"]) for n, (low, high) in enumerate(buckets)]


def lag_distributions(*, date_from, date_to):
    """Working days from incident to notification, and from notification to the rapid review (for the
    reviews whose timeliness is assessed), in buckets."""
    rows = report_rows(date_from=date_from, date_to=date_to)
    notification = _distribution(
        rows.filter(notified_on__isnull=False), F("notified_day") - F("incident_day"), NOTIFICATION_LAG_BUCKETS
    )
    reviewed = rows.filter(assessed())
    review = _distribution(reviewed, F("reviewed_day") - F("notified_day"), RAPID_REVIEW_LAG_BUCKETS)
    return notification, review


def _share(label, count, of, of_label):
    """A row of a table of shares: what, how many, their per cent of what."""
    return [label, count, percentage(count, of), of_label]


def _counts_table(name, caption, counts, labels, *, of, chart_title=None):
    rows = [[labels.get(key, key), count, percentage(count, of)] for key, count in counts.items()]
    chart = {}
    if chart_title:
        chart = {"title": chart_title, "categories": [r[0] for r in rows], "series": {"Number": [r[1] for r in rows]}}
    return Table(name, caption, ["", "Number", "Per cent"], rows, chart)


def _labels(choices):
    return {str(value): str(label) for value, label in choices}


def report_tables(report, *, distributions, comparator=None):
    """The page's tables, in the order the page shows them."""
    notifications, timeliness, decisions = report["notifications"], report["timeliness"], report["decisions"]
    children = report["children"]
    total = notifications["total"]
    reasons = _labels(Reason.choices)
    tables = []

    months = notifications["by_month"]
    tables.append(
        Table(
            "notifications_by_month",
            "Notifications by month of the incident and reason at notification",
            ["Month", *reasons.values(), "Total"],
            [[month, *(values[r] for r in reasons), values["total"]] for month, values in months.items()],
            chart={
                "title": "Notifications by month of the incident and reason at notification",
                "categories": list(months),
                "series": {label: [months[m][code] for m in months] for code, label in reasons.items()},
            },
        )
    )
    tables.append(
        _counts_table(
            "notifications_by_reason", "Notifications by reason", notifications["by_reason"], reasons, of=total
        )
    )
    tables.append(
        _counts_table("notifications_by_region", "Notifications by region", notifications["by_region"], {}, of=total)
    )
    with_date = timeliness["with_notification_date"]
    assessed = timeliness["rapid_reviews_assessed"]
    tables.append(
        Table(
            "timeliness",
            "Timeliness",
            ["", "Number", "Per cent", "Of"],
            [
                ["Notifications in the report", total, "", ""],
                _share("With a notification date", with_date, total, "all notifications"),
                _share(
                    "Notified within 5 working days of the incident",
                    timeliness["within_5_working_days_of_incident"],
                    with_date,
                    "those with a notification date",
                ),
                ["Mean working days to notification", timeliness["lag_working_days_mean"], "", ""],
                ["90th percentile of working days to notification", timeliness["lag_working_days_p90"], "", ""],
                _share("Retrospective notifications", timeliness["retrospective"], total, "all notifications"),
                _share("Offline notifications", timeliness["offline"], total, "all notifications"),
                ["Rapid reviews assessed for timeliness", assessed, "", ""],
                _share(
                    "Rapid review within 15 working days",
                    timeliness["rapid_review_within_15_working_days"],
                    assessed,
                    "rapid reviews assessed",
                ),
                _share(
                    "Rapid review within 20 working days",
                    timeliness["rapid_review_within_20_working_days"],
                    assessed,
                    "rapid reviews assessed",
                ),
                [
                    "Incidents awaiting a rapid review (not in the report)",
                    notifications["awaiting_rapid_review"],
                    "",
                    "",
                ],
            ],
        )
    )
    notification_lags, review_lags = distributions
    for name, caption, lags in (
        ("notification_lag", "Working days from the incident to its notification", notification_lags),
        ("rapid_review_lag", "Working days from the notification to the rapid review", review_lags),
    ):
        of = sum(count for _label, count in lags)
        tables.append(
            Table(
                name,
                caption,
                ["Working days", "Number", "Per cent"],
                [[label, count, percentage(count, of)] for label, count in lags],
                chart={
                    "title": caption,
                    "categories": [label for label, _ in lags],
                    "series": {"Number": [c for _, c in lags]},
                },
            )
        )
    recorded = decisions["recorded"]
    assessed_by_panel = decisions["panel_assessed"]
    tables.append(
        Table(
            "decisions",
            "Local review decisions and the Panel's position",
            ["", "Number", "Per cent", "Of"],
            [
                _share("Decisions recorded", recorded, total, "all notifications"),
                _share("Local review required", decisions["lcspr_required"], recorded, "decisions"),
                _share("Local review not required", decisions["lcspr_not_required"], recorded, "decisions"),
                _share("Assessed by the Panel", assessed_by_panel, recorded, "decisions"),
                _share("The Panel agreed", decisions["panel_agreed"], assessed_by_panel, "assessed"),
                _share(
                    "The Panel disagreed: further learning",
                    decisions["panel_disagreed_further_learning"],
                    assessed_by_panel,
                    "assessed",
                ),
                _share(
                    "The Panel disagreed: limited learning",
                    decisions["panel_disagreed_limited_learning"],
                    assessed_by_panel,
                    "assessed",
                ),
            ],
            chart={
                "title": "Local review decisions and the Panel's position",
                "categories": [
                    "Local review required",
                    "Local review not required",
                    "Panel agreed",
                    "Panel disagreed: further learning",
                    "Panel disagreed: limited learning",
                ],
                "series": {
                    "Number": [
                        decisions["lcspr_required"],
                        decisions["lcspr_not_required"],
                        decisions["panel_agreed"],
                        decisions["panel_disagreed_further_learning"],
                        decisions["panel_disagreed_limited_learning"],
                    ]
                },
                "horizontal": True,
            },
        )
    )
    tables.append(
        _counts_table("reason_at_review", "Reason at rapid review", children["reason_at_review"], reasons, of=total)
    )
    sexes = _labels(Sex.choices)
    ages = _labels(AgeGroup.choices)
    by_sex = children["age_group_by_sex"]
    tables.append(
        Table(
            "age_by_sex",
            "The index child's age group by sex",
            ["Age group", *sexes.values(), "Total"],
            [[ages[group], *(by_sex[group][s] for s in sexes), sum(by_sex[group].values())] for group in ages],
            chart={
                "title": "The index child's age group by sex",
                "categories": list(ages.values()),
                "series": {label: [by_sex[group][code] for group in ages] for code, label in sexes.items()},
                "stacked": False,
            },
        )
    )
    groups = children["ethnicity_group"]
    recorded_ethnicity = sum(groups.values())
    shares = {}
    if comparator is not None:
        shares = {share.ethnicity_group: share.percentage for share in comparator.shares.all()}
    tables.append(
        Table(
            "ethnicity_group",
            "The index child's ethnic group, against the census",
            ["Ethnic group", "Number", "Per cent of those recorded", f"{comparator.name}" if comparator else "Census"],
            [
                [
                    GROUP_LABELS[g],
                    groups[g],
                    percentage(groups[g], recorded_ethnicity),
                    f"{shares[g]}%" if g in shares else "",
                ]
                for g in ETHNICITY_GROUP_CODES
            ],
            chart={
                "title": "The index child's ethnic group against the census, per cent",
                "categories": [GROUP_LABELS[g] for g in ETHNICITY_GROUP_CODES],
                "series": {
                    "Children in these cases": [
                        float(groups[g] * 100 / recorded_ethnicity) if recorded_ethnicity else 0
                        for g in ETHNICITY_GROUP_CODES
                    ],
                    **(
                        {comparator.name: [float(shares.get(g, 0)) for g in ETHNICITY_GROUP_CODES]}
                        if comparator
                        else {}
                    ),
                },
                "stacked": False,
                "ylabel": "Per cent",
            },
            note="" if comparator else "No census comparator is loaded: an administrator adds one in the admin.",
        )
    )
    tables.append(
        _counts_table(
            "ethnicity", "The index child's ethnicity", children["ethnicity"], _labels(Ethnicity.choices), of=total
        )
    )
    tables.append(
        _counts_table(
            "disability", "The index child's disability", children["disability"], _labels(TriState.choices), of=total
        )
    )
    for reason in ("death", "serious_harm"):
        causes = report["causes"][reason]
        cause_total = sum(c["total"] for c in causes.values())
        tables.append(
            Table(
                f"causes_{reason}",
                f"Likely causes: {reasons[reason].lower()} (reason at rapid review)",
                ["Likely cause", "Female", "Male", "Total", "Per cent"],
                [
                    [
                        cause.replace("_", " ").capitalize(),
                        c["female"],
                        c["male"],
                        c["total"],
                        percentage(c["total"], cause_total),
                    ]
                    for cause, c in causes.items()
                ],
            )
        )
    history_names = {
        "family_known_to_csc": ("Family known to children's social care", HISTORY_LABELS),
        "child_in_need": ("Child in need", HISTORY_LABELS),
        "child_protection_plan": ("Child protection plan", HISTORY_LABELS),
        "looked_after": ("Looked after", _labels(LookedAfter.choices)),
        "care_order": ("Care order", {}),
    }
    for name, (caption, labels) in history_names.items():
        values = report["social_care"][name]
        tables.append(
            Table(
                f"social_care_{name}",
                f"Social care history: {caption.lower()}",
                ["", "Death", "Serious harm", "Total", "Per cent"],
                [
                    [
                        labels.get(code, code.replace("_", " ").capitalize()),
                        v["death"],
                        v["serious_harm"],
                        v["total"],
                        percentage(v["total"], total),
                    ]
                    for code, v in values.items()
                ],
            )
        )
    return tables


def newest_comparator():
    return CensusComparator.objects.prefetch_related("shares").first()
