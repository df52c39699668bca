"""The case-log import format (data-standard.md): read the Panel's historical log as CSV and check every row.

Nothing here writes. `caselog_read` returns every row it could read and every problem it found, each at
the line a person sees in the file (the header is line 1) and the column it is in; reports.services
makes the cases from a log without problems.
"""

import codecs
import csv
import datetime
import functools
import io
import re
from dataclasses import dataclass, field

from django.utils.text import slugify

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
from incidents.converters import REFERENCE_PATTERN
from incidents.models import Incident
from incidents.services import MAX_CHILDREN_PER_CASE
from incidents.workflow import today as today_in_england
from organisations.models import Organisation
from organisations.reference_data import REGIONS
from organisations.serializers import EARLIEST_DATE

# Every column of the format, and whether it is required (data-standard.md, "The case-log import format").
COLUMNS = {
    "reference": True,
    "local_authority": True,
    "region": False,
    "incident_date": True,
    "la_aware_date": False,
    "notification_date": False,
    "channel": True,
    "notification_status": False,
    "reason_at_notification": True,
    "children_involved": True,
    "child_sex": False,
    "child_age_years": False,
    "child_ethnicity": False,
    "child_disability": False,
    "child_gender_identity_differs": False,
    "child_lgbtq": False,
    "family_known_to_csc": False,
    "child_in_need": False,
    "child_protection_plan": False,
    "looked_after": False,
    "care_order": False,
    "rapid_review_received": False,
    "rapid_review_date": False,
    "reason_at_review": False,
    "likely_cause": False,
    "lcspr_decision": False,
    "panel_position": False,
}
# Any of these filled in means a rapid review was received, whatever rapid_review_received says.
RAPID_REVIEW_COLUMNS = ("rapid_review_date", "reason_at_review", "likely_cause", "lcspr_decision", "panel_position")
# The index child's columns: the Child field each fills, and its codes (empty means not recorded).
CHILD_CODE_COLUMNS = {
    "child_sex": ("sex", Sex),
    "child_ethnicity": ("ethnicity", Ethnicity),
    "child_disability": ("disability", TriState),
    "child_gender_identity_differs": ("gender_identity_differs", TriState),
    "child_lgbtq": ("lgbtq", TriState),
    "family_known_to_csc": ("family_known_to_csc", History),
    "child_in_need": ("child_in_need", History),
    "child_protection_plan": ("child_protection_plan", History),
    "looked_after": ("looked_after", LookedAfter),
    "care_order": ("care_order", CareOrder),
}
NOTIFICATION_STATUSES = (Incident.Status.NOTIFIED, Incident.Status.WITHDRAWN)
# Codes are listed in a message when there are few enough to read; longer lists are in the data standard.
CODES_LISTED_UP_TO = 8
# An authority's partnership is named after it (reports.services): both names must fit Organisation.name.
AUTHORITY_NAME_MAX = 150
# Case numbers are kept in ReferenceSequence.last_number, a PositiveIntegerField on every database.
LARGEST_CASE_NUMBER = 2_147_483_647
# An authority the import creates has no GSS code to go by: its code is made from its name, apart from them.
IMPORTED_AUTHORITY_CODE_PREFIX = "caselog-"

DATE_FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
REFERENCE = re.compile(REFERENCE_PATTERN)
WHOLE_NUMBER = re.compile(r"[0-9]+")


def imported_authority_code(name):
    """The code of a local authority made by the import, from its name: stable, and never a GSS code."""
    return f"{IMPORTED_AUTHORITY_CODE_PREFIX}{slugify(name)}"[:100]


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file, where a person finds it: `line N, column C: message`."""

    line: int
    column: str | None
    message: str

    def __str__(self):
        where = f"line {self.line}, column {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {self.message}"


@dataclass
class CaseRow:
    """One incident of the log, as read and checked. Empty cells are None (dates, numbers) or not recorded."""

    line: int
    reference: str
    local_authority: str
    region: str | None
    incident_date: datetime.date | None
    la_aware_date: datetime.date | None
    notification_date: datetime.date | None
    channel: str
    notification_status: str
    reason_at_notification: str
    children_involved: int
    index_child: dict
    rapid_review_received: bool
    rapid_review_date: datetime.date | None
    reason_at_review: str
    likely_cause: str
    lcspr_decision: str
    panel_position: str
    # The notifying authority if the service knows it; None means the import creates it in `region`.
    authority: Organisation | None = None

    @property
    def reason(self):
        """The case's reason now: the review's if it gave one (a harmed child may have died), else the first."""
        return self.reason_at_review or self.reason_at_notification

    @property
    def retrospective(self):
        """domain.md: for imported history, where only dates are known, a notification is retrospective
        when its date is later than the rapid review's."""
        return bool(
            self.notification_date and self.rapid_review_date and self.notification_date > self.rapid_review_date
        )


@dataclass
class CaseLog:
    """What a file holds: its rows, and every problem found in them. Only a log without problems is imported."""

    rows: list[CaseRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_valid(self):
        return not self.problems


@functools.cache
def _codes(choices):
    """A list of choices' codes, worked out once: every row checks a dozen of them."""
    return tuple(str(value) for value in choices)


def _listed(codes):
    if len(codes) <= CODES_LISTED_UP_TO:
        return "use " + ", ".join(codes[:-1]) + f" or {codes[-1]}"
    return "use a code from the data standard's list"


class _RowCheck:
    """Reads one row's cells, noting each problem at its line and column."""

    def __init__(self, *, line, cells, problems, today):
        self.line = line
        self.cells = cells
        self.problems = problems
        self.today = today
        # Spaces around a value are a spreadsheet's, not the log's; inside a name, one space is meant.
        self.texts = {column: " ".join(value.split()) for column, value in cells.items()}
        # Columns already found wrong on this row: a check that depends on one says nothing more.
        self.flagged = set()

    def problem(self, column, message):
        self.problems.append(Problem(self.line, column, message))
        self.flagged.add(column)

    def text(self, column):
        return self.texts.get(column, "")

    def required(self, column, value):
        """The value read from a required column; an empty cell is a problem (a missing column is one at line 1)."""
        if column in self.cells and not self.text(column):
            self.problem(column, "this is required: the cell cannot be empty")
        return value

    def code(self, column, codes, *, default=""):
        value = self.text(column).lower()
        if not value:
            return default
        if value not in codes:
            self.problem(column, f"'{self.text(column)}' is not a {column} code: {_listed(codes)}")
            return default
        return value

    def date(self, column):
        text = self.text(column)
        if not text:
            return None
        if not DATE_FORMAT.fullmatch(text):
            self.problem(column, f"'{text}' is not a date: write dates as YYYY-MM-DD")
            return None
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            self.problem(column, f"{text} is not a date in the calendar")
            return None
        if day < EARLIEST_DATE:
            self.problem(column, f"{text} is before {EARLIEST_DATE.isoformat()}, the earliest date the service holds")
            return None
        if day > self.today:
            self.problem(column, f"{text} is in the future: the log records what has happened")
            return None
        return day

    def whole_number(self, column, *, lowest, highest, what):
        text = self.text(column)
        if not text:
            return None
        if not WHOLE_NUMBER.fullmatch(text):
            self.problem(column, f"'{text}' is not a whole number")
            return None
        number = int(text)
        if not lowest <= number <= highest:
            self.problem(column, f"{number} is not {what}: it must be from {lowest} to {highest}")
            return None
        return number

    def reference(self):
        text = self.text("reference")
        if not text:
            return self.required("reference", text)
        if not REFERENCE.fullmatch(text):
            self.problem("reference", f"'{text}' is not a case reference: write it as CSPR-YYYY-NNNNN")
            return text
        _prefix, year, number = text.split("-")
        # As incidents.services.reference_next writes them: five digits at least, no other leading zeros,
        # so one case number has one spelling and is never imported twice as two references.
        written = f"CSPR-{year}-{int(number):05d}"
        if text != written:
            self.problem("reference", f"'{text}' has a leading zero the service never writes: write {written}")
        elif not EARLIEST_DATE.year <= int(year) <= self.today.year:
            self.problem("reference", f"the year {year} is not from {EARLIEST_DATE.year} to {self.today.year}")
        elif not 1 <= int(number) <= LARGEST_CASE_NUMBER:
            self.problem("reference", f"the case number {int(number)} is not one the service can hold")
        return text

    def region(self):
        text = self.text("region")
        if not text:
            return None
        names = {name.casefold(): name for name in REGIONS}
        if text.casefold() not in names:
            self.problem("region", f"'{text}' is not a region: use the region's name, such as North West")
            return None
        return names[text.casefold()]


def _row_read(check):
    """One row as a CaseRow (its problems noted on the way), with the checks that need several cells."""
    reason_codes = _codes(Reason)
    row = CaseRow(
        line=check.line,
        reference=check.reference(),
        local_authority=check.required("local_authority", check.text("local_authority")),
        region=check.region(),
        incident_date=check.required("incident_date", check.date("incident_date")),
        la_aware_date=check.date("la_aware_date"),
        notification_date=check.date("notification_date"),
        channel=check.required("channel", check.code("channel", _codes(Channel))),
        notification_status=check.code(
            "notification_status", _codes(NOTIFICATION_STATUSES), default=Incident.Status.NOTIFIED
        ),
        reason_at_notification=check.required(
            "reason_at_notification", check.code("reason_at_notification", reason_codes)
        ),
        children_involved=check.required(
            "children_involved",
            check.whole_number(
                "children_involved", lowest=1, highest=MAX_CHILDREN_PER_CASE, what="a number of children for one case"
            ),
        ),
        index_child={"age_years": check.whole_number("child_age_years", lowest=0, highest=17, what="a child's age")},
        rapid_review_received=False,
        rapid_review_date=check.date("rapid_review_date"),
        reason_at_review=check.code("reason_at_review", reason_codes),
        likely_cause="",
        lcspr_decision=check.code("lcspr_decision", _codes(LcsprDecision)),
        panel_position=check.code("panel_position", _codes(PanelPosition)),
    )
    for column, (name, choices) in CHILD_CODE_COLUMNS.items():
        row.index_child[name] = check.code(column, _codes(choices), default="not_recorded")

    if len(row.local_authority) > AUTHORITY_NAME_MAX:
        check.problem("local_authority", f"a local authority's name is at most {AUTHORITY_NAME_MAX} characters")

    # Dates in the order the lifecycle puts them.
    incident = row.incident_date
    if incident and row.la_aware_date and row.la_aware_date < incident:
        check.problem(
            "la_aware_date", f"the local authority became aware ({row.la_aware_date}) before the incident ({incident})"
        )
    if incident and row.notification_date and row.notification_date < incident:
        check.problem(
            "notification_date", f"the notification ({row.notification_date}) is before the incident ({incident})"
        )
    elif row.la_aware_date and row.notification_date and row.notification_date < row.la_aware_date:
        check.problem(
            "notification_date",
            f"the notification ({row.notification_date}) is before the local authority "
            f"became aware ({row.la_aware_date})",
        )
    if incident and row.rapid_review_date and row.rapid_review_date < incident:
        check.problem(
            "rapid_review_date", f"the rapid review ({row.rapid_review_date}) is before the incident ({incident})"
        )

    # An offline notification counts from the day it reached the Panel (Incident.offline_received_on).
    if row.channel == Channel.OFFLINE and not row.notification_date and "notification_date" not in check.flagged:
        check.problem("notification_date", "an offline notification needs the date it reached the Panel")

    # The rapid review: said to be received, or implied by any of its columns.
    received = check.code("rapid_review_received", ["yes", "no"])
    filled = [column for column in RAPID_REVIEW_COLUMNS if check.text(column)]
    if received == "no" and filled:
        check.problem(
            "rapid_review_received",
            f"it says no, but {', '.join(filled)} {'is' if len(filled) == 1 else 'are'} filled in",
        )
    row.rapid_review_received = received == "yes" or bool(filled)

    cause = check.text("likely_cause").lower()
    if cause:
        if not row.reason_at_review and "reason_at_review" not in check.flagged:
            check.problem("reason_at_review", "give the reason at review: the likely cause's list depends on it")
        elif row.reason_at_review:
            causes = list(CAUSES_BY_REASON[Reason(row.reason_at_review)])
            if cause in causes:
                row.likely_cause = cause
            else:
                check.problem(
                    "likely_cause", f"'{check.text('likely_cause')}' is not a likely cause for {row.reason_at_review}"
                )
    if row.panel_position and not row.lcspr_decision and "lcspr_decision" not in check.flagged:
        check.problem(
            "panel_position", "the Panel's position is on the partnership's decision: give lcspr_decision too"
        )
    return row


def _decoded(data):
    """The file as text: UTF-8, with or without the byte-order mark spreadsheets put first."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        # The codec counts from after the byte-order mark.
        body = data.removeprefix(codecs.BOM_UTF8)
        line = body[: error.start].count(b"\n") + 1
        return None, Problem(line, None, "the file is not UTF-8 text: save it from the spreadsheet as CSV UTF-8")


def _records(text, problems):
    """(line, cells) for every row of the CSV, the line being where the row starts in the file."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records = []
    start = 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        problems.append(Problem(start, None, f"the file cannot be read as CSV from here: {error}"))
    return records


def _header(cells, problems):
    """The columns by position; an unnamed column is ignored (spreadsheets add empty ones at the end)."""
    columns = {}
    seen = set()
    for position, cell in enumerate(cells):
        name = cell.strip().lower()
        if not name:
            continue
        if name not in COLUMNS:
            problems.append(Problem(1, cell.strip(), "unknown column: it is not a column of the case-log format"))
        elif name in seen:
            problems.append(Problem(1, name, "the column appears twice"))
        else:
            columns[position] = name
        seen.add(name)
    for name, required in COLUMNS.items():
        if required and name not in seen:
            problems.append(Problem(1, name, "this required column is missing"))
    return columns


def caselog_read(data, *, today=None):
    """Read and check a case log (the bytes of a CSV file): every row, every problem.

    Checks that need the service's records (authorities, references) are made here too, as reads:
    a reference already in the service is not a problem (reports.services skips it).
    """
    today = today or today_in_england()
    log = CaseLog()
    text, problem = _decoded(data)
    if problem:
        log.problems.append(problem)
        return log
    records = _records(text, log.problems)
    if not records or not any(cell.strip() for cell in records[0][1]):
        log.problems.insert(0, Problem(1, None, "the first line must be the header row, naming the columns"))
        return log
    columns = _header(records[0][1], log.problems)
    width = len(records[0][1])
    unnamed_positions = [n for n, cell in enumerate(records[0][1]) if not cell.strip()]
    for line, cells in records[1:]:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or a spreadsheet's row of empty cells
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            log.problems.append(Problem(line, None, f"the row has {len(cells)} cells but the header names {width}"))
            continue
        # An unknown column is reported once, at line 1; a value under a column with no name, where it is.
        unnamed = [n for n in unnamed_positions if n < len(cells) and cells[n].strip()]
        if unnamed:
            message = f"cell {unnamed[0] + 1} has a value, but the header gives its column no name"
            log.problems.append(Problem(line, None, message))
        # A row shorter than the header is empty in its last columns. A column the file leaves out is empty
        # on every row, and not among the row's cells: a required one is reported once, at line 1.
        named = {name: cells[position] if position < len(cells) else "" for position, name in columns.items()}
        check = _RowCheck(line=line, cells=named, problems=log.problems, today=today)
        log.rows.append(_row_read(check))
    _references_check(log)
    _authorities_check(log)
    log.problems.sort(key=lambda p: (p.line, list(COLUMNS).index(p.column) if p.column in COLUMNS else -1))
    return log


def _references_check(log):
    """A reference is unique: a second row with it is a problem on that row (an existing case is not)."""
    first_lines = {}
    for row in log.rows:
        if not row.reference:
            continue
        if row.reference in first_lines:
            log.problems.append(
                Problem(row.line, "reference", f"{row.reference} is also on line {first_lines[row.reference]}")
            )
        else:
            first_lines[row.reference] = row.line


def _authorities_check(log):
    """Each row's authority: one the service knows (by name, in any case), or one to create in its region."""
    organisations = list(Organisation.objects.select_related("region", "partnership"))
    known = {o.name.casefold(): o for o in organisations if o.kind == Organisation.Kind.LOCAL_AUTHORITY}
    others = {o.name.casefold(): o for o in organisations if o.kind != Organisation.Kind.LOCAL_AUTHORITY}
    codes = {o.code: o for o in organisations}

    unknown = {}
    for row in log.rows:
        if not row.local_authority:
            continue
        key = row.local_authority.casefold()
        if key in known:
            _known_authority_check(log, row, known[key])
        elif key in others:
            kind = others[key].get_kind_display().lower()
            log.problems.append(
                Problem(row.line, "local_authority", f"{row.local_authority} is a {kind}, not a local authority")
            )
        else:
            unknown.setdefault(key, []).append(row)

    spellings = {}
    for rows in unknown.values():
        _new_authority_region_check(log, rows)
        first = rows[0]
        code = imported_authority_code(first.local_authority)
        if code in codes:
            # Same code, different name: "St. Helens" and "St Helens". One authority, one spelling.
            message = f"{first.local_authority} is too like {codes[code].name}, already in the service: use that name"
        elif code in spellings:
            other = spellings[code]
            message = (
                f"{first.local_authority} is too like {other.local_authority} on line {other.line}: spell it one way"
            )
        else:
            spellings[code] = first
            continue
        log.problems.extend(Problem(row.line, "local_authority", message) for row in rows)


def _known_authority_check(log, row, authority):
    row.authority = authority
    if row.region and authority.region and row.region != authority.region.name:
        log.problems.append(
            Problem(row.line, "region", f"{authority.name} is in {authority.region.name}, not {row.region}")
        )
    if row.rapid_review_received and authority.partnership_id is None:
        log.problems.append(
            Problem(
                row.line,
                "local_authority",
                f"{authority.name} has no safeguarding partnership to have sent the rapid review: give it one first",
            )
        )


def _new_authority_region_check(log, rows):
    """An authority the service does not know is created in the region its rows give: one region for all."""
    given = [row for row in rows if row.region]
    if not given:
        message = f"{rows[0].local_authority} is not a local authority the service knows: give its region to create it"
        log.problems.extend(Problem(row.line, "region", message) for row in rows)
        return
    first = given[0]
    for row in rows:
        if row.region is None:
            row.region = first.region
        elif row.region != first.region:
            message = f"{row.local_authority} is in {first.region} on line {first.line}: an authority has one region"
            log.problems.append(Problem(row.line, "region", message))
