"""Synthetic case logs in data-standard.md's import format, for the import benchmark (`import_cases`).

A log is what the Panel's spreadsheets hold, with the proportions of the published figures (as
casefile.bench_data uses them): reasons 40% death, 58% serious harm, 2% other; 3% offline; 2% withdrawn;
1 to 4 children (91%, 7%, 1.5%, 0.5%); a rapid review received for 85% of notified cases, nearly all
with its date, a reason and likely cause at review, the partnership's decision and the Panel's position
on it. Incidents fall from 1 January 2018 to 1 October last year, so every later date of a case is
before this year and never in the future. Authorities are the 153 the service ships
(organisations.reference_data), named as the log names them.

References are CSPR-<incident year>-<number>, the number counting up from `first_number` whatever the
year. casefile.bench_data numbers each year's cases from 1, about 110,000 a year at a million cases:
the default first number is far above anything it makes, so a log imports into a benchmark database
without meeting a case already there.
"""

import csv
import datetime
import io
import itertools
import random

from incidents.codes import (
    CAUSES_BY_REASON,
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
from incidents.models import Incident
from organisations.reference_data import local_authority_rows
from reports.caselog import COLUMNS

FIRST_INCIDENT_DATE = datetime.date(2018, 1, 1)
# Above casefile.bench_data's references (numbered from 1 each year) at any size it is run at.
FIRST_NUMBER = 9_000_000

# The weighted choices (value, weight); an empty value is a cell left empty (not recorded).
REASONS = ((Reason.DEATH, 40), (Reason.SERIOUS_HARM, 58), (Reason.OTHER, 2))
CHANNELS = ((Channel.ONLINE, 97), (Channel.OFFLINE, 3))
STATUSES = ((Incident.Status.NOTIFIED, 98), (Incident.Status.WITHDRAWN, 2))
CHILDREN = ((1, 91), (2, 7), (3, 1.5), (4, 0.5))
SEXES = ((Sex.MALE, 50), (Sex.FEMALE, 46), (Sex.OTHER, 1), ("", 3))
AGES = (((0, 0), 30), ((1, 5), 20), ((6, 10), 10), ((11, 15), 25), ((16, 17), 13), (None, 2))
ETHNICITIES = (
    (Ethnicity.WHITE_BRITISH, 62),
    (Ethnicity.IRISH, 0.5),
    (Ethnicity.GYPSY_IRISH_TRAVELLER, 0.5),
    (Ethnicity.WHITE_OTHER, 5),
    (Ethnicity.WHITE_BLACK_CARIBBEAN, 2),
    (Ethnicity.WHITE_BLACK_AFRICAN, 1),
    (Ethnicity.WHITE_ASIAN, 1),
    (Ethnicity.MIXED_OTHER, 2),
    (Ethnicity.INDIAN, 1.5),
    (Ethnicity.PAKISTANI, 3),
    (Ethnicity.BANGLADESHI, 1.5),
    (Ethnicity.CHINESE, 0.5),
    (Ethnicity.ASIAN_OTHER, 1),
    (Ethnicity.AFRICAN, 3),
    (Ethnicity.CARIBBEAN, 1),
    (Ethnicity.BLACK_OTHER, 1),
    (Ethnicity.ARAB, 0.5),
    (Ethnicity.OTHER_ETHNIC_GROUP, 1.5),
    (Ethnicity.REFUSED, 1),
    (Ethnicity.NOT_RECORDED, 5),
    ("", 5),
)
TRI_STATES = ((TriState.YES, 15), (TriState.NO, 70), (TriState.NOT_RECORDED, 5), ("", 10))
# Whether a child's gender identity differs, whether they are LGBTQ+: rarely known to the log.
RARELY_KNOWN = ((TriState.YES, 2), (TriState.NO, 38), ("", 60))
HISTORIES = ((History.CURRENT, 30), (History.PREVIOUS, 25), (History.NO, 35), (History.NOT_RECORDED, 5), ("", 5))
LOOKED_AFTER = (
    (LookedAfter.NO, 70),
    (LookedAfter.FOSTER_CARE, 8),
    (LookedAfter.RESIDENTIAL_HOME, 3),
    (LookedAfter.OTHER_RESIDENTIAL, 1),
    (LookedAfter.PREVIOUS, 8),
    ("", 10),
)
CARE_ORDERS = (
    (CareOrder.NO, 78),
    (CareOrder.CARE_PROCEEDINGS, 5),
    (CareOrder.EMERGENCY_OR_INTERIM, 2),
    (CareOrder.PERMANENT, 5),
    (CareOrder.OTHER_ORDER, 1),
    (CareOrder.PREVIOUS, 4),
    ("", 5),
)
LCSPR_DECISIONS = ((LcsprDecision.REQUIRED, 40), (LcsprDecision.NOT_REQUIRED, 55), ("", 5))
PANEL_POSITIONS = ((PanelPosition.AGREE, 85), (PanelPosition.DISAGREE, 10), ("", 5))
# Days from the incident until the authority became aware of it.
AWARE_AFTER_DAYS = ((0, 40), (1, 30), (2, 15), (3, 10), (7, 5))


class _Picker:
    """Weighted choices from one seeded generator, each list's cumulative weights worked out once."""

    def __init__(self, seed):
        self.random = random.Random(seed)  # noqa: S311 - synthetic data, repeatable from its seed; nothing secret
        self._weights = {}

    def pick(self, choices):
        key = id(choices)
        if key not in self._weights:
            self._weights[key] = (
                [value for value, _weight in choices],
                list(itertools.accumulate(weight for _value, weight in choices)),
            )
        values, cumulative = self._weights[key]
        return self.random.choices(values, cum_weights=cumulative)[0]

    def chance(self, percent):
        return self.random.random() * 100 < percent

    def days(self, low, high):
        return datetime.timedelta(days=self.random.randint(low, high))


def _date(day):
    return day.isoformat() if day else ""


def _case(picker, *, reference, authority, incident_date):
    """One row of the log: {column: cell}."""
    reason = picker.pick(REASONS)
    channel = picker.pick(CHANNELS)
    status = picker.pick(STATUSES)
    aware = incident_date + datetime.timedelta(days=picker.pick(AWARE_AFTER_DAYS))
    # 85% within the 5 working days (a week), the rest up to four weeks late; 2% of online ones without a
    # date in the log (an offline notification always has the day it reached the Panel).
    notified = aware + (picker.days(0, 7) if picker.chance(85) else picker.days(8, 28))
    if channel == Channel.ONLINE and picker.chance(2):
        notified = None
    age = picker.pick(AGES)
    row = {
        "reference": reference,
        "local_authority": authority,
        "incident_date": _date(incident_date),
        "la_aware_date": _date(aware) if picker.chance(95) else "",
        "notification_date": _date(notified),
        "channel": channel,
        "notification_status": status,
        "reason_at_notification": reason,
        "children_involved": str(picker.pick(CHILDREN)),
        "child_sex": picker.pick(SEXES),
        "child_age_years": "" if age is None else str(picker.random.randint(*age)),
        "child_ethnicity": picker.pick(ETHNICITIES),
        "child_disability": picker.pick(TRI_STATES),
        "child_gender_identity_differs": picker.pick(RARELY_KNOWN),
        "child_lgbtq": picker.pick(RARELY_KNOWN),
        "family_known_to_csc": picker.pick(HISTORIES),
        "child_in_need": picker.pick(HISTORIES),
        "child_protection_plan": picker.pick(HISTORIES),
        "looked_after": picker.pick(LOOKED_AFTER),
        "care_order": picker.pick(CARE_ORDERS),
    }
    if status == Incident.Status.WITHDRAWN or not picker.chance(85):
        row["rapid_review_received"] = "no" if picker.chance(80) else ""
        return row
    row.update(_rapid_review(picker, reason=reason, incident_date=incident_date, notified=notified))
    return row


def _rapid_review(picker, *, reason, incident_date, notified):
    """The rapid review columns of a case whose review was received."""
    columns = {"rapid_review_received": "yes"}
    if picker.chance(97):
        if notified and picker.chance(98):
            # 15 working days (three weeks) from the notification, four in five on time.
            review = notified + (picker.days(5, 21) if picker.chance(80) else picker.days(22, 42))
        else:
            # The log has no notification date, or the review's date is the one it gives.
            review = incident_date + picker.days(3, 20)
        columns["rapid_review_date"] = _date(review)
    # A harmed child may since have died: the reason at review is the review's own.
    at_review = Reason.DEATH if reason == Reason.SERIOUS_HARM and picker.chance(5) else reason
    if picker.chance(95):
        columns["reason_at_review"] = at_review
        if picker.chance(90):
            columns["likely_cause"] = picker.random.choice(list(CAUSES_BY_REASON[Reason(at_review)]))
    decision = picker.pick(LCSPR_DECISIONS)
    columns["lcspr_decision"] = decision
    columns["panel_position"] = picker.pick(PANEL_POSITIONS) if decision else ""
    return columns


def _retrospective_ordered(picker, row):
    """2% of reviewed cases were notified only after the review reached the Panel (retrospective)."""
    if row.get("rapid_review_date") and row["notification_date"] and picker.chance(2):
        review = datetime.date.fromisoformat(row["rapid_review_date"])
        notified = review + picker.days(1, 10)
        row["notification_date"] = _date(notified)


def caselog_csv(*, rows, seed=2018, first_number=FIRST_NUMBER, today=None):
    """The bytes of a valid case log of `rows` incidents (UTF-8 CSV, every column), the same for one seed."""
    today = today or datetime.date.today()
    last_incident = datetime.date(today.year - 1, 10, 1)
    span = (last_incident - FIRST_INCIDENT_DATE).days
    authorities = [authority.name for authority in local_authority_rows()]
    picker = _Picker(seed)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for number in range(first_number, first_number + rows):
        incident_date = FIRST_INCIDENT_DATE + picker.days(0, span)
        row = _case(
            picker,
            reference=f"CSPR-{incident_date.year}-{number:05d}",
            authority=picker.random.choice(authorities),
            incident_date=incident_date,
        )
        _retrospective_ordered(picker, row)
        writer.writerow(row)
    return out.getvalue().encode("utf-8")
