"""A local authority's notifications in the browser: one filed late with two children, and a
retrospective one the Panel asked for after a rapid review reached it first."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from casefile.services import unnotified_rapid_review_receive
from incidents.models import Incident
from incidents.services import incident_key_offline
from tests.documents import real_pdf

from .conftest import page_check, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LATE_REASON = "The hospital told children's social care three weeks after the child was admitted."


def days_ago(days):
    # The live server runs in real time: dates are relative to today, far enough back to be late
    # whatever bank holidays fall between.
    return datetime.date.today() - datetime.timedelta(days=days)


def fill_date(page, question, day):
    group = page.get_by_role("group", name=question)
    for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        group.get_by_label(part).fill(str(value))


def choose(page, question, answer):
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


CHILD_QUESTIONS = (
    "Does the child's gender identity differ from the sex registered at birth?",
    "Does the child identify as LGBTQ+?",
    "Does the child have a disability?",
    "Was the family known to children's social care?",
    "Was the child a child in need?",
    "Was the child on a child protection plan?",
    "Was the child looked after?",
    "Was the child subject to a care order?",
)


def add_child(page, *, first_name, age, sex, ethnicity, index=None, **answers):
    page.get_by_label("First name (optional)").fill(first_name)
    page.get_by_label("Age at the time of the incident, in whole years").fill(str(age))
    choose(page, "Sex", sex)
    choose(page, "Ethnicity", ethnicity)
    for question in CHILD_QUESTIONS:
        choose(page, question, answers.get(question, "Not recorded"))
    if index is not None:
        choose(page, "Is this the index child?", index)
    page.get_by_role("button", name="Save child").click()


def test_an_la_files_a_notification_with_two_children_late_and_sees_its_reference(page, leeds, leeds_notifier):
    sign_in(page, leeds_notifier)
    page_check(page, "home")
    page.get_by_role("button", name="Notify the Panel of a serious incident").click()

    page_check(page, "dates")
    expect(page.get_by_role("heading", level=1)).to_have_text("When did the incident happen?")
    fill_date(page, "Date of the incident", days_ago(31))
    fill_date(page, "Date your local authority became aware of it", days_ago(30))
    page.get_by_role("button", name="Save and continue").click()

    page_check(page, "incident")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your draft notification")
    expect(page.locator("#notification-deadline")).to_contain_text("This date has passed")
    choose(page, "Why are you notifying the Panel?", "Serious harm")
    choose(page, "Is abuse or neglect known or suspected?", "Suspected")
    choose(page, "Is this the death of a looked-after child?", "No")
    page.get_by_label("Outline of the case (optional)").fill("Both children were admitted to hospital.")
    page.get_by_role("button", name="Save and continue").click()

    page_check(page, "first-child")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a child")
    add_child(
        page,
        first_name="Amy",
        age=3,
        sex="Female",
        ethnicity="White: English, Welsh, Scottish, Northern Irish or British",
        **{"Was the family known to children's social care?": "Previously"},
    )
    page_check(page, "one-child")
    expect(page.get_by_role("heading", level=1)).to_have_text("You have added 1 child")
    choose(page, "Do you need to add another child?", "Yes")
    page.get_by_role("button", name="Continue").click()

    page_check(page, "second-child")
    add_child(page, first_name="Ben", age=1, sex="Male", ethnicity="Not recorded", index="Yes")
    page_check(page, "two-children")
    expect(page.get_by_role("heading", level=1)).to_have_text("You have added 2 children")
    expect(page.locator("#children")).to_contain_text("Index child: Ben")
    choose(page, "Do you need to add another child?", "No")
    page.get_by_role("button", name="Continue").click()

    page_check(page, "check")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator("#notification-deadline")).to_contain_text("This date has passed")
    expect(page.locator(".govuk-summary-card__title")).to_have_text(["Index child: Ben", "Child 2: Amy"])
    expect(page.get_by_role("link", name="Change reason")).to_be_visible()
    page.get_by_role("button", name="Submit notification").click()

    page_check(page, "late")
    expect(page.get_by_role("heading", level=1)).to_have_text("Why is the notification late?")
    page.get_by_label("Why is the notification late?").fill(LATE_REASON)
    page.get_by_role("button", name="Submit notification").click()

    page_check(page, "sent")
    incident = Incident.objects.get()
    expect(page.locator(".govuk-panel")).to_contain_text("Notification sent")
    expect(page.locator("#reference")).to_have_text(incident.reference)
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    assert (incident.status, incident.late_reason, incident.notified_on) == (
        "notified",
        LATE_REASON,
        datetime.date.today(),
    )
    assert incident.is_late
    children = {child.first_name: child for child in incident.children.all()}
    assert set(children) == {"Amy", "Ben"}
    assert children["Ben"].is_index and not children["Amy"].is_index
    assert (children["Amy"].family_known_to_csc, children["Amy"].lgbtq) == ("previous", "not_recorded")


def test_an_la_answers_a_retrospective_request(page, panel, leeds, leeds_lead, leeds_notifier):
    # The Panel (whose letter asks for the notification) is made here: a transactional test empties the
    # database of what migrations put in it.
    review = unnotified_rapid_review_receive(
        by=leeds_lead,
        local_authority=leeds,
        document=SimpleUploadedFile("review.pdf", real_pdf()),
        incident_fields={"incident_date": days_ago(25), "reason": "serious_harm"},
        children=[{"age_years": 4}],
        completed_on=days_ago(1),
        reason_at_review="serious_harm",
        likely_cause="non_fatal_assault_intrafamilial",
        lcspr_decision="not_required",
        lcspr_rationale="Learning is in hand.",
    )
    case = review.incident
    assert case.status == Incident.Status.NOT_NOTIFIED

    sign_in(page, leeds_notifier)
    page_check(page, "home")
    page.locator("#requests").get_by_role("link", name=re.compile(case.reference)).click()

    page_check(page, "case")
    page.locator("#actions").get_by_role("button", name="Make the retrospective notification").click()

    page_check(page, "retrospective")
    expect(page.get_by_role("heading", level=1)).to_have_text("Make the retrospective notification")
    fill_date(page, "Date your local authority became aware of the incident", days_ago(20))
    page.get_by_role("button", name="Save and continue").click()

    page_check(page, "check")
    expect(page.locator(".govuk-caption-l")).to_contain_text("retrospective notification")
    page.get_by_role("button", name="Submit notification").click()

    page_check(page, "late")
    page.get_by_label("Why is the notification late?").fill("The Panel heard of it from the rapid review first.")
    page.get_by_role("button", name="Submit notification").click()

    page_check(page, "case-notified")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Retrospective notification")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    case = Incident.objects.get(pk=case.pk)
    assert (case.status, case.is_retrospective, case.la_aware_date) == ("notified", True, days_ago(20))


def test_an_la_confirms_an_offline_notification_late_then_withdraws_it(page, leeds, leeds_notifier, secretariat):
    case = incident_key_offline(
        by=secretariat,
        notifying_la=leeds,
        offline_method="phone",
        offline_received_on=days_ago(1),
        incident_date=days_ago(31),
        la_aware_date=days_ago(30),
        reason="death",
        children=[{"age_years": 15, "sex": "male"}],
    )

    sign_in(page, leeds_notifier)
    page.goto(f"/cases/{case.reference}/")
    page_check(page, "case")
    page.locator("#actions").get_by_role("button", name="Confirm the offline notification").click()

    page_check(page, "confirm")
    expect(page.locator("#keyed")).to_contain_text("Phone")
    page.get_by_role("button", name="Confirm notification").click()
    # It reached the Panel after its deadline: the service asks why, on the question.
    page_check(page, "confirm-error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why it was late")
    page.get_by_label("Why did the notification reach the Panel late?").fill("Our case system was down.")
    page.get_by_role("button", name="Confirm notification").click()

    page_check(page, "confirmed")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Notification confirmed")
    page.locator("#actions").get_by_role("button", name="Withdraw the notification").click()

    page_check(page, "withdraw")
    expect(page.locator(".govuk-warning-text")).to_contain_text("You cannot undo this")
    page.get_by_role("button", name="Withdraw notification").click()
    page_check(page, "withdraw-error")
    page.get_by_label("Why are you withdrawing the notification?").fill("Further enquiry found no abuse or neglect.")
    page.get_by_role("button", name="Withdraw notification").click()

    page_check(page, "withdrawn")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Notification withdrawn")
    case = Incident.objects.get(pk=case.pk)
    assert (case.status, case.late_reason) == ("withdrawn", "Our case system was down.")
    assert case.offline_confirmed_on == datetime.date.today()
