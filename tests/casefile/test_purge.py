"""Retention: `purge` removes what is past its period, whole (a case with everything about it, its files
on disk too), records what it removed, and removes nothing in a dry run or a second time."""

import datetime
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from knox.models import AuthToken

from audit.models import AccessEvent
from audit.services import Action, access_record
from casefile.models import PurgeRecord
from casefile.retention import records_purge
from deadlines.models import Deadline
from incidents.models import Child, Incident, TimelineEvent
from incidents.services import incident_create, incident_submit
from letters.models import Letter
from letters.services import letter_approve, letter_ask_for_approval, letter_draft, letter_issue
from notices.models import Notice
from reviews.models import RapidReview, RapidReviewVersion
from reviews.services import rapid_review_send
from tests.conftest import case_values, rapid_review_values

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# 25 years and a few months after the old case was last worked on (October 2022), 24 after the recent one.
NOW = datetime.datetime(2048, 3, 1, 12, tzinfo=LONDON)


def at(day):
    return time_machine.travel(datetime.datetime.fromisoformat(day).replace(hour=12, tzinfo=LONDON), tick=False)


def counts(results):
    """{kind: count} of a purge's results."""
    return {purged.kind: purged.count for purged in results}


@pytest.fixture
def old_case(notified, leeds_lead, secretariat, panel_member):
    """Notified in September 2022; its rapid review (a stored PDF) sent and a letter issued (a stored PDF)
    in October 2022, and nothing done since."""
    with at("2022-10-03"):
        rapid_review_send(incident=notified, by=leeds_lead, **rapid_review_values())
        letter = letter_draft(incident=notified, by=secretariat, kind=Letter.Kind.GENERAL)
        letter = letter_ask_for_approval(letter=letter, by=secretariat)
        letter = letter_approve(letter=letter, by=panel_member)
        letter_issue(letter=letter, by=secretariat)
        # The partnership told of the notification, as the message engine does.
        sent_message(notified, "team@leeds-partnership.example.org", datetime.datetime(2022, 9, 14, 13, tzinfo=LONDON))
    return Incident.objects.get(pk=notified.pk)


def sent_message(incident, mailbox, sent_at):
    return Notice.objects.create(
        incident=incident,
        event=incident.timeline.order_by("at").first(),
        mailbox=mailbox,
        due_on=sent_at.date(),
        status=Notice.Status.SENT,
        sent_at=sent_at,
        next_attempt_at=sent_at,
    )


@pytest.fixture
def recent_case(bradford, bradford_notifier, bradford_lead):
    """Notified in May 2024 with its rapid review: 24 years before NOW, inside the case period."""
    with at("2024-05-13"):
        incident = incident_create(by=bradford_notifier, notifying_la=bradford, **case_values())
        incident = incident_submit(incident=incident, by=bradford_notifier, late_reason="Known late.")
        rapid_review_send(
            incident=incident, by=bradford_lead, **rapid_review_values(completed_on=datetime.date(2024, 5, 13))
        )
    return Incident.objects.get(pk=incident.pk)


def files(media_root):
    return sorted(path for path in Path(media_root).rglob("*") if path.is_file())


def case_rows(incident):
    """How many rows of every kind the case has, history included."""
    return {
        "incident": Incident.objects.filter(pk=incident.pk).count(),
        "children": Child.objects.filter(incident=incident).count(),
        "timeline": TimelineEvent.objects.filter(incident=incident).count(),
        "deadlines": Deadline.objects.filter(incident=incident).count(),
        "notices": Notice.objects.filter(incident=incident).count(),
        "rapid_review": RapidReview.objects.filter(incident=incident).count(),
        "versions": RapidReviewVersion.objects.filter(rapid_review__incident=incident).count(),
        "letters": Letter.objects.filter(incident=incident).count(),
        "incident_history": Incident.history.filter(id=incident.pk).count(),
        "children_history": Child.history.filter(incident_id=incident.pk).count(),
        "rapid_review_history": RapidReview.history.filter(incident_id=incident.pk).count(),
        "letter_history": Letter.history.filter(incident_id=incident.pk).count(),
    }


@pytest.fixture
def records(old_case, recent_case, leeds_lead, media_root):
    """Besides the cases: messages sent, access log entries, API tokens, sign-in attempts and sessions,
    old and recent."""
    event = recent_case.timeline.first()
    with at("2024-05-14"):
        # A message about the recent case sent in 2024: past its two years by 2048, though the case is kept.
        sent_message(recent_case, "team@bradford.example.org", datetime.datetime(2024, 5, 14, 9, tzinfo=LONDON))
        AuthToken.objects.create(user=leeds_lead, expiry=datetime.timedelta(days=90))
    with at("2040-01-10"):
        access_record(action=Action.VIEWED_CASE, kind="case", identifier=recent_case.reference, user=leeds_lead)
        AccessAttempt.objects.create(username="someone@example.org", failures_since_start=3)
    with at("2047-12-01"):
        access_record(action=Action.VIEWED_CASE, kind="case", identifier=recent_case.reference, user=leeds_lead)
        AccessAttempt.objects.create(username="someone@example.org", failures_since_start=1)
        AuthToken.objects.create(user=leeds_lead, expiry=datetime.timedelta(days=90))
        expired = SessionStore()
        expired["note"] = "old"
        expired.set_expiry(60)
        expired.save()
    with at("2048-02-28"):
        current = SessionStore()
        current.set_expiry(datetime.timedelta(days=30))
        current.save()
        pending = Notice.objects.create(
            incident=recent_case,
            event=event,
            mailbox="other@bradford.example.org",
            due_on=datetime.date(2048, 2, 28),
            next_attempt_at=datetime.datetime(2048, 3, 2, tzinfo=LONDON),
        )
    return pending


def test_a_dry_run_says_what_would_go_and_removes_nothing(old_case, recent_case, records, media_root):
    before = {"old": case_rows(old_case), "recent": case_rows(recent_case), "files": files(media_root)}

    results = records_purge(now=NOW, dry_run=True)

    assert counts(results) == {
        "case": 1,
        "notice": 2,
        "access_event": 1,
        "api_token": 1,
        "sign_in_attempt": 1,
        "session": 1,
    }
    assert results[-1].identifiers == [old_case.reference]
    assert {"old": case_rows(old_case), "recent": case_rows(recent_case), "files": files(media_root)} == before
    assert AccessEvent.objects.count() == 2 and AuthToken.objects.count() == 2 and Session.objects.count() == 2
    assert not PurgeRecord.objects.exists()


def test_it_removes_a_case_past_its_period_whole_with_its_files(
    old_case, recent_case, media_root, django_capture_on_commit_callbacks
):
    old_files = {old_case.rapid_review.versions.get().document.path, old_case.letters.get().pdf.path}
    recent_files = {recent_case.rapid_review.versions.get().document.path}
    assert {str(path) for path in files(media_root)} == old_files | recent_files
    assert all(case_rows(old_case).values()), case_rows(old_case)
    recent_before = case_rows(recent_case)

    # The files go once the rows' deletion has committed.
    with at("2048-03-01"), django_capture_on_commit_callbacks(execute=True):
        records_purge(now=NOW)

    assert {kind: rows for kind, rows in case_rows(old_case).items() if rows} == {}
    assert {str(path) for path in files(media_root)} == recent_files
    assert case_rows(recent_case) == recent_before


def test_it_removes_only_what_is_past_its_period_and_records_it(old_case, recent_case, records, leeds_lead):
    pending = records

    with at("2048-03-01"):
        results = records_purge(now=NOW)

    assert counts(results) == {
        "case": 1,
        "notice": 2,
        "access_event": 1,
        "api_token": 1,
        "sign_in_attempt": 1,
        "session": 1,
    }
    assert list(Incident.objects.all()) == [recent_case]
    assert list(Notice.objects.filter(incident=recent_case, event__isnull=False)) == [pending]
    assert list(AccessEvent.objects.values_list("at__year", flat=True)) == [2047]
    assert [token.expiry.year for token in AuthToken.objects.all()] == [2048]
    assert list(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == [1]
    assert Session.objects.count() == 1

    recorded = {record.kind: record for record in PurgeRecord.objects.all()}
    assert {kind: record.count for kind, record in recorded.items()} == counts(results)
    assert recorded["case"].identifiers == [old_case.reference]
    assert recorded["case"].before == datetime.datetime(2023, 3, 1, 12, tzinfo=LONDON)
    assert recorded["access_event"].identifiers == []
    assert all(record.at == NOW for record in recorded.values())


def test_a_second_run_removes_nothing_more(old_case, recent_case, records):
    with at("2048-03-01"):
        records_purge(now=NOW)
        recorded = PurgeRecord.objects.count()

        again = records_purge(now=NOW)

    assert set(counts(again).values()) == {0}
    assert PurgeRecord.objects.count() == recorded
    assert Incident.objects.get() == recent_case


def test_a_reminder_for_a_deadline_still_open_is_kept(recent_case):
    """The reminder engine knows from the row that the reminder went: removing it would send it again."""
    from notices.models import Rung

    deadline = recent_case.deadlines.filter(status=Deadline.Status.OPEN).first()
    rung = Rung.objects.filter(deadline_kind=deadline.kind).first() or Rung.objects.create(
        deadline_kind=deadline.kind, offset=5
    )
    sent = datetime.datetime(2024, 6, 1, 9, tzinfo=LONDON)
    reminder = Notice.objects.create(
        incident=recent_case,
        deadline=deadline,
        rung=rung,
        mailbox="team@bradford.example.org",
        due_on=sent.date(),
        status=Notice.Status.SENT,
        sent_at=sent,
        next_attempt_at=sent,
    )

    records_purge(now=NOW)

    assert Notice.objects.filter(pk=reminder.pk).exists()


def test_the_command_prints_a_table_and_a_dry_run_says_so(old_case, recent_case):
    out = io.StringIO()
    with at("2048-03-01"):
        call_command("purge", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Would remove" in text
    assert old_case.reference in text and recent_case.reference not in text
    assert "Dry run: nothing removed" in text
    assert Incident.objects.count() == 2

    out = io.StringIO()
    with at("2048-03-01"):
        call_command("purge", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["Records", "Removed", "Older", "than"]
    assert any(line.startswith("Cases, with everything recorded about them") and " 1 " in line for line in lines)
    assert Incident.objects.get() == recent_case


def test_administrators_read_what_was_purged_and_change_nothing(request, old_case, recent_case):
    with at("2048-03-01"):
        records_purge(now=NOW)
    record = PurgeRecord.objects.get(kind=PurgeRecord.Kind.CASE)
    # Signed in after the purge, which ends every session expired by 2048.
    admin_client = request.getfixturevalue("admin_client")

    listing = admin_client.get("/admin/casefile/purgerecord/", {"q": old_case.reference})
    assert listing.status_code == 200
    assert f"/admin/casefile/purgerecord/{record.pk}/change/" in listing.content.decode()
    assert admin_client.post(f"/admin/casefile/purgerecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get("/admin/casefile/purgerecord/add/").status_code == 403
    assert PurgeRecord.objects.filter(pk=record.pk).exists()
