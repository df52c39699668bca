"""Drill: a reminder pass killed between claiming a notice and sending it neither loses it nor sends it twice.

`manage.py send_reminders` runs as a process of its own against the test database, sending to an SMTP
server this test runs in a thread. The server stalls the first conversation once the service asks to send
(MAIL FROM), so the pass is stuck with its claims taken; the process is then killed with SIGKILL (no chance
to tidy up). The notice is claimed and unsent. A pass soon after leaves it alone (the dead pass might only
be slow); a pass after the claim timeout claims it again and sends it, and the server receives it once.
"""

import datetime
import os
import signal
import socketserver
import subprocess
import sys
import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from deadlines.models import Deadline
from deadlines.services import bank_holidays_sync
from incidents.services import incident_create, incident_submit
from notices.ladders import rungs_default_seed
from notices.models import Notice
from notices.services import CLAIM_TIMEOUT, messages_make, notice_claim, reminders_pass, reminders_stop

from ..conftest import case_values
from ..health.test_worker import ROOT
from .test_worker_and_beat import database_url

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second process shares the test database on PostgreSQL"
)


class Mailbox:
    """What the SMTP server saw: conversations that asked to send, and whole messages with their recipients."""

    def __init__(self):
        self.stall_next = True
        self.stalled = threading.Event()
        self.messages = []  # one list of recipients per message the server accepted
        self.lock = threading.Lock()


class SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend (no TLS, no authentication). The first conversation stalls at
    MAIL FROM: the server never answers, as a server hung or a network gone quiet."""

    timeout = 60

    def reply(self, line):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        mailbox = self.server.mailbox
        with mailbox.lock:
            stall, mailbox.stall_next = mailbox.stall_next, False
        self.reply("220 mail.test ESMTP")
        recipients = []
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command.split(" ", 1)[0].upper().split(":")[0]
            if verb in ("EHLO", "HELO"):
                self.reply("250 mail.test")
            elif verb == "MAIL":
                if stall:
                    mailbox.stalled.set()
                    while self.rfile.readline():  # until the client is gone
                        pass
                    return
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                with mailbox.lock:
                    mailbox.messages.append(recipients)
                self.reply("250 OK: queued")
            elif verb == "RSET":
                recipients = []
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Not implemented")


class SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture
def smtp_server():
    server = SmtpServer(("127.0.0.1", 0), SmtpHandler)
    server.mailbox = Mailbox()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def rapid_review_due_today(leeds, leeds_notifier, leeds_lead):
    """A notified Leeds case whose rapid review falls due today: the ladder's rung on the day is due."""
    bank_holidays_sync()  # transactional tests start from an emptied database
    rungs_default_seed()
    today = timezone.localdate()
    aware = today - datetime.timedelta(days=1)
    case = incident_create(
        by=leeds_notifier,
        notifying_la=leeds,
        **case_values(incident_date=aware - datetime.timedelta(days=1), la_aware_date=aware),
    )
    incident_submit(incident=case, by=leeds_notifier)
    Deadline.objects.filter(incident=case, kind="rapid_review").update(due_on=today)
    return case


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_neither_loses_nor_sends_twice_a_notice_whose_pass_was_killed_before_sending(
    rapid_review_due_today, leeds_lead, smtp_server, settings
):
    port = smtp_server.server_address[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csprp.settings",
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
    }
    env.pop("NOTIFY_API_KEY", None)
    first_pass = subprocess.Popen(
        [sys.executable, "manage.py", "send_reminders"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        stuck = smtp_server.mailbox.stalled.wait(timeout=120)
        first_pass.send_signal(signal.SIGKILL)
        output, _ = first_pass.communicate(timeout=30)
    finally:
        if first_pass.poll() is None:
            first_pass.kill()
    assert stuck, output
    assert first_pass.returncode == -signal.SIGKILL

    # Killed after claiming one person's notices, before their email reached the server: claimed, pending, unsent.
    claimed = list(Notice.objects.filter(claimed_at__isnull=False))
    assert claimed, output
    assert {notice.status for notice in claimed} == {Notice.Status.PENDING}
    assert {notice.sent_at for notice in claimed} == {None}
    assert smtp_server.mailbox.messages == []
    claimed_ids = [notice.pk for notice in claimed]
    claimed_at = max(notice.claimed_at for notice in claimed)
    (address,) = {notice.address for notice in claimed}  # one person's digest: the pass died sending it

    # The service in this process now sends through the same SMTP server.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.NOTIFY_API_KEY = None

    # A minute later the dead pass might only be slow: its claims are left alone (everyone else is sent to).
    reminders_pass(now=claimed_at + datetime.timedelta(minutes=1))
    assert not Notice.objects.filter(pk__in=claimed_ids, status=Notice.Status.SENT).exists()
    assert address not in {to for recipients in smtp_server.mailbox.messages for to in recipients}

    # Past the claim timeout the pass is taken for dead: its notices are claimed again and sent, once.
    later = claimed_at + CLAIM_TIMEOUT + datetime.timedelta(minutes=1)
    retried = reminders_pass(now=later)
    again = reminders_pass(now=later + datetime.timedelta(minutes=1))

    assert retried["sent"] == len(claimed)
    assert again["sent"] == 0
    assert set(Notice.objects.filter(pk__in=claimed_ids).values_list("status", "sent_at")) == {
        (Notice.Status.SENT, later)
    }
    assert not Notice.objects.exclude(status=Notice.Status.SENT).exists()  # nothing lost, for anyone
    received = Counter(to for recipients in smtp_server.mailbox.messages for to in recipients)
    assert received[address] == 1
    assert max(received.values()) == 1  # one email to each person: nothing sent twice
    assert leeds_lead.email in received


# The rules the drill rests on, on any database ----------------------------------------------------------


@pytest.fixture
def message(notified, leeds_lead):
    """The partnership lead's message that the Leeds case was notified, waiting to be sent."""
    messages_make(now=notified.timeline.get(kind="submitted").at)
    return Notice.objects.get(recipient=leeds_lead, event__kind="submitted")


@pytest.mark.django_db
def test_a_claim_is_taken_again_only_once_it_is_older_than_the_timeout(message):
    claimed_at = timezone.now()
    assert notice_claim(message.pk, now=claimed_at)
    assert not notice_claim(message.pk, now=claimed_at + datetime.timedelta(minutes=1))
    assert not notice_claim(message.pk, now=claimed_at + CLAIM_TIMEOUT)
    later = claimed_at + CLAIM_TIMEOUT + datetime.timedelta(seconds=1)
    assert notice_claim(message.pk, now=later)
    assert not notice_claim(message.pk, now=later)  # compare-and-set: the second pass at that moment gets nothing


@pytest.mark.django_db
def test_a_message_left_pending_is_not_stopped_as_a_reminder_would_be(message):
    """A reminder stops when its deadline is met or cancelled; a message has no deadline and stays due."""
    notice_claim(message.pk, now=timezone.now())
    reminders_stop()
    message.refresh_from_db()
    assert message.status == Notice.Status.PENDING
