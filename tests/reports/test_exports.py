"""The analysts' exports: the pseudonymised case-level CSV names nobody and dates nothing to the day, keeps
its pseudonyms stable under one key, and is refused without one; the DfE-shaped tables count notifications
by reporting year to 31 March with every code listed; both are for the Panel and analysts only."""

import csv
import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from incidents.codes import ETHNICITY_GROUPS, AgeGroup, History, LookedAfter, Sex, TriState, age_group
from incidents.services import incident_create, incident_key_offline, incident_submit, incident_withdraw
from reports.exports import (
    CASE_COLUMNS,
    DFE_CHARACTERISTICS,
    case_export,
    dfe_queryset,
    dfe_tables,
    pseudonym,
)
from reviews.models import RapidReviewVersion
from reviews.services import rapid_review_panel_decision_record, rapid_review_send, rapid_review_send_unnotified

from ..conftest import case_values, rapid_review_values

D = datetime.date.fromisoformat
KEY = "a-long-random-secret-for-the-tests-0123456789"

# The exports' own paths, as reports.api_urls includes them under /api/v1/.
urlpatterns = [path("api/v1/", include("reports.export_urls"))]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

CASES_URL = "/api/v1/reports/cases.csv"
DFE_URL = "/api/v1/reports/dfe.csv"


@pytest.fixture(autouse=True)
def pseudonym_key(settings):
    settings.PSEUDONYM_KEY = KEY
    return settings


def read_csv(lines):
    return list(csv.DictReader(io.StringIO("".join(lines))))


def file_case(by, la, london_time, *, on, children, submit=True, **values):
    """A case started and notified by the authority on the day `on` (London time), in time unless its dates
    are given: the incident two days before, known the day before."""
    day = D(on)
    in_time = {"incident_date": day - datetime.timedelta(days=2), "la_aware_date": day - datetime.timedelta(days=1)}
    values = in_time | values
    with london_time(on):
        incident = incident_create(by=by, notifying_la=la, **case_values(children=children, **values))
        return incident_submit(incident=incident, by=by) if submit else incident


@pytest.fixture
def fairweather_case(leeds_notifier, leeds, leeds_lead, secretariat, london_time):
    """Two named children with dates of birth; the rapid review finds the harmed child died, the partnership
    decides on no local review, and the Panel disagrees."""
    incident = file_case(
        leeds_notifier,
        leeds,
        london_time,
        on="2022-09-14",
        incident_date=D("2022-09-10"),
        la_aware_date=D("2022-09-12"),
        children=[
            {
                "first_name": "Amelia",
                "last_name": "Fairweather",
                "date_of_birth": D("2019-06-14"),
                "sex": "female",
                "ethnicity": "white_black_caribbean",
                "disability": "no",
                "child_protection_plan": "current",
                "is_index": True,
            },
            {
                "first_name": "Oliver",
                "last_name": "Fairweather",
                "date_of_birth": D("2008-02-03"),
                "sex": "male",
                "ethnicity": "refused",
            },
        ],
    )
    with london_time("2022-10-03"):
        rapid_review_send(
            incident=incident,
            by=leeds_lead,
            **rapid_review_values(
                reason_at_review="death",
                likely_cause="fatal_assault_intrafamilial",
                lcspr_decision="not_required",
                lines_of_enquiry="",
            ),
        )
    version = RapidReviewVersion.objects.get(rapid_review__incident=incident)
    with london_time("2022-10-10"):
        rapid_review_panel_decision_record(
            incident=incident,
            version=version,
            on=D("2022-10-10"),
            panel_position="disagree",
            national_review="not_needed",
            quality_themes=[],
            by=secretariat,
        )
    incident.refresh_from_db()
    return incident


# The case-level export ---------------------------------------------------------------------------------


def test_it_names_no_child_and_shows_no_date_of_birth_no_full_date_and_no_reference(fairweather_case):
    text = "".join(case_export())

    for name in ("Amelia", "Oliver", "Fairweather"):
        assert name not in text
    assert "2019-06" not in text and "2008-02" not in text  # not even a month of birth
    assert re.search(r"\d{4}-\d{2}-\d{2}", text) is None
    assert fairweather_case.reference not in text
    assert "CSPR" not in text


def test_it_gives_one_row_per_child_in_codes_and_months(fairweather_case):
    index, sibling = read_csv(case_export())

    assert list(index) == list(CASE_COLUMNS)
    case_pseudonym = pseudonym(fairweather_case.reference, key=KEY.encode())
    assert index["case_pseudonym"] == sibling["case_pseudonym"] == case_pseudonym
    assert index == {
        **index,
        "status": "notified",
        "channel": "online",
        "retrospective": "no",
        "reason_at_notification": "serious_harm",
        "reason": "death",
        "reason_at_review": "death",
        "likely_cause": "fatal_assault_intrafamilial",
        "region": "Yorkshire and The Humber",
        "incident_month": "2022-09",
        "la_aware_month": "2022-09",
        "notification_month": "2022-09",
        "withdrawn_month": "",
        "rapid_review_status": "submitted",
        "rapid_review_month": "2022-10",
        # Saturday 10 to Wednesday 14 September 2022; Monday 12 to Wednesday 14; Wednesday 14 to Monday
        # 3 October, less Monday 19 September (the Queen's funeral).
        "working_days_incident_to_notification": "3",
        "working_days_aware_to_notification": "2",
        "working_days_notification_to_rapid_review": "12",
        "lcspr_decision": "not_required",
        "panel_position": "disagree",
        "panel_disagreement": "further_learning",
        "national_review": "not_needed",
        "children_involved": "2",
        "child_number": "1",
        "is_index": "yes",
        "age_group": "1_to_5",
        "sex": "female",
        "ethnicity": "white_black_caribbean",
        "ethnicity_group": "mixed",
        "disability": "no",
        "child_protection_plan": "current",
        "child_in_need": "not_recorded",
    }
    assert sibling == {
        **sibling,
        "children_involved": "2",
        "child_number": "2",
        "is_index": "no",
        "age_group": "11_to_15",
        "sex": "male",
        "ethnicity": "refused",
        "ethnicity_group": "refused",
    }
    assert "Leeds" not in "".join(case_export())  # the region, never the authority


def test_it_exports_every_counted_case_with_its_status_and_never_a_draft(
    leeds_notifier, leeds, leeds_lead, secretariat, london_time
):
    notified = file_case(leeds_notifier, leeds, london_time, on="2023-01-10", children=[{"age_years": 4}])
    withdrawn = file_case(leeds_notifier, leeds, london_time, on="2023-01-11", children=[{"age_years": 9}])
    with london_time("2023-02-14"):
        incident_withdraw(incident=withdrawn, by=leeds_notifier, reason="No abuse or neglect suspected.")
    draft = file_case(leeds_notifier, leeds, london_time, on="2023-01-12", children=[{"age_years": 2}], submit=False)
    with london_time("2023-01-20"):
        unnotified = rapid_review_send_unnotified(
            by=leeds_lead,
            local_authority=leeds,
            incident_fields={"incident_date": D("2023-01-02"), "la_aware_date": D("2023-01-03"), "reason": "death"},
            children=[],
            **rapid_review_values(reason_at_review="death", likely_cause="sudi_sudc", completed_on=D("2023-01-19")),
        ).incident
        offline = incident_key_offline(
            by=secretariat,
            notifying_la=leeds,
            offline_method="phone",
            offline_received_on=D("2023-01-19"),
            **case_values(incident_date=D("2023-01-16"), la_aware_date=D("2023-01-17"), children=[]),
        )

    rows = {row["case_pseudonym"]: row for row in read_csv(case_export())}

    def row(incident):
        return rows[pseudonym(incident.reference, key=KEY.encode())]

    assert len(rows) == 4
    assert pseudonym(draft.reference, key=KEY.encode()) not in rows
    assert row(notified)["status"] == "notified"
    assert row(withdrawn) == {**row(withdrawn), "status": "withdrawn", "withdrawn_month": "2023-02"}
    # A case that names no child yet is still a row, with its child columns empty.
    assert row(unnotified) == {
        **row(unnotified),
        "status": "not_notified",
        "notification_month": "",
        "rapid_review_month": "2023-01",
        "children_involved": "0",
        "child_number": "",
        "is_index": "",
        "age_group": "",
        "sex": "",
    }
    assert row(offline) == {**row(offline), "channel": "offline", "notification_month": "2023-01"}


def test_its_pseudonyms_are_stable_across_runs_and_change_with_the_key(fairweather_case, settings):
    first = read_csv(case_export())
    second = read_csv(case_export())
    settings.PSEUDONYM_KEY = "another-secret-entirely-9876543210"
    rekeyed = read_csv(case_export())

    assert [row["case_pseudonym"] for row in first] == [row["case_pseudonym"] for row in second]
    assert first[0]["case_pseudonym"] != rekeyed[0]["case_pseudonym"]
    assert re.fullmatch(r"case-[0-9a-f]{16}", first[0]["case_pseudonym"])


def test_it_refuses_to_export_without_a_key_when_debug_is_off(
    fairweather_case, settings, client_for, analyst, tmp_path
):
    settings.PSEUDONYM_KEY = None
    settings.DEBUG = False
    output = tmp_path / "cases.csv"

    with pytest.raises(CommandError, match="PSEUDONYM_KEY"):
        call_command("export_cases", "--output", str(output))
    assert not output.exists()
    response = client_for(analyst).get(CASES_URL)
    assert response.status_code == 503
    assert "PSEUDONYM_KEY" in response.json()["detail"]


def test_it_exports_without_a_key_in_development(fairweather_case, settings):
    settings.PSEUDONYM_KEY = None
    settings.DEBUG = True

    assert len(read_csv(case_export())) == 2


def test_the_command_writes_the_same_file(fairweather_case, tmp_path):
    output = tmp_path / "cases.csv"
    out = io.StringIO()

    call_command("export_cases", "--output", str(output), stdout=out)

    assert output.read_text(encoding="utf-8") == "".join(case_export())
    assert "Wrote 2 rows" in out.getvalue()


def test_it_reads_the_cases_in_the_same_number_of_queries_however_many_there_are(
    leeds_notifier, leeds, leeds_lead, london_time
):
    def queries_to_export():
        with CaptureQueriesContext(connection) as queries:
            rows = read_csv(case_export())
        return len(rows), len(queries)

    first = file_case(leeds_notifier, leeds, london_time, on="2023-01-10", children=[{"age_years": 4}])
    with london_time("2023-01-24"):
        rapid_review_send(incident=first, by=leeds_lead, **rapid_review_values(completed_on=D("2023-01-23")))
    one = queries_to_export()
    for day in ("2023-02-06", "2023-02-07", "2023-02-08", "2023-02-09"):
        children = [{"age_years": 3, "is_index": True}, {"age_years": 6}, {"age_years": 8}]
        file_case(leeds_notifier, leeds, london_time, on=day, children=children)
    many = queries_to_export()

    assert one[0] == 1 and many[0] == 13
    assert one[1] == many[1] == 2  # the bank holidays, then the cases and their children in one


# The DfE-shaped tables -----------------------------------------------------------------------------------


def table(rows, year, characteristic):
    return {
        row["value"]: (row["death"], row["serious_harm"], row["other"], row["total"])
        for row in rows
        if row["reporting_year"] == year and row["characteristic"] == characteristic
    }


@pytest.fixture
def year_end_cases(leeds_notifier, leeds, london_time):
    """Notifications either side of 31 March 2023, one before 2022-23 began, a withdrawn one and a draft."""
    file_case(  # Thursday 31 March 2022: the last day of 2021-22
        leeds_notifier,
        leeds,
        london_time,
        on="2022-03-31",
        incident_date=D("2022-03-28"),
        la_aware_date=D("2022-03-29"),
        reason="death",
        children=[{"age_years": 0, "sex": "male"}],
    )
    file_case(  # Friday 1 April 2022: the first day of 2022-23
        leeds_notifier,
        leeds,
        london_time,
        on="2022-04-01",
        incident_date=D("2022-03-30"),
        la_aware_date=D("2022-03-31"),
        reason="serious_harm",
        children=[
            {
                "age_years": 15,
                "sex": "female",
                "ethnicity": "pakistani",
                "looked_after": "residential_home",
                "is_index": True,
            },
            {"age_years": 0, "sex": "male"},
        ],
    )
    file_case(  # Friday 31 March 2023: the last day of 2022-23
        leeds_notifier,
        leeds,
        london_time,
        on="2023-03-31",
        incident_date=D("2023-03-29"),
        la_aware_date=D("2023-03-30"),
        reason="death",
        children=[{"age_years": 0, "sex": "male", "ethnicity": "african", "child_in_need": "previous"}],
    )
    file_case(  # Saturday 1 April 2023: the first day of 2023-24
        leeds_notifier,
        leeds,
        london_time,
        on="2023-04-01",
        incident_date=D("2023-03-30"),
        la_aware_date=D("2023-03-31"),
        reason="serious_harm",
        children=[{"age_years": 6, "sex": "female", "disability": "yes", "family_known_to_csc": "current"}],
    )
    withdrawn = file_case(
        leeds_notifier,
        leeds,
        london_time,
        on="2023-04-03",
        incident_date=D("2023-03-31"),
        la_aware_date=D("2023-04-03"),
        reason="death",
        children=[{"age_years": 2}],
    )
    with london_time("2023-04-05"):
        incident_withdraw(incident=withdrawn, by=leeds_notifier, reason="Criteria not met.")
    file_case(
        leeds_notifier,
        leeds,
        london_time,
        on="2023-04-04",
        incident_date=D("2023-04-01"),
        la_aware_date=D("2023-04-03"),
        children=[{"age_years": 2}],
        submit=False,
    )


def test_the_dfe_tables_count_each_notification_in_the_reporting_year_of_its_notification_date(
    year_end_cases, leeds_notifier
):
    rows = dfe_tables(from_year=2022, to_year=2023)

    assert {row["reporting_year"] for row in rows} == {"2022-23", "2023-24"}
    assert table(rows, "2022-23", "notifications") == {"all": (1, 1, 0, 2)}
    assert table(rows, "2023-24", "notifications") == {"all": (0, 1, 0, 1)}  # neither withdrawn nor draft
    # Each incident counts once, by its index child: the baby in the 1 April 2022 case is not counted.
    assert table(rows, "2022-23", "age_group") == {
        "under_1": (1, 0, 0, 1),
        "1_to_5": (0, 0, 0, 0),
        "6_to_10": (0, 0, 0, 0),
        "11_to_15": (0, 1, 0, 1),
        "16_to_17": (0, 0, 0, 0),
        "not_recorded": (0, 0, 0, 0),
    }
    assert table(rows, "2022-23", "sex") == {
        "male": (1, 0, 0, 1),
        "female": (0, 1, 0, 1),
        "other": (0, 0, 0, 0),
        "not_recorded": (0, 0, 0, 0),
    }
    assert table(rows, "2022-23", "ethnicity_group")["asian"] == (0, 1, 0, 1)
    assert table(rows, "2022-23", "ethnicity_group")["black"] == (1, 0, 0, 1)
    assert table(rows, "2022-23", "looked_after")["residential_home"] == (0, 1, 0, 1)
    assert table(rows, "2022-23", "looked_after")["not_recorded"] == (1, 0, 0, 1)
    assert table(rows, "2022-23", "child_in_need")["previous"] == (1, 0, 0, 1)
    assert table(rows, "2023-24", "age_group")["6_to_10"] == (0, 1, 0, 1)
    assert table(rows, "2023-24", "disability") == {
        "yes": (0, 1, 0, 1),
        "no": (0, 0, 0, 0),
        "not_recorded": (0, 0, 0, 0),
    }
    assert table(rows, "2023-24", "family_known_to_csc")["current"] == (0, 1, 0, 1)
    assert table(rows, "2023-24", "child_protection_plan")["not_recorded"] == (0, 1, 0, 1)


def test_the_nature_is_the_reason_at_notification_even_when_the_review_finds_otherwise(fairweather_case):
    rows = dfe_tables(from_year=2022, to_year=2022)

    assert table(rows, "2022-23", "notifications") == {"all": (0, 1, 0, 1)}


def test_a_notification_naming_no_child_is_counted_as_not_recorded(secretariat, leeds, london_time):
    with london_time("2022-09-14"):
        incident_key_offline(  # a phone call that named no child
            by=secretariat,
            notifying_la=leeds,
            offline_method="phone",
            offline_received_on=D("2022-09-13"),
            **case_values(children=[]),
        )

    rows = dfe_tables(from_year=2022, to_year=2022)

    for name, _expression, _values in DFE_CHARACTERISTICS:
        assert table(rows, "2022-23", name)["not_recorded"] == (0, 1, 0, 1), name


def test_every_table_lists_every_code_with_zeros(db):
    rows = dfe_tables(from_year=2021, to_year=2023)

    expected = {
        "notifications": ["all"],
        "looked_after": LookedAfter.values,
        "sex": Sex.values,
        "age_group": AgeGroup.values,
        "ethnicity_group": [*ETHNICITY_GROUPS, "refused", "not_recorded"],
        "disability": TriState.values,
        "child_protection_plan": History.values,
        "child_in_need": History.values,
        "family_known_to_csc": History.values,
    }
    for year in ("2021-22", "2022-23", "2023-24"):
        for characteristic, values in expected.items():
            assert table(rows, year, characteristic) == dict.fromkeys(values, (0, 0, 0, 0)), (year, characteristic)
    assert len(rows) == 3 * sum(len(values) for values in expected.values())


def test_the_age_groups_counted_in_the_database_are_the_data_standards(leeds_notifier, leeds, london_time):
    for age in (None, *range(18)):
        file_case(leeds_notifier, leeds, london_time, on="2022-09-14", children=[{"age_years": age}])

    counted = dict(
        dfe_queryset(from_year=2022, to_year=2022)
        .annotate(group={name: read for name, read, _values in DFE_CHARACTERISTICS}["age_group"]())
        .values_list("index_child__age_years", "group")
    )

    assert counted == {age: age_group(age).value for age in (None, *range(18))}


def test_the_dfe_command_writes_the_tables_as_csv(year_end_cases, tmp_path):
    output = tmp_path / "dfe.csv"

    call_command("export_dfe", "--from-year", "2022", "--to-year", "2023", "--output", str(output))

    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    assert list(rows[0]) == ["reporting_year", "characteristic", "value", "death", "serious_harm", "other", "total"]
    assert rows[0] == {
        "reporting_year": "2022-23",
        "characteristic": "notifications",
        "value": "all",
        "death": "1",
        "serious_harm": "1",
        "other": "0",
        "total": "2",
    }


@pytest.mark.parametrize(
    "arguments", [["--from-year", "2023", "--to-year", "2022"], ["--from-year", "1999"], ["--from-year", "2999"]]
)
def test_the_dfe_command_refuses_years_it_cannot_report(arguments):
    with pytest.raises(CommandError, match="year"):
        call_command("export_dfe", *arguments)


def test_the_dfe_tables_need_no_pseudonym_key(year_end_cases, settings, client_for, analyst):
    settings.PSEUDONYM_KEY = None

    response = client_for(analyst).get(DFE_URL, {"from_year": 2022})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(line.decode() for line in response.streaming_content)
    assert {row["reporting_year"] for row in rows} == {"2022-23"}


# Who may export ------------------------------------------------------------------------------------------


def test_the_panel_and_analysts_download_the_exports(fairweather_case, client_for, analyst, secretariat, panel_member):
    for person in (analyst, secretariat, panel_member):
        client = client_for(person)
        cases = client.get(CASES_URL)
        assert cases.status_code == 200, person
        assert cases["Content-Disposition"] == 'attachment; filename="cases-pseudonymised.csv"'
        assert len(read_csv(line.decode() for line in cases.streaming_content)) == 2
        assert client.get(DFE_URL, {"from_year": 2022, "to_year": 2023}).status_code == 200


def test_local_authorities_and_partnerships_may_not_export(
    fairweather_case, client_for, api_client, leeds_notifier, leeds_lead
):
    for person in (leeds_notifier, leeds_lead):
        for url in (CASES_URL, f"{DFE_URL}?from_year=2022"):
            response = client_for(person).get(url)
            assert response.status_code == 403, (person, url)
            assert response.json() == {"detail": "Exports are for the Panel and analysts."}
    assert api_client.get(CASES_URL).status_code == 401


def test_a_client_may_ask_for_csv(fairweather_case, client_for, analyst, leeds_notifier):
    assert client_for(analyst).get(CASES_URL, HTTP_ACCEPT="text/csv").status_code == 200
    refused = client_for(leeds_notifier).get(CASES_URL, HTTP_ACCEPT="text/csv")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Exports are for the Panel and analysts."}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "from_year"),
        ({"from_year": "last year"}, "from_year"),
        ({"from_year": 1999}, "from_year"),
        ({"from_year": 2999}, "from_year"),
        ({"from_year": 2023, "to_year": 2022}, "to_year"),
        ({"from_year": 2022, "years": 2}, "years"),
    ],
)
def test_the_dfe_tables_refuse_years_they_cannot_report(client_for, analyst, query, field):
    response = client_for(analyst).get(DFE_URL, query)

    assert response.status_code == 400
    assert field in response.json()


def test_the_paths_are_named(db):
    assert reverse("api-reports-cases-csv") == CASES_URL
    assert reverse("api-reports-dfe-csv") == DFE_URL
