"""The case-log import: a valid log becomes ordinary cases, their deadlines met or missed on the log's dates;
an invalid one imports nothing and says where every problem is, by line and column.

caselog_valid.csv holds, line by line:
  2  CSPR-2022-00101  Leeds: notified on its due date after the Queen's funeral bank holiday, its rapid review
                      on its due date; serious harm at notification, a death at review.
  3  CSPR-2022-00102  Leeds: offline, three children, notified a day late after Christmas, its review a day late.
  4  CSPR-2023-00007  Bradford: retrospective (the review came first), notified late across the coronation.
  5  CSPR-2023-00008  Cumbria, which the service does not know (North West): two children, withdrawn.
  6  CSPR-2024-00003  Bradford: no rapid review yet.
  7  CSPR-2021-00042  "leeds": no notification date, a rapid review received on a date not recorded.
  8  a spreadsheet's row of empty cells.
"""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connections, transaction
from django.urls import reverse

from deadlines.models import Deadline
from deadlines.services import deadline_values
from incidents.models import Child, Incident, ReferenceSequence, TimelineEvent
from incidents.services import reference_next
from organisations.models import Organisation, Region, User
from reports.caselog import caselog_read
from reports.services import IMPORTER_EMAIL, CaseLogEvent
from reviews.models import RapidReview, RapidReviewVersion
from tests.signin import sign_in

D = datetime.date.fromisoformat
DATA = Path(__file__).parent / "data"
VALID = DATA / "caselog_valid.csv"
BOM_REORDERED = DATA / "caselog_bom_reordered.csv"
INVALID = DATA / "caselog_invalid.csv"
MORE_PROBLEMS = DATA / "caselog_more_problems.csv"
IMPORT_DAY = "2025-06-02"
REFERENCES = [
    "CSPR-2022-00101",
    "CSPR-2022-00102",
    "CSPR-2023-00007",
    "CSPR-2023-00008",
    "CSPR-2024-00003",
    "CSPR-2021-00042",
]

pytestmark = pytest.mark.django_db


def import_cases(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_cases", str(path), *args, stdout=out, stderr=err)
    return out.getvalue()


@pytest.fixture
def imported(leeds, bradford, london_time):
    """The valid log imported on Monday 2 June 2025; returns what the command printed."""
    with london_time(IMPORT_DAY):
        return import_cases(VALID)


def case(reference):
    return Incident.objects.get(reference=reference)


def deadlines(reference):
    """{kind: (status, due_on, met_on, cancelled_on)} for the case."""
    return {
        d.kind: (d.status, d.due_on, d.met_on, d.cancelled_on)
        for d in Deadline.objects.filter(incident__reference=reference)
    }


def table_counts():
    models = (Incident, Incident.history.model, Child, RapidReview, RapidReviewVersion, Deadline, TimelineEvent)
    return {
        **{model.__name__: model.objects.count() for model in models},
        "organisations": Organisation.objects.count(),
        "regions": Region.objects.count(),
        "users": User.objects.count(),
        "sequences": list(ReferenceSequence.objects.order_by("year").values_list("year", "last_number")),
    }


# A valid log ----------------------------------------------------------------------------------------


def test_it_imports_every_row_and_says_what_it_made(imported):
    assert imported.splitlines() == [
        f"Imported 6 cases from {VALID}: 1 withdrawn, 1 offline, 1 retrospective, 4 with a rapid review, "
        "1 awaiting one.",
        "Skipped 0 cases already in the service.",
        "Created local authority Cumbria (code caselog-cumbria) in North West, "
        "with Cumbria Safeguarding Children Partnership.",
        "Case log imported: 6 cases.",
    ]
    assert sorted(Incident.objects.values_list("reference", flat=True)) == sorted(REFERENCES)


def test_a_notification_and_a_review_each_on_its_due_date_are_on_time(imported):
    incident = case("CSPR-2022-00101")
    assert (incident.status, incident.channel, incident.notified_on) == ("notified", "online", D("2022-09-20"))
    assert deadlines("CSPR-2022-00101") == {
        # Aware Monday 12 September 2022: 19 September was the Queen's funeral, so due Tuesday the 20th.
        "notification": ("met", D("2022-09-20"), D("2022-09-20"), None),
        "rapid_review": ("met", D("2022-10-11"), D("2022-10-11"), None),
    }
    assert not incident.is_late
    assert not incident.is_retrospective


def test_an_offline_notification_after_christmas_is_late_and_so_is_its_review(imported):
    incident = case("CSPR-2022-00102")
    assert incident.channel == "offline"
    assert (incident.offline_received_on, incident.offline_keyed_on) == (D("2023-01-05"), D("2023-01-05"))
    assert deadlines("CSPR-2022-00102") == {
        # Aware Friday 23 December 2022: 26, 27 December and 2 January were bank holidays.
        "notification": ("met", D("2023-01-04"), D("2023-01-05"), None),
        # The Panel's own log needs no confirmation from the authority: nobody is chased for one.
        "offline_confirmation": ("cancelled", D("2023-01-12"), None, D(IMPORT_DAY)),
        "rapid_review": ("met", D("2023-01-26"), D("2023-01-27"), None),
    }
    assert incident.is_late
    assert Deadline.objects.get(incident=incident, kind="rapid_review").met_late


def test_a_notification_made_after_its_rapid_review_is_retrospective_and_has_no_review_deadline(imported):
    incident = case("CSPR-2023-00007")
    assert incident.is_retrospective
    assert incident.status == "notified"  # an empty notification_status means notified
    assert incident.rapid_review.first_sent_on == D("2023-05-05")
    assert deadlines("CSPR-2023-00007") == {
        # Aware Tuesday 2 May 2023: 8 May was the coronation bank holiday.
        "notification": ("met", D("2023-05-10"), D("2023-05-12"), None),
    }


def test_a_withdrawn_notification_keeps_its_dates_and_needs_nothing_more(imported):
    incident = case("CSPR-2023-00008")
    assert incident.status == "withdrawn"
    assert incident.withdrawn_reason == "Recorded as withdrawn in the Panel's case log."
    assert incident.withdrawn_on is None  # the log does not say when
    assert not RapidReview.objects.filter(incident=incident).exists()
    assert deadlines("CSPR-2023-00008") == {
        "notification": ("met", D("2023-06-09"), D("2023-06-05"), None),
        "rapid_review": ("cancelled", D("2023-06-26"), None, D(IMPORT_DAY)),
    }


def test_a_case_without_its_rapid_review_awaits_it_like_any_other(imported, bradford):
    incident = case("CSPR-2024-00003")
    assert incident.reason == incident.reason_at_notification == "other"
    review_deadline = Deadline.objects.get(incident=incident, kind="rapid_review")
    assert (review_deadline.status, review_deadline.due_on) == ("open", D("2024-01-31"))
    assert review_deadline.responsible == bradford.partnership
    assert review_deadline.is_overdue(today=D(IMPORT_DAY))


def test_what_the_log_does_not_record_stays_not_recorded(imported, leeds):
    incident = case("CSPR-2021-00042")
    assert incident.notifying_la == leeds  # "leeds" in the file
    assert (incident.status, incident.notified_on, incident.la_aware_date) == ("notified", None, D("2021-03-02"))
    review = incident.rapid_review
    assert (review.status, review.first_sent_on, review.reason_at_review, review.likely_cause) == (
        "submitted",
        None,
        "",
        "",
    )
    # Made, but on a date nobody recorded: nothing can be chased, so nothing stays open.
    assert deadlines("CSPR-2021-00042") == {"notification": ("cancelled", D("2021-03-09"), None, D(IMPORT_DAY))}
    child = incident.children.get()
    assert child.is_index
    assert child.age_years is None
    assert {getattr(child, name) for name in ("sex", "ethnicity", "disability", "looked_after", "care_order")} == {
        "not_recorded"
    }


def test_the_reason_at_notification_and_at_review_are_both_kept(imported, leeds):
    incident = case("CSPR-2022-00101")
    assert (incident.reason_at_notification, incident.reason) == ("serious_harm", "death")
    review = incident.rapid_review
    assert (review.status, review.partnership) == ("submitted", leeds.partnership)
    assert (review.first_sent_on, review.reason_at_review, review.likely_cause) == (
        D("2022-10-11"),
        "death",
        "extreme_neglect",
    )
    assert (review.lcspr_decision, review.panel_position) == ("required", "agree")
    assert not review.versions.exists()
    changed = incident.timeline.get(kind=TimelineEvent.Kind.REASON_CHANGED)
    assert changed.details == {"field": "reason", "from": "serious_harm", "to": "death", "at": "rapid review"}
    assert changed.summary == "Reason changed from serious harm to death at rapid review"
    disagreed = case("CSPR-2022-00102").rapid_review
    assert (disagreed.lcspr_decision, disagreed.panel_position) == ("not_required", "disagree")


def test_the_index_child_is_as_the_log_describes_and_the_others_are_counted(imported):
    children = list(case("CSPR-2022-00102").children.all())
    assert len(children) == 3
    index, *others = children
    assert index.is_index
    assert {name: getattr(index, name) for name in Child.CHARACTERISTICS if name not in ("date_of_birth",)} == {
        "age_years": 16,
        "sex": "male",
        "gender_identity_differs": "no",
        "lgbtq": "no",
        "ethnicity": "african",
        "disability": "yes",
        "disability_type": "",
        "family_known_to_csc": "not_recorded",
        "child_in_need": "not_recorded",
        "child_protection_plan": "not_recorded",
        "looked_after": "foster_care",
        "placement": "",
        "care_order": "permanent",
    }
    for child in others:
        assert not child.is_index
        assert (child.age_years, child.sex, child.ethnicity, child.looked_after) == (
            None,
            "not_recorded",
            "not_recorded",
            "not_recorded",
        )
    assert case("CSPR-2023-00008").children.count() == 2
    baby = case("CSPR-2024-00003").children.get()
    assert (baby.age_years, baby.age_group) == (0, "under_1")


def test_an_unknown_authority_is_created_in_its_region_with_its_own_partnership(imported):
    cumbria = Organisation.objects.get(name="Cumbria")
    assert (cumbria.kind, cumbria.code, cumbria.region.name, cumbria.region.gss_code) == (
        "local_authority",
        "caselog-cumbria",
        "North West",
        "E12000002",
    )
    assert (cumbria.partnership.kind, cumbria.partnership.name) == (
        "partnership",
        "Cumbria Safeguarding Children Partnership",
    )
    assert case("CSPR-2023-00008").notifying_la == cumbria


def test_cases_are_created_by_an_inactive_account_in_no_organisation(imported):
    importer = User.objects.get(email=IMPORTER_EMAIL)
    assert not importer.is_active
    assert not importer.has_usable_password()
    assert not importer.memberships.exists()
    incident = case("CSPR-2022-00101")
    assert incident.created_by == importer
    assert incident.history.get().history_user == importer
    event = incident.timeline.get(kind=CaseLogEvent.IMPORTED)
    assert (event.actor, event.summary) == (importer, "Imported from the Panel's case log")
    assert event.details == {
        "imported_on": IMPORT_DAY,
        "status": "notified",
        "channel": "online",
        "notified_on": "2022-09-20",
        "rapid_review_date": "2022-10-11",
        "retrospective": False,
        "children": 1,
    }


def test_imported_cases_are_listed_and_shown_like_any_other(imported, secretariat, client_for, client):
    api = client_for(secretariat)
    listed = api.get("/api/v1/incidents/", {"page_size": 100}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert sorted(row["reference"] for row in rows) == sorted(REFERENCES)
    sign_in(client, secretariat)
    for reference in REFERENCES:
        detail = api.get(f"/api/v1/incidents/{reference}/")
        assert detail.status_code == 200, reference
        assert {d["kind"] for d in detail.json()["deadlines"]} == set(deadlines(reference))
        assert client.get(reverse("web:case", args=[reference])).status_code == 200, reference


# Importing again, and references ------------------------------------------------------------------------


def test_importing_again_skips_every_case_already_there_and_changes_nothing(imported, london_time):
    before = table_counts()
    with london_time("2025-06-03"):
        output = import_cases(VALID)
    assert output.splitlines()[:2] == [
        f"Imported 0 cases from {VALID}: 0 withdrawn, 0 offline, 0 retrospective, 0 with a rapid review, "
        "0 awaiting one.",
        f"Skipped 6 cases already in the service: {', '.join(REFERENCES)}.",
    ]
    assert table_counts() == before


def test_a_case_filed_in_the_service_is_never_overwritten_by_the_log(notified, leeds, london_time, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(
        "reference,local_authority,incident_date,channel,reason_at_notification,children_involved\n"
        f"{notified.reference},Leeds,2021-01-01,online,death,4\n"
        "CSPR-2022-00002,Leeds,2022-09-01,online,death,1\n"
    )
    with london_time(IMPORT_DAY):
        output = import_cases(log)
    assert f"Skipped 1 case already in the service: {notified.reference}." in output
    kept = case(notified.reference)
    assert (kept.incident_date, kept.reason, kept.children.count()) == (notified.incident_date, "serious_harm", 1)
    assert case("CSPR-2022-00002").created_by.email == IMPORTER_EMAIL
    with london_time("2022-12-01"):
        assert reference_next(year=2022) == "CSPR-2022-00003"


def test_reference_sequences_move_past_imported_numbers_and_never_back(leeds, bradford, london_time):
    ReferenceSequence.objects.create(year=2023, last_number=50)
    with london_time(IMPORT_DAY):
        import_cases(VALID)
    assert dict(ReferenceSequence.objects.values_list("year", "last_number")) == {
        2021: 42,
        2022: 102,
        2023: 50,
        2024: 3,
    }
    assert reference_next(year=2022) == "CSPR-2022-00103"
    assert reference_next(year=2024) == "CSPR-2024-00004"


# The file's form --------------------------------------------------------------------------------------


def snapshot(reference):
    incident = case(reference)
    review = RapidReview.objects.filter(incident=incident).values_list(
        "first_sent_on", "reason_at_review", "likely_cause", "lcspr_decision", "panel_position"
    )
    return (
        Incident.objects.filter(pk=incident.pk)
        .values_list("status", "channel", "notifying_la__name", "incident_date", "notified_on", "retrospective")
        .get(),
        list(incident.children.values_list(*Child.CHARACTERISTICS)),
        list(review),
        deadlines(reference),
    )


def imported_snapshots(path):
    """What importing the file makes, every case, undone afterwards."""
    with transaction.atomic():
        import_cases(path)
        cases = {reference: snapshot(reference) for reference in REFERENCES}
        transaction.set_rollback(True)
    return cases


def test_a_byte_order_mark_column_order_and_line_endings_make_no_difference(leeds, bradford, london_time):
    raw = BOM_REORDERED.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfpanel_position,") and b"\r\n" in raw
    with london_time(IMPORT_DAY):
        plain, reordered = imported_snapshots(VALID), imported_snapshots(BOM_REORDERED)
    assert reordered == plain
    assert plain["CSPR-2022-00102"][1][0][:3] == (None, 16, "male")


def test_missing_optional_columns_are_empty(leeds, london_time, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(
        "channel,children_involved,reason_at_notification,incident_date,local_authority,reference\n"
        "online,2,death,2024-02-01,Leeds,CSPR-2024-00010\n"
    )
    with london_time(IMPORT_DAY):
        import_cases(log)
    incident = case("CSPR-2024-00010")
    assert (incident.status, incident.la_aware_date, incident.notified_on) == ("notified", None, None)
    assert incident.children.count() == 2
    assert not Deadline.objects.filter(incident=incident).exists()
    assert not RapidReview.objects.filter(incident=incident).exists()


# An invalid log -----------------------------------------------------------------------------------------

INVALID_PROBLEMS = [
    "line 1, column notes: unknown column: it is not a column of the case-log format",
    "line 2, column incident_date: 2022-09-31 is not a date in the calendar",
    "line 3, column channel: 'by_fax' is not a channel code: use online or offline",
    "line 4, column reference: CSPR-2022-00201 is also on line 2",
    "line 5, column rapid_review_date: the rapid review (2022-10-28) is before the incident (2022-11-01)",
]


def test_an_invalid_log_imports_nothing_and_lists_every_problem_with_its_line_and_column(leeds, bradford):
    before = table_counts()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_cases", str(INVALID), stdout=out, stderr=err)
    assert err.getvalue().splitlines() == INVALID_PROBLEMS
    assert str(error.value) == f"5 problems in {INVALID}: nothing was imported."
    assert error.value.returncode == 1
    assert out.getvalue() == ""
    # Line 6 is valid, and is not imported either.
    assert table_counts() == before


def test_the_command_exits_with_status_1_on_an_invalid_log(leeds, bradford, capsys, monkeypatch):
    # run_from_argv closes the database connections as a command ends; the test's transaction needs its own.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit:
        execute_from_command_line(["manage.py", "import_cases", str(INVALID)])
    assert exit.value.code == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [*INVALID_PROBLEMS, f"CommandError: 5 problems in {INVALID}: nothing was imported."]
    assert not Incident.objects.exists()


def test_every_rule_of_the_format_is_checked_on_every_row(leeds, bradford, london_time):
    with london_time(IMPORT_DAY):
        log = caselog_read(MORE_PROBLEMS.read_bytes())
    assert [str(problem) for problem in log.problems] == [
        "line 1, column reason_at_notification: this required column is missing",
        "line 2, column reference: 'CSPR-22-1' is not a case reference: write it as CSPR-YYYY-NNNNN",
        "line 2, column la_aware_date: the local authority became aware (2022-05-09) before the incident (2022-05-10)",
        "line 3, column notification_date: the notification (2022-05-01) is before the incident (2022-05-10)",
        "line 3, column children_involved: 0 is not a number of children for one case: it must be from 1 to 20",
        "line 4, column children_involved: 'two' is not a whole number",
        "line 4, column child_age_years: 18 is not a child's age: it must be from 0 to 17",
        "line 5, column likely_cause: 'suicide' is not a likely cause for serious_harm",
        "line 6, column panel_position: the Panel's position is on the partnership's decision: give lcspr_decision too",
        "line 7, column region: Cumbria is not a local authority the service knows: give its region to create it",
        "line 8, column incident_date: 1999-12-31 is before 2000-01-01, the earliest date the service holds",
        "line 8, column notification_date: 2030-01-01 is in the future: the log records what has happened",
        "line 9, column region: Leeds is in Yorkshire and The Humber, not London",
        "line 10, column notification_date: an offline notification needs the date it reached the Panel",
        "line 11, column rapid_review_received: it says no, but rapid_review_date is filled in",
        "line 12, column reference: 'CSPR-2022-000311' has a leading zero the service never writes: "
        "write CSPR-2022-00311",
        "line 13, column local_authority: this is required: the cell cannot be empty",
        "line 13, column incident_date: this is required: the cell cannot be empty",
        "line 14, column reason_at_review: give the reason at review: the likely cause's list depends on it",
        "line 15, column region: 'Nowhere' is not a region: use the region's name, such as North West",
        "line 15, column notification_date: the notification (2022-05-11) is before the local authority "
        "became aware (2022-05-12)",
        "line 15, column channel: 'fax' is not a channel code: use online or offline",
        "line 15, column rapid_review_received: 'maybe' is not a rapid_review_received code: use yes or no",
    ]


def test_an_unknown_authority_takes_one_region_and_one_spelling(leeds, london_time, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(
        "reference,local_authority,region,incident_date,channel,reason_at_notification,children_involved\n"
        "CSPR-2019-00001,St. Helens,North West,2019-05-01,online,death,1\n"
        "CSPR-2019-00002,St Helens,North West,2019-05-02,online,death,1\n"
        "CSPR-2019-00003,Cumbria,North West,2019-05-03,online,death,1\n"
        "CSPR-2019-00004,CUMBRIA,,2019-05-04,online,death,1\n"
        "CSPR-2019-00005,Cumbria,North East,2019-05-05,online,death,1\n"
        f"CSPR-2019-00006,{leeds.partnership.name},,2019-05-06,online,death,1\n"
    )
    with london_time(IMPORT_DAY):
        log = caselog_read(log.read_bytes())
    assert [str(problem) for problem in log.problems] == [
        "line 3, column local_authority: St Helens is too like St. Helens on line 2: spell it one way",
        "line 6, column region: Cumbria is in North West on line 4: an authority has one region",
        f"line 7, column local_authority: {leeds.partnership.name} is a safeguarding partnership, "
        "not a local authority",
    ]


@pytest.mark.parametrize("mark", [b"", b"\xef\xbb\xbf"], ids=["without a byte-order mark", "with one"])
def test_a_file_that_is_not_utf8_text_says_where_it_stops_being_text(leeds, mark):
    log = caselog_read(mark + "reference,local_authority\nCSPR-2022-00001,Bénodet\n".encode("latin-1"))
    assert [str(problem) for problem in log.problems] == [
        "line 2: the file is not UTF-8 text: save it from the spreadsheet as CSV UTF-8"
    ]


def test_empty_columns_without_a_name_are_ignored_but_not_a_value_under_one(leeds, london_time):
    header = "reference,local_authority,incident_date,channel,reason_at_notification,children_involved,,\n"
    with london_time(IMPORT_DAY):
        ignored = caselog_read(f"{header}CSPR-2024-00010,Leeds,2024-02-01,online,death,1,,\n".encode())
        kept = caselog_read(f"{header}CSPR-2024-00010,Leeds,2024-02-01,online,death,1,,note\n".encode())
    assert ignored.is_valid
    assert [str(problem) for problem in kept.problems] == [
        "line 2: cell 8 has a value, but the header gives its column no name"
    ]


def test_an_error_part_way_through_leaves_nothing_behind(leeds, bradford, london_time, monkeypatch):
    """An error after a batch's cases, children and reviews are written, while their deadlines are
    worked out: the whole import is rolled back."""
    before = table_counts()
    worked_out = []

    def deadline_failing_on_the_fourth(**values):
        worked_out.append(values["kind"])
        if len(worked_out) == 4:
            raise RuntimeError("the database went away")
        return deadline_values(**values)

    monkeypatch.setattr("reports.services.deadline_values", deadline_failing_on_the_fourth)
    with london_time(IMPORT_DAY), pytest.raises(RuntimeError):
        import_cases(VALID)
    assert len(worked_out) == 4
    assert table_counts() == before


# Dry run ------------------------------------------------------------------------------------------------


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(leeds, bradford, london_time):
    before = table_counts()
    with london_time(IMPORT_DAY):
        output = import_cases(VALID, "--dry-run")
    assert output.splitlines() == [
        "Dry run: nothing was written.",
        f"Would import 6 cases from {VALID}: 1 withdrawn, 1 offline, 1 retrospective, 4 with a rapid review, "
        "1 awaiting one.",
        "Would skip 0 cases already in the service.",
        "Would create local authority Cumbria (code caselog-cumbria) in North West, "
        "with Cumbria Safeguarding Children Partnership.",
    ]
    assert table_counts() == before
    assert not User.objects.filter(email=IMPORTER_EMAIL).exists()


def test_a_dry_run_of_an_invalid_log_fails_as_the_import_would(leeds, bradford):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_cases", str(INVALID), "--dry-run", stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == INVALID_PROBLEMS
