"""The benchmarks' synthetic data: written by COPY, consistent with what the services write, and usable by the
API, the reports, the reminder engine and search."""

import datetime
import io
import json

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from rest_framework.test import APIClient

from casefile.bench_data import BenchDataError, bench_data_build, bench_tables_reset
from deadlines.models import Deadline
from incidents.models import Child, Incident, ReferenceSequence, TimelineEvent
from letters.models import Letter
from notices.models import Notice
from notices.services import reminders_pass
from organisations.models import Organisation, Role, User
from reports.figures import annual_report
from reviews.models import Lcspr, RapidReview, RapidReviewText, RapidReviewVersion
from reviews.selectors import case_search

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the data is loaded with COPY")
CASES = 200


@pytest.fixture
def built(db):
    return bench_data_build(incidents=CASES, seed=7, chunk=75)


def _token_client(result, role):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {result.tokens[role]['token']}")
    return client


@on_postgresql
def test_it_writes_the_cases_in_realistic_proportions(built):
    assert Incident.objects.count() == CASES
    assert sum(built.rows.values()) == built.total_rows and built.rows["incidents"] == CASES
    assert Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY).count() == 153
    assert Incident.objects.values("notifying_la").distinct().count() > 50
    years = {day.year for day in Incident.objects.values_list("incident_date", flat=True)}
    assert years >= set(range(2018, 2026))

    children = Child.objects.count()
    assert 1.0 <= children / CASES <= 1.3
    assert Child.objects.filter(is_index=True).count() == CASES
    notified = Incident.objects.filter(status=Incident.Status.NOTIFIED).count()
    assert 0.85 <= notified / CASES <= 0.99
    reviewed = RapidReview.objects.filter(versions__isnull=False).distinct().count()
    assert 0.75 <= reviewed / CASES <= 0.95
    assert 0.25 <= Lcspr.objects.count() / reviewed <= 0.55
    assert 0.9 <= Letter.objects.count() / reviewed <= 1.6
    versions = RapidReviewVersion.objects.count()
    assert reviewed < versions < 1.6 * reviewed
    assert RapidReviewText.objects.count() == versions
    assert not RapidReviewText.objects.filter(search_vector__isnull=True).exists()

    today = datetime.date.today()
    open_deadlines = Deadline.objects.open().count()
    overdue = Deadline.objects.overdue(today=today).count()
    assert 0 < overdue < open_deadlines < Deadline.objects.count() / 5
    assert Notice.objects.filter(status=Notice.Status.SENT, deadline__isnull=False).exists()
    assert Notice.objects.filter(status=Notice.Status.SENT, event__isnull=False).exists()
    # A reminder of an open deadline that fell due in the last five days waits to be sent.
    recent = Deadline.objects.open().filter(due_on__range=(today - datetime.timedelta(days=5), today))
    pending = Notice.objects.filter(status=Notice.Status.PENDING, deadline__in=recent)
    assert pending.count() == recent.filter(notices__isnull=False).distinct().count()


@on_postgresql
def test_it_writes_only_states_the_workflows_can_reach(built):
    for model in (Incident, RapidReview, Lcspr, Letter, Deadline, Notice):
        states = set(model.objects.values_list("status", flat=True).distinct())
        assert states <= set(model.Status.values), model
    # Every coded value is one of its field's choices (the data standard's codes).
    for model in (Incident, Child, RapidReview, RapidReviewVersion, Letter):
        for field in model._meta.concrete_fields:
            if field.choices and not field.is_relation:
                used = set(model.objects.values_list(field.attname, flat=True).distinct()) - {"", None}
                assert used <= {str(value) for value, _label in field.flatchoices}, (model, field.name, used)
    # Each reference is unique and in the service's format, and the year's sequence goes on after the last.
    references = list(Incident.objects.values_list("reference", flat=True))
    assert len(set(references)) == CASES
    assert all(reference.startswith("CSPR-20") and len(reference) == 15 for reference in references)
    for sequence in ReferenceSequence.objects.all():
        assert Incident.objects.filter(reference=f"CSPR-{sequence.year}-{sequence.last_number:05d}").exists()
    # A met deadline has its date, an open one has none; a notified case's notification deadline is met.
    assert not Deadline.objects.filter(status=Deadline.Status.MET, met_on__isnull=True).exists()
    assert not Deadline.objects.filter(status=Deadline.Status.OPEN, met_on__isnull=False).exists()
    assert not Deadline.objects.filter(
        kind=Deadline.Kind.NOTIFICATION, incident__notified_on__isnull=False, status=Deadline.Status.OPEN
    ).exists()
    assert not Letter.objects.filter(status=Letter.Status.ISSUED, pdf_sha256="").exists()
    # Each rapid review belongs to the partnership of the case's authority.
    assert not RapidReview.objects.exclude(partnership=F("incident__notifying_la__partnership")).exists()


@on_postgresql
def test_it_makes_a_big_case_for_the_detail_benchmark(built):
    case = Incident.objects.get(reference=built.big_case)
    assert case.children.count() == 5
    assert case.rapid_review.versions.count() == 3
    assert case.letters.count() >= 2
    assert case.timeline.count() >= 20

    response = _token_client(built, Role.PANEL_SECRETARIAT.value).get(f"/api/v1/incidents/{built.big_case}/")
    assert response.status_code == 200, response.content
    assert len(response.json()["children"]) == 5


@on_postgresql
def test_it_gives_every_role_a_token_that_the_api_accepts(built, tmp_path):
    secretariat = _token_client(built, Role.PANEL_SECRETARIAT.value)
    listed = secretariat.get("/api/v1/incidents/")
    assert listed.status_code == 200, listed.content
    assert secretariat.get("/api/v1/incidents/", {"overdue": "true"}).status_code == 200
    assert secretariat.get("/api/v1/deadlines/", {"overdue": "true"}).status_code == 200

    notifier = _token_client(built, Role.LA_NOTIFIER.value)
    own = notifier.get("/api/v1/incidents/")
    assert own.status_code == 200
    la = Organisation.objects.get(name=built.tokens[Role.LA_NOTIFIER.value]["organisation"])
    visible = Incident.objects.exclude(status=Incident.Status.DRAFT).filter(notifying_la=la)
    for case in visible[:3]:
        assert notifier.get(f"/api/v1/incidents/{case.reference}/").status_code == 200
    elsewhere = Incident.objects.exclude(notifying_la=la).exclude(home_la=la).exclude(placing_la=la).first()
    assert notifier.get(f"/api/v1/incidents/{elsewhere.reference}/").status_code == 404
    assert _token_client(built, Role.ANALYST.value).get("/api/v1/reports/annual/").status_code in (200, 400)


@on_postgresql
def test_it_feeds_the_annual_report_the_reminders_and_search(built):
    report = annual_report(date_from=datetime.date(2020, 1, 1), date_to=datetime.date(2020, 12, 31))
    assert report["notifications"]["children_involved"] >= 1

    outcome = reminders_pass()
    assert outcome["sent"] >= 1 and len(mail.outbox) >= 1
    due = Notice.objects.filter(status=Notice.Status.PENDING, next_attempt_at__lte=datetime.datetime.now(datetime.UTC))
    assert not due.exists()

    secretariat = User.objects.get(email=built.tokens[Role.PANEL_SECRETARIAT.value]["email"])
    found = list(case_search(user=secretariat, words="domestic abuse"))
    assert found
    assert not list(case_search(user=secretariat, words="xylophone"))


@on_postgresql
def test_it_adds_to_what_is_there_and_reset_empties_only_the_case_tables(built):
    more = bench_data_build(incidents=20, seed=8)
    assert Incident.objects.count() == CASES + 20
    assert more.big_case != built.big_case
    users, organisations = User.objects.count(), Organisation.objects.count()

    bench_tables_reset()
    assert not Incident.objects.exists() and not TimelineEvent.objects.exists() and not Notice.objects.exists()
    assert not ReferenceSequence.objects.exists()
    assert (User.objects.count(), Organisation.objects.count()) == (users, organisations)


def _written():
    """What was written, table by table, in the order of ids."""
    return {
        "incidents": list(
            Incident.objects.order_by("pk").values_list("pk", "reference", "incident_date", "status", "notifying_la")
        ),
        "children": list(Child.objects.order_by("pk").values_list("incident", "first_name", "date_of_birth")),
        "deadlines": list(Deadline.objects.order_by("pk").values_list("pk", "incident", "kind", "due_on", "status")),
        "versions": list(RapidReviewVersion.objects.order_by("pk").values_list("pk", "rapid_review", "sent_on")),
        "letters": Letter.objects.count(),
        "notices": Notice.objects.count(),
        "events": TimelineEvent.objects.count(),
        "sequences": list(ReferenceSequence.objects.order_by("year").values_list("year", "last_number")),
    }


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_processes_side_by_side_write_what_one_process_writes():
    # Chunks built by forked processes, each committing its own, take their ids and references in the
    # chunks' order: the same seed gives the same cases, with the same ids and references, as one process.
    bench_tables_reset()  # ids from 1, whatever earlier tests took from the sequences
    one = bench_data_build(incidents=150, seed=5, chunk=20)
    alone = _written()
    bench_tables_reset()
    two = bench_data_build(incidents=150, seed=5, chunk=20, processes=2)
    assert two.rows == one.rows and two.big_case == one.big_case
    assert _written() == alone
    assert len({reference for _pk, reference, *_ in alone["incidents"]}) == 150


@on_postgresql
def test_processes_cannot_share_a_transaction(db):
    with pytest.raises(BenchDataError, match="outside a transaction"):
        bench_data_build(incidents=10, processes=2)
    assert not Incident.objects.exists()


@on_postgresql
def test_it_writes_the_tokens_file_from_the_command(db, tmp_path):
    path = tmp_path / "tokens.json"
    out = io.StringIO()
    call_command("bench_data", "--incidents", "10", "--processes", "1", "--tokens-file", str(path), stdout=out)
    assert "rows a second" in out.getvalue()
    written = json.loads(path.read_text())
    assert set(written["people"]) == set(Role.values)
    assert Incident.objects.filter(reference=written["big_case"]).exists()
    assert path.stat().st_mode & 0o077 == 0


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is of other databases")
def test_it_refuses_a_database_other_than_postgresql(db):
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench_data", "--incidents", "10")
    assert not Incident.objects.exists()
