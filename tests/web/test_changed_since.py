"""Pages opened before someone else changed the record: the page sent the version it showed, the change is
refused with 409 and a GOV.UK error summary, nothing is saved, and the person's answers are shown again
against the current version, so saving them again is their own choice. Never a silent overwrite."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from incidents.models import Incident
from incidents.services import incident_update
from letters.models import Letter
from letters.services import letter_ask_for_approval, letter_draft, letter_update
from reviews.models import Lcspr
from reviews.services import lcspr_update
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

CHANGED = "was changed by someone else since you opened this page"
INCIDENT = {"reason": "death", "abuse_or_neglect": "suspected", "looked_after_child_death": "no"}


def signed_in(user):
    client = Client()
    sign_in(client, user)
    return client


def version_on(page):
    """The version the page carries in its hidden field."""
    found = re.findall(r'<input type="hidden" name="version" value="(\d+)"', page.content.decode())
    assert found, "the page carries no version"
    return int(found[0])


def error_summary(page):
    html = page.content.decode()
    assert 'class="govuk-error-summary"' in html
    return html[html.index('class="govuk-error-summary"') :]


def test_a_stale_notification_page_is_refused_and_shown_again_with_the_current_version(
    draft, leeds_notifier, london_time
):
    client = signed_in(leeds_notifier)
    address = reverse("web:notification-incident", args=[draft.reference])
    with london_time("2022-09-13"):
        opened = client.get(address)
        assert version_on(opened) == 1
        # A colleague changes the case while the page is open.
        incident_update(incident=draft, by=leeds_notifier, case_outline="A colleague's outline.")

        refused = client.post(address, INCIDENT | {"case_outline": "My outline.", "version": version_on(opened)})
        assert refused.status_code == 409
        assert f"This case {CHANGED}" in error_summary(refused)
        stored = Incident.objects.get(pk=draft.pk)
        assert (stored.case_outline, stored.reason, stored.version) == ("A colleague's outline.", "serious_harm", 2)
        assert "My outline." in refused.content.decode()  # their answers, kept on the page
        assert version_on(refused) == 2

        saved = client.post(address, INCIDENT | {"case_outline": "My outline.", "version": version_on(refused)})
    assert saved.status_code == 302
    assert Incident.objects.get(pk=draft.pk).case_outline == "My outline."


def test_a_notification_changed_since_its_answers_were_checked_is_not_submitted(draft, leeds_notifier, london_time):
    client = signed_in(leeds_notifier)
    address = reverse("web:notification-check", args=[draft.reference])
    with london_time("2022-09-13"):
        incident_update(incident=draft, by=leeds_notifier, **{"reason": "serious_harm", "case_outline": "A fall."})
        checked = client.get(address)
        incident_update(incident=draft, by=leeds_notifier, reason="death")
        refused = client.post(address, {"version": version_on(checked)})
    assert refused.status_code == 409
    assert f"This case {CHANGED}" in error_summary(refused)
    assert Incident.objects.get(pk=draft.pk).status == Incident.Status.DRAFT


def test_a_notification_page_opened_before_a_transition_is_stale(draft, leeds_notifier, london_time):
    client = signed_in(leeds_notifier)
    address = reverse("web:notification-incident", args=[draft.reference])
    with london_time("2022-09-13"):
        opened = client.get(address)
        other = signed_in(leeds_notifier)
        other.post(reverse("web:notification-check", args=[draft.reference]), {"version": version_on(opened)})
        assert Incident.objects.get(pk=draft.pk).status == Incident.Status.NOTIFIED
        refused = client.post(address, INCIDENT | {"version": version_on(opened)})
    assert refused.status_code == 409
    assert Incident.objects.get(pk=draft.pk).reason == "serious_harm"


def test_a_page_post_without_a_version_is_taken_as_the_api_takes_one(draft, leeds_notifier, london_time):
    """Only a page's own form carries the field; a post without it is not checked (nor refused)."""
    client = signed_in(leeds_notifier)
    with london_time("2022-09-13"):
        response = client.post(reverse("web:notification-incident", args=[draft.reference]), INCIDENT)
    assert response.status_code == 302
    assert Incident.objects.get(pk=draft.pk).reason == "death"


def test_a_version_that_is_not_one_says_the_page_is_out_of_date(draft, leeds_notifier, london_time):
    client = signed_in(leeds_notifier)
    with london_time("2022-09-13"):
        response = client.post(
            reverse("web:notification-incident", args=[draft.reference]), INCIDENT | {"version": "x"}
        )
    assert response.status_code == 400
    assert "This page is out of date: open it again." in error_summary(response)
    assert Incident.objects.get(pk=draft.pk).reason == "serious_harm"


def test_a_stale_local_review_details_page_is_refused(lcspr, leeds_lead, london_time):
    client = signed_in(leeds_lead)
    address = reverse("web:lcspr-details", args=[lcspr.incident.reference])
    decided = {"decision_on-day": "31", "decision_on-month": "8", "decision_on-year": "2023"}
    with london_time("2023-09-04"):
        opened = client.get(address)
        lcspr_update(incident=lcspr.incident, by=leeds_lead, reviewer="A. Colleague")
        refused = client.post(address, decided | {"reviewer": "Me", "version": version_on(opened)})
    assert refused.status_code == 409
    assert f"This local review {CHANGED}" in error_summary(refused)
    assert Lcspr.objects.get(pk=lcspr.pk).reviewer == "A. Colleague"
    assert version_on(refused) == 2


@pytest.fixture
def letter(notified, secretariat, london_time):
    with london_time("2022-09-20"):
        return letter_draft(incident=notified, by=secretariat, kind=Letter.Kind.GENERAL)


def test_a_stale_letter_page_is_refused(letter, secretariat, london_time):
    client = signed_in(secretariat)
    address = reverse("web:letter", args=[letter.pk])
    with london_time("2022-09-20"):
        opened = client.get(address)
        letter_update(letter=letter, by=secretariat, subject="A colleague's subject")
        refused = client.post(
            address, {"subject": "My subject", "body_markdown": letter.body_markdown, "version": version_on(opened)}
        )
    assert refused.status_code == 409
    assert f"This letter {CHANGED}" in error_summary(refused)
    assert Letter.objects.get(pk=letter.pk).subject == "A colleague's subject"


def test_a_member_cannot_approve_a_letter_changed_since_they_opened_it(letter, secretariat, panel_member, london_time):
    member = signed_in(panel_member)
    with london_time("2022-09-20"):
        letter_ask_for_approval(letter=letter, by=secretariat)
        opened = member.get(reverse("web:letter", args=[letter.pk]))
        read = version_on(opened)
        letter_update(letter=letter, by=secretariat, body_markdown="Other words.")
        letter_ask_for_approval(letter=letter, by=secretariat)
        refused = member.post(reverse("web:letter-approve", args=[letter.pk]), {"version": read})
        assert refused.status_code == 409
        assert "has not been approved. Read it as it is now before you approve it." in error_summary(refused)
        assert Letter.objects.get(pk=letter.pk).status == Letter.Status.AWAITING_APPROVAL

        approved = member.post(reverse("web:letter-approve", args=[letter.pk]), {"version": version_on(refused)})
    assert approved.status_code == 302
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.APPROVED
