"""The synthetic case log the import benchmark reads: valid, realistic, and imported as the services would
make its cases, whichever way the import writes them (COPY on PostgreSQL, bulk inserts elsewhere)."""

import csv
import datetime
import io

import pytest

from benchmarks.caselog import FIRST_NUMBER, caselog_csv
from deadlines.models import Deadline
from deadlines.services import bank_holidays_sync, deadlines_cancel_open
from incidents.codes import Channel
from incidents.models import Child, Incident, TimelineEvent
from organisations.services import reference_data_load
from reports.caselog import COLUMNS, caselog_read
from reports.services import IMPORTER_EMAIL, CaseLogEvent, caselog_import
from reviews.models import RapidReview
from reviews.services import review_deadlines_refresh

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 2)


@pytest.fixture
def reference_data(db):
    """England's authorities, their partnerships and the bank holidays, as a service holds them."""
    reference_data_load()
    bank_holidays_sync()


@pytest.fixture
def imported(reference_data, london_time):
    """A generated log of 500 cases, imported on Monday 2 June 2025."""
    with london_time(TODAY.isoformat()):
        log = caselog_read(caselog_csv(rows=500, today=TODAY))
        plan = caselog_import(log=log)
    return log, plan


def table(data):
    return list(csv.DictReader(io.StringIO(data.decode())))


# The log ------------------------------------------------------------------------------------------------


def test_it_is_the_same_log_for_the_same_seed_and_another_for_another():
    assert caselog_csv(rows=50, today=TODAY) == caselog_csv(rows=50, today=TODAY)
    assert caselog_csv(rows=50, today=TODAY) != caselog_csv(rows=50, seed=1, today=TODAY)


def test_it_has_every_column_and_references_above_any_bench_data_makes():
    rows = table(caselog_csv(rows=200, first_number=FIRST_NUMBER, today=TODAY))
    assert list(rows[0]) == list(COLUMNS)
    numbers = [int(row["reference"].rsplit("-", 1)[1]) for row in rows]
    assert numbers == list(range(FIRST_NUMBER, FIRST_NUMBER + 200))
    years = {int(row["reference"].split("-")[1]) for row in rows}
    assert years <= set(range(2018, TODAY.year))
    assert all(row["reference"].split("-")[1] == row["incident_date"][:4] for row in rows)


def test_its_proportions_are_the_published_figures():
    rows = table(caselog_csv(rows=5000, today=TODAY))

    def share(test):
        return sum(1 for row in rows if test(row)) / len(rows)

    assert 0.37 < share(lambda row: row["reason_at_notification"] == "death") < 0.43
    assert 0.55 < share(lambda row: row["reason_at_notification"] == "serious_harm") < 0.61
    assert 0.02 < share(lambda row: row["channel"] == "offline") < 0.04
    assert 0.01 < share(lambda row: row["notification_status"] == "withdrawn") < 0.03
    assert 0.89 < share(lambda row: row["children_involved"] == "1") < 0.93
    assert {row["children_involved"] for row in rows} == {"1", "2", "3", "4"}
    received = share(lambda row: row["rapid_review_received"] == "yes")
    assert 0.80 < received < 0.86
    assert 0.95 < share(lambda row: row["rapid_review_date"] != "") / received < 1
    assert {row["panel_position"] for row in rows} == {"agree", "disagree", ""}
    assert 0.55 < share(lambda row: row["child_ethnicity"] == "white_british") < 0.69
    assert max(row["incident_date"] for row in rows) < f"{TODAY.year}-01-01"
    assert min(row["incident_date"] for row in rows) >= "2018-01-01"


def test_every_authority_it_names_is_one_the_service_knows(reference_data):
    log = caselog_read(caselog_csv(rows=500, today=TODAY), today=TODAY)
    assert log.problems == []
    assert all(row.authority is not None for row in log.rows)
    assert len({row.authority for row in log.rows}) > 100


# The import ---------------------------------------------------------------------------------------------


def test_a_generated_log_has_no_problems_and_imports_every_case(imported):
    log, plan = imported
    assert log.is_valid
    assert len(plan.new) == 500
    assert Incident.objects.count() == 500
    assert Child.objects.count() == sum(row.children_involved for row in log.rows)
    assert RapidReview.objects.count() == plan.with_rapid_review
    assert 0 < plan.retrospective < 25  # about 2% of the cases with a review
    assert TimelineEvent.objects.filter(kind=CaseLogEvent.IMPORTED).count() == 500


def test_every_case_child_and_review_has_its_history_record_by_the_importer(imported):
    for model in (Incident, Child, RapidReview):
        history = model.history.model
        tracked = [field.attname for field in history.tracked_fields]
        records = {record.id: record for record in history.objects.all()}
        rows = list(model.objects.all())
        assert len(records) == len(rows)
        for row in rows:
            record = records[row.pk]
            assert (record.history_type, record.history_user.email, record.history_change_reason) == (
                "+",
                IMPORTER_EMAIL,
                None,
            )
            assert {name: getattr(record, name) for name in tracked} == {name: getattr(row, name) for name in tracked}


def deadline_rows():
    """Every column of every deadline but its id and when it was written, by case, kind and subject."""
    columns = [f.attname for f in Deadline._meta.concrete_fields if f.attname not in ("id", "created_at", "updated_at")]
    rows = Deadline.objects.values("incident__reference", *columns)
    return {(row["incident__reference"], row["kind"], row["subject"]): row for row in rows}


def test_the_deadlines_are_those_the_services_make_case_by_case(imported, london_time):
    log, _plan = imported
    made = deadline_rows()
    assert {row["status"] for row in made.values()} == {"open", "met", "cancelled"}

    # What the import made before it wrote deadlines many cases at once: the services' deadlines of
    # each case, then those the log cannot close cancelled on the import date.
    Deadline.objects.all().delete()
    cases = Incident.objects.in_bulk(field_name="reference")
    with london_time(TODAY.isoformat()):
        for row in log.rows:
            incident = cases[row.reference]
            review_deadlines_refresh(incident=incident)
            if row.notification_status == Incident.Status.WITHDRAWN:
                deadlines_cancel_open(incident=incident, on=TODAY)
                continue
            kinds = []
            if row.notification_date is None:
                kinds.append(Deadline.Kind.NOTIFICATION)
            if row.channel == Channel.OFFLINE:
                kinds.append(Deadline.Kind.OFFLINE_CONFIRMATION)
            if row.rapid_review_received and row.rapid_review_date is None:
                kinds.append(Deadline.Kind.RAPID_REVIEW)
            if kinds:
                deadlines_cancel_open(incident=incident, on=TODAY, kinds=kinds)
    assert deadline_rows() == made
