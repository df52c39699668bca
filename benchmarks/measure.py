"""What the benchmarks measure inside the service's own process, on a database `bench_data` filled.

benchmarks.run starts this (`manage.py bench_measure`) once for each size, beside the load it puts on
gunicorn. Each function returns plain data for the table; none asserts a time (budgets are reported,
not enforced). Everything the measurements write is removed again, so a database can be measured twice:
the reminder pass runs for real (committed, a claim per notice as in production) and what it made and
changed is put back afterwards; the import runs in a transaction rolled back at the end.
"""

import datetime
import json
import random
import statistics
import time
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from casefile.bench_data import BENCH_EMAIL_DOMAIN, FIRST_INCIDENT_DATE, PHRASES, THEMES, rows_copy
from deadlines.models import Deadline
from incidents.models import Incident
from notices.models import Notice, Rung
from notices.services import reminders_pass
from organisations.models import Role, User
from organisations.rules import needs_second_factor
from reports.caselog import caselog_read
from reports.exports import latest_reporting_year, reporting_year_dates
from reports.figures import NOTIFICATION_WORKING_DAYS, annual_report
from reports.services import caselog_import
from reviews.models import RapidReview
from reviews.selectors import case_search, search_passages
from web.pagination import page_counted
from web.views.search import RESULTS_PER_PAGE

from .caselog import caselog_csv

REMINDERS = 100_000
IMPORT_ROWS = 100_000
# A digest holds this many of the reminders set up: about what one busy team receives in a pass.
REMINDERS_PER_ADDRESSEE = 20
REPORT_RUNS = 3
SEARCHES = 40
# A table with more rows than this is large: a plan that reads it whole is reported.
LARGE_TABLE_ROWS = 10_000
EMPTY_PASS_RUNS = 5
# Nothing leaves the machine: what the reminder pass sends is kept in memory.
LOCMEM_EMAIL = "django.core.mail.backends.locmem.EmailBackend"
# Words nobody searches for alone (and PostgreSQL's English configuration ignores).
STOP_WORDS = {"with", "after", "while", "were", "been", "being", "their", "within", "before", "from", "that", "them"}
# The starts of the words of the phrases every synthetic review shares (roughly their stems: "groomed"
# finds "grooming"): a theme is looked for by words of its own.
SHARED_STEMS = {word[:5] for phrase in PHRASES for word in phrase.split()}


def bench_person(role):
    return User.objects.get(email=f"{role.value.replace('_', '-')}@{BENCH_EMAIL_DOMAIN}")


def bench_token(role):
    """A new API token for the bench person of `role` (an hour is enough for a run)."""
    _token, key = AuthToken.objects.create(user=bench_person(role), expiry=datetime.timedelta(hours=2))
    return key


def bench_session(role):
    """A signed-in session for the bench person of `role`, verified with a second factor where the
    service asks for one (what django_otp records once a code is accepted)."""
    user = bench_person(role)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if needs_second_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.set_expiry(2 * 60 * 60)
    session.save()
    return session.session_key


def big_case_reference():
    """The case with the most timeline events: the big case bench_data makes for the detail benchmark."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT incident_id FROM incidents_timelineevent GROUP BY incident_id ORDER BY count(*) DESC LIMIT 1"
        )
        incident_id = cursor.fetchone()[0]
    return Incident.objects.values_list("reference", flat=True).get(pk=incident_id)


def _percentile(values, share):
    """The nearest-rank percentile of `values` (share 0.95 for p95)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def _timed(work):
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


# (c) The annual report beside one hand-written query -----------------------------------------------------

# The report's headline figures in one statement: the population (incident in the period, not withdrawn
# nor a draft, a rapid review received), its reasons, its timeliness through the working-day index, its
# children; and the notified cases still awaiting their rapid review.
HEADLINE_SQL = """
WITH population AS (
    SELECT i.id, COALESCE(NULLIF(i.reason_at_notification, ''), i.reason) AS reason_notified,
           i.notified_on, i.channel, i.retrospective, r.first_sent_on,
           incident_day.ordinal AS incident_day, notified.ordinal AS notified_day,
           notified.next_ordinal AS notified_by_day
    FROM incidents_incident i
    JOIN reviews_rapidreview r ON r.incident_id = i.id
    LEFT JOIN reports_workingdayindex incident_day ON incident_day.date = i.incident_date
    LEFT JOIN reports_workingdayindex notified ON notified.date = i.notified_on
    WHERE i.incident_date BETWEEN %(first)s AND %(last)s
      AND i.status NOT IN (%(withdrawn)s, %(draft)s)
      AND (r.status IN (%(submitted)s, %(returned)s) OR r.first_sent_on IS NOT NULL)
),
children AS (
    SELECT c.incident_id, count(*) AS n FROM incidents_child c JOIN population p ON p.id = c.incident_id
    GROUP BY c.incident_id
)
SELECT
    (SELECT count(*) FROM population),
    (SELECT count(*) FROM population WHERE reason_notified = 'death'),
    (SELECT count(*) FROM population WHERE reason_notified = 'serious_harm'),
    (SELECT count(*) FROM population WHERE reason_notified = 'other'),
    (SELECT count(notified_on) FROM population),
    (SELECT count(*) FROM population WHERE notified_on IS NOT NULL AND notified_by_day <= incident_day + %(days)s),
    (SELECT round(avg(notified_day - incident_day), 2) FROM population),
    (SELECT count(*) FROM population WHERE channel = 'offline'),
    (SELECT count(*) FROM population WHERE retrospective OR notified_on > first_sent_on),
    (SELECT COALESCE(sum(n), 0) FROM children),
    (SELECT count(*) FROM children WHERE n > 1),
    (SELECT count(*) FROM incidents_incident i LEFT JOIN reviews_rapidreview r ON r.incident_id = i.id
     WHERE i.incident_date BETWEEN %(first)s AND %(last)s AND i.status = %(notified)s
       AND NOT COALESCE(r.status IN (%(submitted)s, %(returned)s) OR r.first_sent_on IS NOT NULL, false)
       AND r.status IS DISTINCT FROM %(accepted)s)
"""
HEADLINE_FIGURES = (
    ("notifications", "total"),
    ("notifications", "by_reason", "death"),
    ("notifications", "by_reason", "serious_harm"),
    ("notifications", "by_reason", "other"),
    ("timeliness", "with_notification_date"),
    ("timeliness", f"within_{NOTIFICATION_WORKING_DAYS}_working_days_of_incident"),
    ("timeliness", "lag_working_days_mean"),
    ("timeliness", "offline"),
    ("timeliness", "retrospective"),
    ("notifications", "children_involved"),
    ("notifications", "with_multiple_children"),
    ("notifications", "awaiting_rapid_review"),
)


def headline_sql(*, first, last):
    params = {
        "first": first,
        "last": last,
        "days": NOTIFICATION_WORKING_DAYS,
        "withdrawn": Incident.Status.WITHDRAWN,
        "draft": Incident.Status.DRAFT,
        "notified": Incident.Status.NOTIFIED,
        "submitted": RapidReview.Status.SUBMITTED,
        "returned": RapidReview.Status.RETURNED,
        "accepted": RapidReview.Status.NOT_NEEDED_ACCEPTED,
    }
    with connection.cursor() as cursor:
        cursor.execute(HEADLINE_SQL, params)
        row = cursor.fetchone()
    return [float(value) if value is not None and not isinstance(value, int) else value for value in row]


def _figure(report, path):
    for name in path:
        report = report[name]
    return report


def _report_and_sql(first, last, runs):
    """The report and the headline query for the period, each timed `runs` times after a run to warm the
    caches (and build the working-day index); the median of each, and any figure they disagree on."""
    report = annual_report(date_from=first, date_to=last)
    headline_sql(first=first, last=last)
    report_times, sql_times = [], []
    for _ in range(runs):
        seconds, report = _timed(lambda: annual_report(date_from=first, date_to=last))
        report_times.append(seconds)
        seconds, row = _timed(lambda: headline_sql(first=first, last=last))
        sql_times.append(seconds)
    figures = [_figure(report, path) for path in HEADLINE_FIGURES]
    disagree = [
        {"figure": ".".join(path), "report": ours, "sql": theirs}
        for path, ours, theirs in zip(HEADLINE_FIGURES, figures, row, strict=True)
        if ours != theirs
    ]
    return {
        "from": first,
        "to": last,
        "cases": report["notifications"]["total"],
        "report_s": statistics.median(report_times),
        "sql_s": statistics.median(sql_times),
        "disagree": disagree,
    }


def annual_report_measure():
    """The annual report of the last complete reporting year (April to March, as the Panel publishes it),
    REPORT_RUNS times, and once over every case since 2018; each beside the headline query."""
    year = latest_reporting_year(timezone.localdate()) - 1
    return {
        "year": _report_and_sql(*reporting_year_dates(year), REPORT_RUNS),
        "all": _report_and_sql(FIRST_INCIDENT_DATE, timezone.localdate(), 1),
    }


# (d) The reminder pass ---------------------------------------------------------------------------------


NOTICE_COLUMNS = ("incident_id", "deadline_id", "rung_id", "occurrence", "mailbox", "due_on", "status",
                  "attempts", "next_attempt_at", "last_error", "created_at")  # fmt: skip


def _due_reminders(*, count, now):
    """`count` pending reminders due now on the open deadlines, REMINDERS_PER_ADDRESSEE to a team mailbox."""
    rungs = {}
    for rung in Rung.objects.order_by("pk"):
        rungs.setdefault(rung.deadline_kind, rung.pk)
    deadlines = list(Deadline.objects.open().filter(kind__in=rungs).values_list("pk", "incident_id", "kind", "due_on"))
    if len(deadlines) < REMINDERS_PER_ADDRESSEE:
        raise RuntimeError("Too few open deadlines to set up the reminder benchmark.")
    rows = []
    for n in range(count):
        deadline_id, incident_id, kind, due_on = deadlines[n % len(deadlines)]
        mailbox = f"team-{n // REMINDERS_PER_ADDRESSEE}@{BENCH_EMAIL_DOMAIN}"
        rows.append((incident_id, deadline_id, rungs[kind], 0, mailbox, due_on, Notice.Status.PENDING, 0, now, "", now))
    with transaction.atomic(), connection.cursor() as cursor:
        rows_copy(cursor, Notice, NOTICE_COLUMNS, rows)
        cursor.execute(f"ANALYZE {Notice._meta.db_table}")


@contextmanager
def _notices_put_back():
    """Whatever the passes make is deleted afterwards, and whatever they change is changed back."""
    last = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    pending = list(
        Notice.objects.filter(status=Notice.Status.PENDING).values_list("pk", "claimed_at", "next_attempt_at")
    )
    try:
        yield
    finally:
        Notice.objects.filter(pk__gt=last).delete()
        with transaction.atomic():
            for pk, claimed_at, next_attempt_at in pending:
                Notice.objects.filter(pk=pk).update(
                    status=Notice.Status.PENDING, claimed_at=claimed_at, next_attempt_at=next_attempt_at, sent_at=None
                )


def reminders_measure():
    """One pass over REMINDERS due reminders (sent a second), then passes with nothing due (seconds)."""
    with (
        _notices_put_back(),
        override_settings(EMAIL_BACKEND=LOCMEM_EMAIL, NOTIFY_API_KEY=None),
    ):
        now = timezone.now()
        _due_reminders(count=REMINDERS, now=now)
        mail.outbox = []
        seconds, counts = _timed(lambda: reminders_pass(now=now + datetime.timedelta(seconds=1)))
        emails = len(mail.outbox)
        mail.outbox = []
        empty = []
        for run in range(EMPTY_PASS_RUNS):
            later = now + datetime.timedelta(seconds=2 + run)
            empty_seconds, empty_counts = _timed(lambda at=later: reminders_pass(now=at))
            empty.append(empty_seconds)
            if empty_counts["sent"] or empty_counts["made"]:
                raise RuntimeError(f"A pass after the first still found work: {empty_counts}")
    return {
        "due": REMINDERS,
        "sent": counts["sent"],
        "emails": emails,
        "seconds": seconds,
        "per_second": counts["sent"] / seconds,
        "empty_pass_s": statistics.median(empty),
    }


# (e) Importing a case log ------------------------------------------------------------------------------


class _RolledBack(Exception):
    pass


def import_measure():
    """Read and import an IMPORT_ROWS-row case log in a transaction that is rolled back afterwards."""
    data = caselog_csv(rows=IMPORT_ROWS)
    started = time.perf_counter()
    log = caselog_read(data)
    read_s = time.perf_counter() - started
    if not log.is_valid:
        raise RuntimeError(f"The generated case log has problems: {log.problems[:3]}")
    try:
        with transaction.atomic():
            import_s, plan = _timed(lambda: caselog_import(log=log))
            raise _RolledBack
    except _RolledBack:
        pass
    seconds = read_s + import_s
    return {
        "rows": len(log.rows),
        "imported": len(plan.new),
        "read_s": read_s,
        "import_s": import_s,
        "per_second": len(log.rows) / seconds,
    }


# (f) Full-text search -----------------------------------------------------------------------------------


def _search_words(rng):
    """One, two or three words of what a review can be about (bench_data.THEMES), as a person would type
    them: each theme is in a few documents in a hundred."""
    words = [w for w in rng.choice(THEMES).split() if len(w) > 3 and w not in STOP_WORDS and w[:5] not in SHARED_STEMS]
    start = rng.randrange(len(words))
    return " ".join(words[start : start + rng.randint(1, 3)])


def search_measure():
    """SEARCHES searches as the Panel's search page makes them (the first page with its count, passages)."""
    user = bench_person(Role.PANEL_SECRETARIAT)
    rng = random.Random(14)  # noqa: S311 - repeatable choice of search words
    queries = [_search_words(rng) for _ in range(SEARCHES)]

    def one(words):
        page = page_counted(case_search(user=user, words=words), 1, RESULTS_PER_PAGE)
        search_passages(cases=list(page.object_list), words=words)
        return page.paginator.count

    one(queries[0])
    times = []
    for words in queries:
        seconds, _total = _timed(lambda w=words: one(w))
        times.append(seconds)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reviews_rapidreviewversion")
        versions = cursor.fetchone()[0]
    return {
        "texts": versions,
        "searches": len(queries),
        "p50_s": statistics.median(times),
        "p95_s": _percentile(times, 0.95),
    }


# EXPLAIN of the hot queries -----------------------------------------------------------------------------


def _large_tables():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.reltuples > %s",
            [LARGE_TABLE_ROWS],
        )
        return {name for (name,) in cursor.fetchall()}


def _seq_scans(plan, large):
    found = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in large:
        found.append(plan["Relation Name"])
    for child in plan.get("Plans", ()):
        found += _seq_scans(child, large)
    return found


def _explained(statements, large):
    """Each SELECT's plan: the large tables it reads whole."""
    results = []
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            results.append({"sql": sql[:300], "seq_scans": sorted(set(_seq_scans(plan[0]["Plan"], large)))})
    return results


def _captured(work):
    with CaptureQueriesContext(connection) as queries:
        work()
    return [query["sql"] for query in queries.captured_queries]


def hot_queries_explain(*, big_case):
    """EXPLAIN every query of the hot paths: the case list (API and page, overdue), the case detail, the
    overdue deadlines, the search page's search and a reminder pass with nothing due."""
    large = _large_tables()
    token = bench_token(Role.PANEL_SECRETARIAT)
    api = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_X_FORWARDED_PROTO="https")
    page = Client(HTTP_X_FORWARDED_PROTO="https")
    page.cookies[settings.SESSION_COOKIE_NAME] = bench_session(Role.PANEL_SECRETARIAT)
    notifier = Client(HTTP_AUTHORIZATION=f"Token {bench_token(Role.LA_NOTIFIER)}", HTTP_X_FORWARDED_PROTO="https")

    def get(client, path):
        def work():
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")

        return work

    paths = {
        "case list API, overdue": (api, "/api/v1/incidents/?overdue=true"),
        "case list API": (api, "/api/v1/incidents/"),
        "case list API, one authority": (notifier, "/api/v1/incidents/"),
        "case list page, overdue": (page, "/cases/?overdue=on"),
        "case detail API": (api, f"/api/v1/incidents/{big_case}/"),
        "deadlines API, overdue": (api, "/api/v1/deadlines/?overdue=true"),
        # A theme's words, found in a few reviews in a hundred (words every review shares are rightly read
        # from the whole table).
        "search page": (page, "/search/?words=inconsolable+crying"),
    }
    explained = {}
    for name, (client, path) in paths.items():
        explained[name] = _explained(_captured(get(client, path)), large)
    with _notices_put_back(), override_settings(EMAIL_BACKEND=LOCMEM_EMAIL, NOTIFY_API_KEY=None):
        reminders_pass(now=timezone.now())  # the pass that finds work; the next finds none
        statements = _captured(lambda: reminders_pass(now=timezone.now()))
    explained["reminder pass, nothing due"] = _explained(statements, large)
    return {
        "large_tables": sorted(large),
        "queries": explained,
        "seq_scans": {
            name: sorted({table for plan in plans for table in plan["seq_scans"]}) for name, plans in explained.items()
        },
    }
