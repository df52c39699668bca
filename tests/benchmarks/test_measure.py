"""The benchmarks' own measures, at a small size: each runs on bench data, the hand-written headline query
agrees with the annual report, and what a measure writes is gone afterwards."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from benchmarks import measure, run
from casefile.bench_data import bench_data_build
from incidents.models import Incident
from notices.models import Notice
from organisations.models import Role
from reviews.models import RapidReviewVersion

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench data is loaded with COPY")


@pytest.fixture
def built(db):
    return bench_data_build(incidents=300, seed=11, chunk=150)


def _notices():
    return sorted(Notice.objects.values_list("pk", "status", "claimed_at", "sent_at"))


@pytest.mark.django_db
@on_postgresql
def test_the_annual_report_and_the_headline_query_agree(built):
    result = measure.annual_report_measure()
    for period in ("year", "all"):
        assert result[period]["disagree"] == []
        assert result[period]["report_s"] > 0 and result[period]["sql_s"] > 0
    assert result["all"]["cases"] > result["year"]["cases"] > 0


@pytest.mark.django_db
@on_postgresql
def test_the_reminder_pass_sends_every_due_reminder_and_puts_everything_back(built, monkeypatch):
    monkeypatch.setattr(measure, "REMINDERS", 400)
    monkeypatch.setattr(measure, "REMINDERS_PER_ADDRESSEE", 5)
    before = _notices()
    result = measure.reminders_measure()
    assert result["sent"] >= 400
    assert result["emails"] >= 400 / 5
    assert result["per_second"] > 0 and result["empty_pass_s"] > 0
    assert _notices() == before


@pytest.mark.django_db
@on_postgresql
def test_the_import_is_rolled_back(built, monkeypatch):
    monkeypatch.setattr(measure, "IMPORT_ROWS", 120)
    cases = Incident.objects.count()
    result = measure.import_measure()
    assert result["rows"] == result["imported"] == 120
    assert result["per_second"] > 0
    assert Incident.objects.count() == cases


@pytest.mark.django_db
@on_postgresql
def test_search_looks_for_themes_in_every_text(built, monkeypatch):
    monkeypatch.setattr(measure, "SEARCHES", 4)
    result = measure.search_measure()
    assert result["texts"] == RapidReviewVersion.objects.count()
    assert result["p95_s"] >= result["p50_s"] > 0


@pytest.mark.django_db
@on_postgresql
def test_the_hot_queries_are_explained(built):
    before = _notices()
    result = measure.hot_queries_explain(big_case=built.big_case)
    assert set(result["seq_scans"]) >= {"case list API, overdue", "case list page, overdue", "case detail API"}
    assert all(result["queries"][name] for name in ("case list API, overdue", "case detail API"))
    assert _notices() == before


@pytest.mark.django_db
@on_postgresql
def test_a_bench_session_is_signed_in_with_its_second_factor(built):
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.cookies[settings.SESSION_COOKIE_NAME] = measure.bench_session(Role.PANEL_SECRETARIAT)
    assert client.get("/cases/?overdue=on").status_code == 200
    assert measure.big_case_reference() == built.big_case


def _result(size, *, list_p95, trivial_p95):
    load = {"p50_ms": 5.0, "p95_ms": 9.0, "rps": 300.0, "requests": 3000, "failures": 0}
    report = {"report_s": 0.5, "sql_s": 0.2, "cases": 1000, "disagree": []}
    return {
        "size": size,
        "load": {
            "trivial_api": {**load, "p95_ms": trivial_p95},
            "trivial_page": load,
            "list_api": {**load, "p95_ms": list_p95},
            "list_page": load,
            "list_api_all": load,
            "list_api_la": load,
            "deadlines_api": load,
            "detail_api": load,
        },
        "annual_report": {"year": report, "all": report},
        "reminders": {"per_second": 5000.0, "empty_pass_s": 0.01},
        "import": {"per_second": 2500.0},
        "search": {"p50_s": 0.02, "p95_s": 0.05, "texts": 11000},
        "explain": {"seq_scans": {"case list API": []}},
    }


def test_the_table_marks_each_budget_met_or_missed():
    text = run.table([_result(10_000, list_p95=20, trivial_p95=10), _result(100_000, list_p95=60, trivial_p95=10)])
    lines = {line.split("|")[1].strip(): line for line in text.splitlines()[2:]}
    assert "5 / 60 ✗" in lines["case list API ?overdue=true p50 / p95 ms"]
    assert "2.0× ✓" in lines["case list API ?overdue=true p95 ÷ trivial"]
    assert "6.0× ✗" in lines["case list API ?overdue=true p95 ÷ trivial"]
    assert "not measured" not in text


def test_the_table_says_what_was_not_measured():
    result = _result(10_000, list_p95=20, trivial_p95=10)
    del result["search"]
    assert "not measured" in run.table([result])
