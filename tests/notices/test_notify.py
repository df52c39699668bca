"""With NOTIFY_API_KEY set, reminders go through GOV.UK Notify, mocked at its HTTP boundary only, with the
rows' ids as Notify's reference, so that a retry whose first answer was lost does not send twice."""

import json
import re
import uuid

import pytest
import responses

from notices.ladders import rungs_default_seed
from notices.models import Notice
from notices.services import reminders_pass

from .test_reminders import at

pytestmark = pytest.mark.django_db

NOTIFY = "https://api.notifications.service.gov.uk"
TEMPLATE = str(uuid.uuid4())


@pytest.fixture
def notify(settings):
    settings.NOTIFY_API_KEY = f"csprp_test-{uuid.uuid4()}-{uuid.uuid4()}"
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE
    rungs_default_seed()
    with responses.RequestsMock() as mocked:
        yield mocked


def test_it_sends_through_notify_with_the_rows_ids_as_reference(notify, notified, leeds_lead, secretariat):
    notify.get(re.compile(f"{NOTIFY}/v2/notifications.*"), json={"notifications": [], "links": {}})
    notify.post(f"{NOTIFY}/v2/notifications/email", json={"id": str(uuid.uuid4())}, status=201)

    reminders_pass(now=at("2022-09-29"))  # 5 working days before the rapid review is due

    notice = Notice.objects.get()
    assert notice.status == "sent"
    sent = json.loads(notify.calls[-1].request.body)
    assert sent["reference"] == f"notices-{notice.pk}"
    assert (sent["email_address"], sent["template_id"]) == (leeds_lead.email, TEMPLATE)
    assert notified.reference in sent["personalisation"]["body"]
    assert notify.calls[0].request.params == {"reference": f"notices-{notice.pk}"}


def test_a_retry_whose_first_send_was_accepted_does_not_send_again(notify, notified, leeds_lead):
    notify.get(re.compile(f"{NOTIFY}/v2/notifications.*"), json={"notifications": [], "links": {}})
    notify.post(f"{NOTIFY}/v2/notifications/email", body=ConnectionError("answer lost"))
    reminders_pass(now=at("2022-09-29"))
    notice = Notice.objects.get()
    assert (notice.status, notice.attempts) == ("pending", 1)

    # Notify had accepted it after all: the retry finds it by its reference and sends nothing more.
    notify.replace(
        responses.GET,
        re.compile(f"{NOTIFY}/v2/notifications.*"),
        json={"notifications": [{"id": str(uuid.uuid4()), "reference": f"notices-{notice.pk}"}], "links": {}},
    )
    posts = sum(call.request.method == "POST" for call in notify.calls)
    reminders_pass(now=at("2022-09-29", 12))
    notice.refresh_from_db()
    assert notice.status == "sent"
    assert sum(call.request.method == "POST" for call in notify.calls) == posts
