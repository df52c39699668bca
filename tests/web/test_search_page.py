"""The search page: words in rapid review documents and filters on the cases, the passage that matched,
GOV.UK errors, pages, CSV, and only the cases a person may see."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.services import incident_create, incident_submit, incident_withdraw
from organisations.models import Region
from reviews.services import rapid_review_send
from tests.signin import sign_in

from ..conftest import case_values, rapid_review_values
from ..documents import real_pdf
from ..reviews.test_search_index import PHRASE, case_with_review, review_pdf
from .helpers import error_summary_links, page_facts

pytestmark = pytest.mark.django_db

URL = reverse("web:search")
D = datetime.date.fromisoformat


def signed_in(user):
    client = Client()
    sign_in(client, user)
    return client


def references(response):
    return [case.reference for case, _passage in response.context["results"]]


@pytest.fixture
def leeds_case(leeds, leeds_notifier, leeds_lead):
    """Leeds: serious harm in September 2022; its rapid review's PDF alone speaks of the phrase."""
    return case_with_review(
        leeds,
        leeds_notifier,
        leeds_lead,
        review_pdf(f"The {PHRASE} was not explained to the health visitor."),
        practice_themes=["babies"],
    )


@pytest.fixture
def bradford_case(bradford, bradford_notifier, bradford_lead):
    """Bradford, moved to London for these tests: a death in May 2023, its review on sudden infant death."""
    bradford.region = Region.objects.create(name="London", gss_code="E12000007")
    bradford.save()
    incident = incident_create(
        by=bradford_notifier,
        notifying_la=bradford,
        **case_values(incident_date=D("2023-05-01"), la_aware_date=D("2023-05-02"), reason="death"),
    )
    incident = incident_submit(incident=incident, by=bradford_notifier, late_reason="Known late.")
    rapid_review_send(
        incident=incident,
        by=bradford_lead,
        **rapid_review_values(
            document=SimpleUploadedFile("review.pdf", real_pdf("Safe sleep advice was given; bruising was not seen.")),
            reason_at_review="death",
            likely_cause="sudi_sudc",
            practice_themes=["whole_family"],
        ),
    )
    return incident


# The page ---------------------------------------------------------------------------------------------


def test_it_opens_with_the_form_and_no_results(panel_member):
    response = signed_in(panel_member).get(URL)

    assert response.status_code == 200
    facts = page_facts(response)
    assert facts.title.startswith("Search cases")
    assert facts.h1 == 1
    assert {"id_words", "id_local_authority", "id_incident_from"} <= facts.ids
    assert "results" not in response.context


def test_a_search_for_a_phrase_only_in_the_pdf_shows_the_case_with_its_passage(leeds_case, bradford_case, secretariat):
    response = signed_in(secretariat).get(URL, {"words": f'"{PHRASE}"'})

    assert response.status_code == 200
    assert references(response) == [leeds_case.reference]
    html = response.content.decode()
    assert f'href="{reverse("web:case", args=[leeds_case.reference])}"' in html
    assert "bruising</mark>" in html
    assert "1 case found" in html
    assert "Found in version 1 of the rapid review" in html


def test_an_empty_search_asks_for_words_or_a_filter(panel_member):
    response = signed_in(panel_member).get(URL, {"words": "", "reference": "", "order": "newest"})

    assert response.status_code == 400
    assert error_summary_links(response) == ["id_words"]
    assert "Enter words to search for, or choose at least one filter" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "anchor", "message"),
    [
        ({"incident_from-day": "31", "incident_from-month": "2", "incident_from-year": "2023"}, "id_incident_from-day",
         "Incident on or after must be a real date"),
        ({"incident_to-day": "1", "incident_to-month": "2", "incident_to-year": ""}, "id_incident_to-year",
         "Incident on or before must include a year"),
        ({"incident_from-day": "2", "incident_from-month": "2", "incident_from-year": "2023",
          "incident_to-day": "1", "incident_to-month": "2", "incident_to-year": "2023"}, "id_incident_to-day",
         "Incident on or before must be the same as or after incident on or after"),
        ({"words": "x" * 201}, "id_words", "Words or phrase must be 200 characters or fewer"),
        ({"local_authority": "999999"}, "id_local_authority", "Select a local authority from the list"),
        ({"likely_cause": "bad"}, "id_likely_cause", "Select a likely cause from the list"),
        ({"words": "bruising", "order": "sideways"}, "id_order", "Select how to sort the cases from the list"),
    ],
)  # fmt: skip
def test_bad_input_is_a_gov_uk_error_that_keeps_what_was_typed(panel_member, query, anchor, message):
    response = signed_in(panel_member).get(URL, query)

    assert response.status_code == 400
    assert error_summary_links(response) == [anchor]
    html = response.content.decode()
    assert message in html
    for value in query.values():
        assert f'value="{value}"' in html or value in ("999999", "bad", "sideways")


def test_an_analyst_sees_no_case_and_is_refused(analyst):
    assert signed_in(analyst).get(URL, {"words": "bruising"}).status_code == 403


def test_someone_signed_out_is_sent_to_sign_in():
    response = Client().get(URL)

    assert response.status_code == 302
    assert "sign-in" in response["Location"]


# Filters and order ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"reference": "leeds"}, ["leeds"]),
        ({"local_authority": "leeds"}, ["leeds"]),
        ({"partnership": "bradford"}, ["bradford"]),
        ({"region": "london"}, ["bradford"]),
        ({"reason_at_notification": "death"}, ["bradford"]),
        ({"reason_at_review": "serious_harm"}, ["leeds"]),
        ({"likely_cause": "sudi_sudc"}, ["bradford"]),
        ({"practice_theme": "babies"}, ["leeds"]),
        ({"practice_theme": "whole_family"}, ["bradford"]),
        ({"status": "withdrawn"}, []),
        ({"status": "notified"}, ["bradford", "leeds"]),
        ({"incident_from-day": "1", "incident_from-month": "1", "incident_from-year": "2023"}, ["bradford"]),
        ({"incident_to-day": "31", "incident_to-month": "12", "incident_to-year": "2022"}, ["leeds"]),
        ({"words": "bruising"}, ["bradford", "leeds"]),
        ({"words": "bruising", "region": "london"}, ["bradford"]),
        ({"words": "safe sleep -explained"}, ["bradford"]),
    ],
)
def test_each_filter_narrows_the_cases(leeds_case, bradford_case, secretariat, criteria, expected):
    names = {"leeds": leeds_case, "bradford": bradford_case}
    query = dict(criteria)
    if "local_authority" in query:
        query["local_authority"] = names[query["local_authority"]].notifying_la_id
    if "partnership" in query:
        query["partnership"] = names[query["partnership"]].notifying_la.partnership_id
    if "region" in query:
        query["region"] = Region.objects.get(name="London").pk
    if "reference" in query:
        query["reference"] = names[query["reference"]].reference[-5:]  # part of a reference finds it

    response = signed_in(secretariat).get(URL, {**query, "order": "reference"})

    assert response.status_code == 200
    assert sorted(references(response)) == sorted(names[name].reference for name in expected)


def test_the_status_filter_finds_a_withdrawn_case(leeds_case, bradford_case, leeds_notifier, secretariat):
    incident_withdraw(incident=leeds_case, by=leeds_notifier, reason="Criteria not met.")

    response = signed_in(secretariat).get(URL, {"status": "withdrawn"})

    assert references(response) == [leeds_case.reference]


@pytest.mark.parametrize(("order", "first"), [("newest", "bradford"), ("oldest", "leeds"), ("", "bradford")])
def test_the_cases_are_sorted_as_asked(leeds_case, bradford_case, secretariat, order, first):
    response = signed_in(secretariat).get(URL, {"status": "notified", "order": order})

    assert references(response)[0] == {"leeds": leeds_case, "bradford": bradford_case}[first].reference


def test_sorted_by_reference(leeds_case, bradford_case, secretariat):
    response = signed_in(secretariat).get(URL, {"status": "notified", "order": "reference"})

    assert references(response) == sorted([leeds_case.reference, bradford_case.reference])


# Scope ------------------------------------------------------------------------------------------------


def test_a_partnership_never_finds_another_partnerships_case(leeds_case, bradford_case, bradford_lead, leeds_lead):
    bradford = signed_in(bradford_lead).get(URL, {"words": "bruising"})
    leeds = signed_in(leeds_lead).get(URL, {"words": "bruising"})
    by_reference = signed_in(bradford_lead).get(URL, {"reference": leeds_case.reference})

    assert references(bradford) == [bradford_case.reference]
    assert references(leeds) == [leeds_case.reference]
    assert references(by_reference) == []
    assert PHRASE not in bradford.content.decode()


def test_a_local_authority_finds_its_own_cases(leeds_case, bradford_case, leeds_notifier):
    response = signed_in(leeds_notifier).get(URL, {"status": "notified"})

    assert references(response) == [leeds_case.reference]


def test_the_csv_holds_only_the_cases_the_person_may_see(leeds_case, bradford_case, bradford_lead):
    response = signed_in(bradford_lead).get(URL, {"words": "bruising", "download": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[0] for row in rows[1:]] == [bradford_case.reference]


# Pages and CSV ----------------------------------------------------------------------------------------


def many_cases(leeds, notifier, lead, count, text="Bruising was seen by the school nurse."):
    return [case_with_review(leeds, notifier, lead, real_pdf(text), practice_themes=["babies"]) for _ in range(count)]


def test_results_come_a_page_at_a_time(leeds, leeds_notifier, leeds_lead, secretariat):
    many_cases(leeds, leeds_notifier, leeds_lead, 30)
    client = signed_in(secretariat)

    first = client.get(URL, {"words": "bruising"})
    second = client.get(URL, {"words": "bruising", "page": 2})

    assert len(references(first)) == 25
    assert len(references(second)) == 5
    assert "30 cases found" in first.content.decode()
    assert "words=bruising&amp;page=2" in first.content.decode()
    assert not set(references(first)) & set(references(second))


def test_the_csv_has_a_row_a_case_with_its_passage_as_plain_text(leeds_case, bradford_case, secretariat):
    response = signed_in(secretariat).get(URL, {"words": "bruising", "order": "oldest", "download": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["Case reference"] for row in rows] == [leeds_case.reference, bradford_case.reference]
    leeds = rows[0]
    assert leeds["Local authority"] == "Leeds"
    assert leeds["Incident date"] == "2022-09-10"
    assert leeds["Reason at rapid review"] == "Serious harm"
    assert leeds["Likely cause"] == "Non-fatal assault: intrafamilial"
    assert leeds["Rapid review"] == "Received by the Panel"
    assert leeds["Matching version"] == "1"
    assert "bruising" in leeds["Matching passage"]
    assert "<mark>" not in leeds["Matching passage"]
    assert rows[1]["Region"] == "London"


def test_the_page_links_to_its_csv(leeds_case, secretariat):
    html = signed_in(secretariat).get(URL, {"words": "bruising"}).content.decode()

    assert 'href="?words=bruising&amp;download=csv"' in html
    assert "Download as CSV" in html


def test_a_cell_that_starts_like_a_formula_is_kept_as_text_in_the_csv(leeds_case, panel_member):
    leeds_case.notifying_la.name = "=HYPERLINK(Leeds)"
    leeds_case.notifying_la.save()

    response = signed_in(panel_member).get(URL, {"words": "bruising", "download": "csv"})

    row = list(csv.DictReader(io.StringIO(response.content.decode())))[0]
    assert row["Local authority"] == "'=HYPERLINK(Leeds)"


# Queries ----------------------------------------------------------------------------------------------


def _queries(client, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, query)
        assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize(
    "query",
    [
        {"words": "bruising", "local_authority": "leeds", "practice_theme": "babies"},
        {"status": "notified", "order": "reference"},
        {"words": "bruising", "download": "csv"},
    ],
)
def test_the_same_queries_for_5_results_as_for_30(leeds, leeds_notifier, leeds_lead, secretariat, query):
    query = {**query, "local_authority": leeds.pk} if "local_authority" in query else query
    client = signed_in(secretariat)
    many_cases(leeds, leeds_notifier, leeds_lead, 5)
    few, response = _queries(client, query)
    shown = 0 if "download" in query else len(references(response))
    many_cases(leeds, leeds_notifier, leeds_lead, 25)
    many, response = _queries(client, query)

    assert shown in (0, 5)
    assert "download" in query or len(references(response)) == 25
    assert few == many, f"{few} queries for 5 results, {many} for 30"
