"""The access log: every view of a case, a document, a letter, a search and an export is recorded with who,
what, when, from where and the request id; nobody changes or deletes it; administrators search and download it."""

import csv
import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent, AccessLogIsAppendOnly
from audit.services import access_events_purge, access_record
from incidents.services import incident_key_offline
from letters.models import Letter
from letters.rendering import decision_sentences
from letters.services import letter_approve, letter_ask_for_approval, letter_draft, letter_issue, letter_update
from reviews.services import lcspr_final_report, rapid_review_send
from tests.conftest import admin_refuses_delete, case_values, rapid_review_values
from tests.documents import real_pdf
from tests.factories import UserFactory
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat
ADDRESS = "192.0.2.10"
BROWSER = "Mozilla/5.0 (Windows NT 10.0) Firefox/128.0"
REQUEST_ID = "5b1c0a52-1f0e-4d5e-9a61-0c8d2a7e4f10"
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")


@pytest.fixture(autouse=True)
def request_ids_from_the_client(settings):
    """django-structlog takes the caller's X-Request-ID when told to trust it, so a test knows the id to expect.
    (The service makes its own by default; test_it_records_the_request_id_the_log_lines_carry checks that one.)"""
    settings.DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True


def browser(user):
    """A signed-in browser at a known address."""
    return sign_in(Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=BROWSER), user)


def get(client, url, params=None):
    return client.get(url, params or {}, HTTP_X_REQUEST_ID=REQUEST_ID)


def only_event(**expected):
    """The one access recorded, checked against what was expected of it."""
    events = list(AccessEvent.objects.all())
    assert len(events) == 1, [(e.action, e.kind, e.path) for e in events]
    event = events[0]
    for name, value in expected.items():
        assert getattr(event, name) == value, (name, getattr(event, name), value)
    return event


def assert_from_the_browser(event, user, path):
    assert (event.user, event.user_email) == (user, user.email)
    assert (event.path, event.method, event.ip_address, event.user_agent) == (path, "GET", ADDRESS, BROWSER)
    assert event.request_id == REQUEST_ID
    assert timezone.now() - event.at < datetime.timedelta(minutes=1)


@pytest.fixture
def reviewed(notified, leeds_lead, london_time):
    """The Leeds case's rapid review (a real PDF), sent on 3 October 2022, deciding no local review is needed."""
    with london_time("2022-10-03"):
        review = rapid_review_send(
            incident=notified, by=leeds_lead, **rapid_review_values(lcspr_decision="not_required")
        )
    return review.versions.get()


@pytest.fixture
def letter(reviewed, secretariat, london_time):
    with london_time("2022-10-10"):
        return letter_draft(
            incident=reviewed.rapid_review.incident,
            by=secretariat,
            kind=Letter.Kind.RAPID_REVIEW_RESPONSE,
            rapid_review_version=reviewed,
        )


@pytest.fixture
def issued(letter, secretariat, panel_member, london_time):
    sentences = decision_sentences(lcspr_decision="not_required", panel_position="agree", national_review="not_needed")
    with london_time("2022-10-10"):
        decided = letter_update(
            letter=letter,
            by=secretariat,
            panel_position="agree",
            national_review="not_needed",
            quality_themes=["commended"],
            body_markdown=letter.body_markdown + "\n\n" + "\n\n".join(sentences),
        )
        approved = letter_approve(letter=letter_ask_for_approval(letter=decided, by=secretariat), by=panel_member)
        return letter_issue(letter=approved, by=secretariat)


# Cases ------------------------------------------------------------------------------------------------------


def test_it_records_the_case_page_with_who_what_when_where_and_the_request_id(leeds_notifier, notified):
    path = reverse("web:case", args=[notified.reference])

    assert get(browser(leeds_notifier), path).status_code == 200

    event = only_event(action="viewed_case", kind="case", identifier=notified.reference, via="page")
    assert event.case_reference == notified.reference
    assert_from_the_browser(event, leeds_notifier, path)
    assert event.organisations == "Leeds (Local authority notifier)"


def test_it_records_the_case_s_other_pages_when_they_are_shown(leeds_lead, notified):
    path = reverse("web:rapid-review", args=[notified.reference])

    assert get(browser(leeds_lead), path).status_code == 200

    event = only_event(action="viewed_case", kind="case", identifier=notified.reference, via="page")
    assert event.organisations == f"{notified.notifying_la.partnership.name} (Partnership lead)"


def test_it_records_nothing_for_a_case_out_of_reach_or_a_page_refused(leeds_notifier, bradford_notifier, notified):
    assert get(browser(bradford_notifier), reverse("web:case", args=[notified.reference])).status_code == 404
    # A notifier's case, but sending its rapid review is the partnership's: refused, nothing of it shown.
    assert get(browser(leeds_notifier), reverse("web:rapid-review-send", args=[notified.reference])).status_code == 403

    assert not AccessEvent.objects.exists()


def test_it_records_the_case_read_through_the_api(leeds_notifier, notified):
    path = f"/api/v1/incidents/{notified.reference}/"

    assert get(browser(leeds_notifier), path).status_code == 200

    event = only_event(action="viewed_case", kind="case", identifier=notified.reference, via="api")
    assert_from_the_browser(event, leeds_notifier, path)


def test_it_records_the_person_behind_an_api_token(leeds_notifier, notified):
    from knox.models import AuthToken

    _token, key = AuthToken.objects.create(user=leeds_notifier)
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_AUTHORIZATION=f"Token {key}")

    assert get(client, f"/api/v1/incidents/{notified.reference}/").status_code == 200

    only_event(action="viewed_case", user=leeds_notifier, user_email=leeds_notifier.email, via="api")


def test_it_records_the_local_review_its_recommendations_and_the_rapid_review_read_through_the_api(
    leeds_lead, lcspr, august_case
):
    client = browser(leeds_lead)
    for part in ("lcspr/", "lcspr/recommendations/", "rapid-review/"):
        assert get(client, f"/api/v1/incidents/{august_case.reference}/{part}").status_code == 200, part
    kinds = list(AccessEvent.objects.order_by("pk").values_list("action", "kind", "identifier", "via"))
    assert kinds == [
        ("viewed_case", "lcspr", august_case.reference, "api"),
        ("viewed_case", "recommendations", august_case.reference, "api"),
        ("viewed_case", "rapid_review", august_case.reference, "api"),
    ]


# Documents --------------------------------------------------------------------------------------------------


def test_it_records_each_rapid_review_document_downloaded(secretariat, reviewed):
    reference = reviewed.rapid_review.incident.reference
    path = f"/api/v1/incidents/{reference}/rapid-review/versions/1/document/"

    response = get(browser(secretariat), path)

    assert response.status_code == 200
    event = only_event(action="viewed_document", kind="rapid_review_document", via="api")
    assert (event.identifier, event.case_reference) == (f"{reference}-rapid-review-v1", reference)
    assert_from_the_browser(event, secretariat, path)
    assert event.organisations == "Child Safeguarding Practice Review Panel (Panel secretariat)"


def test_it_records_the_final_report_downloaded(leeds_lead, lcspr, august_case, london_time):
    with london_time("2024-02-20"):
        lcspr_final_report(
            incident=august_case,
            by=leeds_lead,
            document=SimpleUploadedFile("final.pdf", real_pdf("Final report")),
            planned_publication_on=D("2024-02-29"),
        )

    assert get(browser(leeds_lead), f"/api/v1/incidents/{august_case.reference}/lcspr/final-report/").status_code == 200

    only_event(action="viewed_document", kind="final_report", identifier=f"{august_case.reference}-final-report")


def test_it_records_the_original_of_an_offline_notification_downloaded(secretariat, leeds, leeds_notifier, london_time):
    with london_time("2022-09-14"):
        keyed = incident_key_offline(
            by=secretariat,
            notifying_la=leeds,
            offline_method="email",
            offline_received_on=D("2022-09-14"),
            offline_document=SimpleUploadedFile("email.pdf", real_pdf("Notification")),
            **case_values(),
        )

    assert get(browser(leeds_notifier), f"/api/v1/incidents/{keyed.reference}/offline-document/").status_code == 200

    only_event(
        action="viewed_document",
        kind="offline_notification",
        identifier=f"{keyed.reference}-original",
        case_reference=keyed.reference,
        user=leeds_notifier,
    )


# Letters ----------------------------------------------------------------------------------------------------


def test_it_records_the_letter_s_page_and_its_preview(secretariat, letter):
    client = browser(secretariat)
    reference = letter.incident.reference

    assert get(client, reverse("web:letter", args=[letter.pk])).status_code == 200
    assert get(client, reverse("web:letter-preview", args=[letter.pk])).status_code == 200

    events = list(AccessEvent.objects.order_by("pk"))
    assert [(e.action, e.kind, e.identifier, e.case_reference, e.via) for e in events] == [
        ("viewed_letter", "letter", str(letter.pk), reference, "page"),
        ("viewed_letter", "letter_preview", str(letter.pk), reference, "page"),
    ]
    assert_from_the_browser(events[1], secretariat, reverse("web:letter-preview", args=[letter.pk]))


def test_it_records_the_letter_read_previewed_and_downloaded_through_the_api(secretariat, leeds_lead, letter, issued):
    as_secretariat, as_lead = browser(secretariat), browser(leeds_lead)
    reference = letter.incident.reference
    draft = letter_draft(incident=letter.incident, by=secretariat, kind=Letter.Kind.GENERAL)

    assert get(as_secretariat, f"/api/v1/letters/{draft.pk}/preview/").status_code == 200
    assert get(as_lead, f"/api/v1/letters/{issued.pk}/").status_code == 200
    assert get(as_lead, f"/api/v1/letters/{issued.pk}/pdf/").status_code == 200

    events = list(AccessEvent.objects.order_by("pk"))
    assert [(e.user, e.action, e.kind, e.identifier, e.via) for e in events] == [
        (secretariat, "viewed_letter", "letter_preview", str(draft.pk), "api"),
        (leeds_lead, "viewed_letter", "letter", str(issued.pk), "api"),
        (leeds_lead, "viewed_letter", "letter_pdf", f"{reference}-letter-{issued.pk}", "api"),
    ]
    assert {e.case_reference for e in events} == {reference}


# Searches and exports ---------------------------------------------------------------------------------------


def test_it_records_a_search_with_its_filters_and_count_but_never_its_words(secretariat, reviewed):
    leeds = reviewed.rapid_review.incident.notifying_la
    query = {"words": "Amelia Example", "local_authority": leeds.pk, "status": "notified"}

    response = get(browser(secretariat), reverse("web:search"), query)

    assert response.status_code == 200
    event = only_event(action="searched", kind="case_search", identifier="", via="page")
    assert event.detail == {
        "filters": {"words": True, "local_authority": str(leeds.pk), "status": "notified"},
        "results": 0,
        "page": 1,
    }
    assert "Amelia" not in json.dumps(event.detail)
    assert_from_the_browser(event, secretariat, reverse("web:search"))


def test_it_records_a_search_downloaded_as_an_export(secretariat, reviewed):
    response = get(browser(secretariat), reverse("web:search"), {"words": "bruising", "download": "csv"})

    assert response.status_code == 200
    event = only_event(action="exported", kind="case_search", via="page")
    assert event.identifier.startswith("case-search-") and event.identifier.endswith(".csv")
    assert event.detail == {"filters": {"words": True}}


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("web:queue-rapid-reviews", "queue-rapid-reviews"),
        ("web:queue-overdue", "queue-overdue"),
        ("web:regions", "regions"),
        ("web:letters-awaiting-approval", "letters-awaiting-approval"),
        ("web:national-reviews", "national-reviews"),
    ],
)
def test_it_records_each_list_downloaded_as_csv(secretariat, reviewed, url, kind):
    response = get(browser(secretariat), reverse(url), {"download": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    event = only_event(action="exported", kind=kind, via="page", user=secretariat)
    assert event.identifier.endswith(".csv")


def test_it_records_a_list_s_page_but_not_each_of_its_rows(secretariat, reviewed):
    """Lists are not views of each case they name: the cases opened from them are recorded."""
    assert get(browser(secretariat), reverse("web:queue-rapid-reviews")).status_code == 200
    assert get(browser(secretariat), reverse("web:case-list")).status_code == 200

    assert not AccessEvent.objects.exists()


def test_it_records_a_statistics_table_downloaded(analyst, reviewed):
    period = {"period_from-day": "1", "period_from-month": "4", "period_from-year": "2022"}
    period |= {"period_to-day": "31", "period_to-month": "3", "period_to-year": "2023"}

    response = get(browser(analyst), reverse("web:statistics"), {**period, "download": "notifications_by_reason"})

    assert response.status_code == 200
    event = only_event(action="exported", kind="statistics_table", user=analyst)
    assert event.identifier == "notifications_by_reason-2022-04-01-to-2023-03-31.csv"


def test_it_records_the_analysts_exports_through_the_api(analyst, reviewed, settings):
    settings.PSEUDONYM_KEY = "a-pseudonym-key-for-the-tests-0123456789"
    client = browser(analyst)

    assert get(client, "/api/v1/reports/cases.csv").status_code == 200
    assert get(client, "/api/v1/reports/dfe.csv", {"from_year": "2022"}).status_code == 200
    assert get(client, "/api/v1/reports/annual/", {"from": "2022-04-01", "to": "2023-03-31"}).status_code == 200

    events = list(AccessEvent.objects.order_by("pk"))
    assert [(e.action, e.kind, e.identifier, e.via, e.user) for e in events] == [
        ("exported", "cases_pseudonymised", "cases-pseudonymised.csv", "api", analyst),
        ("exported", "dfe_tables", "sin-statistics-2022-2022.csv", "api", analyst),
        ("exported", "annual_report", "2022-04-01-to-2023-03-31", "api", analyst),
    ]


def test_it_records_the_export_commands_as_commands_with_no_person(reviewed, settings, tmp_path):
    settings.PSEUDONYM_KEY = "a-pseudonym-key-for-the-tests-0123456789"
    output = tmp_path / "cases.csv"

    call_command("export_cases", output=str(output), stdout=io.StringIO())
    call_command("export_dfe", from_year=2022, stdout=io.StringIO())
    call_command("annual_report", date_from="2022-04-01", date_to="2023-03-31", stdout=io.StringIO())

    events = list(AccessEvent.objects.order_by("pk"))
    assert [(e.action, e.kind, e.identifier) for e in events] == [
        ("exported", "cases_pseudonymised", str(output)),
        ("exported", "dfe_tables", "stdout"),
        ("exported", "annual_report", "2022-04-01-to-2023-03-31"),
    ]
    assert {(e.via, e.user, e.user_email, e.path, e.ip_address) for e in events} == {("command", None, "", "", None)}


# Who, from where, and failing closed --------------------------------------------------------------------------


def test_it_records_the_request_id_the_log_lines_carry(settings, leeds_notifier, notified, caplog):
    """Without a trusted upstream id, the service makes its own: the same in the log and in the access log."""
    settings.DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = False

    with caplog.at_level("INFO", logger="django_structlog"):
        browser(leeds_notifier).get(reverse("web:case", args=[notified.reference]), HTTP_X_REQUEST_ID="forged")

    finished = [r.msg for r in caplog.records if isinstance(r.msg, dict) and r.msg.get("event") == "request_finished"]
    event = only_event(action="viewed_case")
    assert event.request_id != "forged"
    assert event.request_id == finished[-1]["request_id"]


def test_it_records_the_connection_s_address_not_one_the_client_claims(leeds_notifier, notified):
    client = browser(leeds_notifier)

    client.get(
        reverse("web:case", args=[notified.reference]),
        HTTP_X_FORWARDED_FOR="203.0.113.99",
        HTTP_USER_AGENT="x" * 1000 + "\x00",
    )

    event = only_event(action="viewed_case")
    assert event.ip_address == ADDRESS
    assert event.user_agent == "x" * 300


def test_a_view_that_cannot_be_recorded_is_not_shown(leeds_notifier, notified):
    """The log refuses the row (here a trigger made for the test, as a full disk or a lost table would): the
    page fails, and the case is not shown."""
    refuse = {
        "postgresql": "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'refused'; END; $$; CREATE TRIGGER refuse BEFORE INSERT ON audit_accessevent "
        "FOR EACH ROW EXECUTE FUNCTION refuse();",
        "sqlite": "CREATE TRIGGER refuse BEFORE INSERT ON audit_accessevent BEGIN SELECT RAISE(ABORT, 'refused'); END;",
    }[connection.vendor]
    with connection.cursor() as cursor:
        for statement in refuse.split("; CREATE") if connection.vendor == "sqlite" else [refuse]:
            cursor.execute(statement)
    client = browser(leeds_notifier)
    client.raise_request_exception = True

    with pytest.raises(DatabaseError, match="refused"):
        client.get(reverse("web:case", args=[notified.reference]))


# Append-only --------------------------------------------------------------------------------------------------


def _recorded(**values):
    return access_record(action="viewed_case", kind="case", identifier="CSPRP-2022-000001", **values)


def test_a_recorded_access_is_never_changed_or_deleted_through_django(db):
    event = _recorded()

    event.identifier = "CSPRP-2022-000002"
    with pytest.raises(AccessLogIsAppendOnly):
        event.save()
    with pytest.raises(AccessLogIsAppendOnly):
        event.delete()
    with pytest.raises(AccessLogIsAppendOnly):
        AccessEvent.objects.filter(pk=event.pk).update(identifier="CSPRP-2022-000002")
    with pytest.raises(AccessLogIsAppendOnly):
        AccessEvent.objects.all().delete()
    with pytest.raises(AccessLogIsAppendOnly), transaction.atomic():
        AccessEvent.objects.bulk_update([event], ["identifier"])

    assert AccessEvent.objects.get().identifier == "CSPRP-2022-000001"


def test_a_person_who_has_seen_records_cannot_be_deleted(leeds_notifier, notified):
    from django.db.models import ProtectedError

    _recorded(user=leeds_notifier)

    with pytest.raises(ProtectedError):
        leeds_notifier.delete()


def test_the_purge_removes_only_what_is_older_than_it_is_told(db, london_time):
    with london_time("2020-12-31"):
        old = _recorded()
    with london_time("2021-01-02"):
        new = _recorded()

    assert access_events_purge(before=datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)) == 1

    assert list(AccessEvent.objects.values_list("pk", flat=True)) == [new.pk]
    assert not AccessEvent.objects.filter(pk=old.pk).exists()


@postgresql_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_accessevent SET identifier = 'CSPRP-2022-000002'",
        "DELETE FROM audit_accessevent",
        "TRUNCATE audit_accessevent",
    ],
)
def test_postgresql_refuses_to_change_or_delete_a_recorded_access_in_sql(db, statement):
    _recorded()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        # The row's foreign key is checked at commit; checked now, TRUNCATE is left to the trigger to refuse.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(statement)

    assert AccessEvent.objects.get().identifier == "CSPRP-2022-000001"


def _sql(statement):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_lets_only_a_purging_transaction_delete_and_only_in_it(london_time):
    """Committed transactions, as in production: SET LOCAL lasts for its own transaction only. (The test's
    database is emptied afterwards by flush, which the trigger lets through the same way.)"""
    with london_time("2020-12-31"):
        _recorded()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL csprp.purging = 'on'")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("UPDATE audit_accessevent SET identifier = 'changed'")
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("DELETE FROM audit_accessevent")
    assert AccessEvent.objects.get().identifier == "CSPRP-2022-000001"

    with london_time("2021-01-02"):
        kept = _recorded()
    assert access_events_purge(before=datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)) == 1
    assert list(AccessEvent.objects.all()) == [kept]
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("DELETE FROM audit_accessevent")
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("TRUNCATE audit_accessevent")
    assert list(AccessEvent.objects.all()) == [kept]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_lets_flush_empty_the_whole_database():
    _recorded()

    call_command("flush", interactive=False, verbosity=0)

    assert not AccessEvent.objects.exists()


# The admin ----------------------------------------------------------------------------------------------------

CHANGELIST = "/admin/audit/accessevent/"


@pytest.fixture
def recorded(leeds_notifier, secretariat):
    first = _recorded(user=leeds_notifier)
    second = access_record(
        action="viewed_document", kind="rapid_review_document", identifier="=HYPERLINK(evil)", user=secretariat
    )
    return first, second


def test_administrators_search_the_log_and_download_what_they_found(admin_client, recorded):
    first, second = recorded

    found = admin_client.get(CHANGELIST, {"q": "notifier@leeds"})
    assert found.status_code == 200
    assert list(found.context["cl"].result_list) == [first]
    assert b"Download these as CSV" in found.content
    assert found.context["csv_url"] == "/admin/audit/accessevent/csv/?q=notifier%40leeds"

    download = admin_client.get(found.context["csv_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert [(row["Email"], row["Action"], row["Identifier"]) for row in rows] == [
        ("notifier@leeds.example.org", "viewed_case", "CSPRP-2022-000001")
    ]


def test_the_download_keeps_the_filters_and_a_formula_as_text(admin_client, recorded):
    response = admin_client.get("/admin/audit/accessevent/csv/", {"action__exact": "viewed_document"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    found = [(row["Email"], row["Identifier"]) for row in rows]
    assert found == [("secretariat@panel.example.org", "'=HYPERLINK(evil)")]
    # Downloading the log is recorded too.
    assert AccessEvent.objects.filter(action="exported", kind="access_log").count() == 1


def test_an_unknown_filter_goes_back_to_the_list(admin_client, recorded):
    response = admin_client.get("/admin/audit/accessevent/csv/", {"nonsense": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}?e=1"


def test_the_admin_offers_no_add_change_or_delete(admin_client, recorded):
    first, _second = recorded
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    change = admin_client.post(f"{CHANGELIST}{first.pk}/change/", {"identifier": "CSPRP-2022-000002"})
    assert change.status_code == 403
    admin_refuses_delete(admin_client, "audit_accessevent", first)
    assert AccessEvent.objects.get(pk=first.pk).identifier == "CSPRP-2022-000001"


def test_every_administrator_reads_the_log_and_nobody_else(recorded, leeds_notifier):
    staff = UserFactory(email="support@csprp.example.org", is_staff=True)

    assert sign_in(Client(), staff).get(CHANGELIST).status_code == 200
    assert sign_in(Client(), leeds_notifier).get(CHANGELIST).status_code == 302
