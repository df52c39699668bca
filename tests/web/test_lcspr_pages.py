"""The local review's pages: the review at a glance, and a question page for each step the partnership takes."""

import datetime
import html as html_text

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from incidents.models import TimelineEvent
from incidents.workflow import today
from reviews.models import Lcspr, LcsprMilestone, Recommendation
from reviews.services import (
    lcspr_final_report,
    lcspr_pause,
    lcspr_publish,
    recommendation_add,
)
from tests.conftest import recommendation_values
from tests.signin import sign_in

from ..documents import real_pdf, windows_executable
from .helpers import error_summary_links, page_facts

pytestmark = pytest.mark.django_db

# Every step page of a local review, with the name of its URL.
STEPS = (
    "lcspr-details",
    "lcspr-planned-publication",
    "lcspr-pause",
    "lcspr-resume",
    "lcspr-final-report",
    "lcspr-publish",
    "lcspr-not-published",
    "lcspr-milestone-add",
    "lcspr-recommendation-add",
)


def signed_in(user):
    client = Client()
    sign_in(client, user)
    return client


def url(name, lcspr, *args):
    return reverse(f"web:{name}", args=[lcspr.incident.reference, *args])


def date_parts(name, day):
    return {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}


def in_weeks(weeks):
    return today() + datetime.timedelta(weeks=weeks)


def refreshed(lcspr):
    return Lcspr.objects.get(pk=lcspr.pk)


def banner(response):
    heading = response.content.decode().split('govuk-notification-banner__heading">')[1].split("<")[0]
    return html_text.unescape(heading)


@pytest.fixture
def recommendation(lcspr, leeds_lead):
    return recommendation_add(incident=lcspr.incident, by=leeds_lead, **recommendation_values())


@pytest.fixture
def paused(lcspr, leeds_lead):
    return lcspr_pause(incident=lcspr.incident, by=leeds_lead, reason="inquest", panel_told_on=today())


@pytest.fixture
def with_final_report(lcspr, leeds_lead):
    document = SimpleUploadedFile("final.pdf", real_pdf("Final report"))
    return lcspr_final_report(
        incident=lcspr.incident, by=leeds_lead, document=document, planned_publication_on=in_weeks(3)
    )


@pytest.fixture
def published(with_final_report, leeds_lead):
    return lcspr_publish(
        incident=with_final_report.incident, by=leeds_lead, published_on=today(), url="https://example.org/child-a"
    )


# The review page --------------------------------------------------------------------------------------


def test_the_case_page_leads_to_the_local_review(lcspr, leeds_lead):
    response = signed_in(leeds_lead).get(reverse("web:case", args=[lcspr.incident.reference]))
    assert f'href="{url("lcspr", lcspr)}"' in response.content.decode()


def test_it_shows_the_review_its_deadline_and_the_steps_it_allows(lcspr, leeds_lead, recommendation):
    response = signed_in(leeds_lead).get(url("lcspr", lcspr))
    assert response.status_code == 200
    html = response.content.decode()
    facts = page_facts(response)
    assert facts.h1 == 1
    assert facts.title.startswith(f"Local review for case {lcspr.incident.reference} – ")
    assert "In progress" in html
    assert "31 August 2023" in html
    # Six calendar months after 31 August 2023, long past now.
    assert "Due 29 February 2024" in html and "Overdue by" in html
    assert "Set once a publication date is planned" in html
    assert "Health visitors give safe sleep advice at every contact." in html
    assert "Head of health visiting, Leeds Community Healthcare" in html
    assert url("lcspr-recommendation-status", lcspr, recommendation.pk) in html
    for name in ("lcspr-details", "lcspr-planned-publication", "lcspr-pause", "lcspr-final-report"):
        assert f'href="{url(name, lcspr)}"' in html, name
    for name in ("lcspr-resume", "lcspr-publish"):
        assert f'href="{url(name, lcspr)}"' not in html, name


def test_a_case_with_no_local_review_has_no_local_review_page(notified, leeds_lead):
    response = signed_in(leeds_lead).get(reverse("web:lcspr", args=[notified.reference]))
    assert response.status_code == 404


def test_a_paused_review_offers_resume_and_not_pause(paused, leeds_lead):
    html = signed_in(leeds_lead).get(url("lcspr", paused)).content.decode()
    assert f'href="{url("lcspr-resume", paused)}"' in html
    assert f'href="{url("lcspr-pause", paused)}"' not in html
    assert "Paused since" in html and "inquest" in html


def test_a_published_review_changes_no_more_but_its_recommendations_are_followed_up(
    published, leeds_lead, recommendation
):
    client = signed_in(leeds_lead)
    html = client.get(url("lcspr", published)).content.decode()
    assert "Published" in html and "https://example.org/child-a" in html
    assert 'id="actions"' not in html
    assert ">Change<" not in html
    for name in STEPS:
        assert f'href="{url(name, published)}"' not in html, name
    # Recommendations are often due after publication: their status is still kept up to date.
    status_url = url("lcspr-recommendation-status", published, recommendation.pk)
    assert f'href="{status_url}"' in html
    case_page = client.get(reverse("web:case", args=[published.incident.reference])).content.decode()
    assert "Follow up the recommendations" in case_page and "Update the local review" not in case_page
    client.post(status_url, {"status": "in_progress"})
    recommendation.refresh_from_db()
    assert recommendation.status == "in_progress"


def test_a_notifier_sees_the_review_but_no_steps(lcspr, leeds_notifier):
    response = signed_in(leeds_notifier).get(url("lcspr", lcspr))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="actions"' not in html and ">Change<" not in html


# Who may ----------------------------------------------------------------------------------------------


def test_another_partnerships_lead_finds_none_of_the_pages(lcspr, bradford_lead, recommendation):
    client = signed_in(bradford_lead)
    urls = [url(name, lcspr) for name in ("lcspr", *STEPS)]
    urls.append(url("lcspr-recommendation-status", lcspr, recommendation.pk))
    for each in urls:
        assert client.get(each).status_code == 404, each
        assert client.post(each, {}).status_code == 404, each


def test_a_notifier_may_take_no_step_and_nothing_changes(lcspr, leeds_notifier, recommendation):
    client = signed_in(leeds_notifier)
    events = TimelineEvent.objects.count()
    urls = [url(name, lcspr) for name in STEPS]
    urls.append(url("lcspr-recommendation-status", lcspr, recommendation.pk))
    for each in urls:
        assert client.get(each).status_code == 403, each
        assert client.post(each, {}).status_code == 403, each
    pause = {"reason": "inquest", **date_parts("panel_told_on", today())}
    assert client.post(url("lcspr-pause", lcspr), pause).status_code == 403
    details = {"reviewer": "Someone", **date_parts("decision_on", lcspr.decision_on)}
    assert client.post(url("lcspr-details", lcspr), details).status_code == 403
    assert refreshed(lcspr).status == Lcspr.Status.IN_PROGRESS
    assert refreshed(lcspr).reviewer == ""
    assert TimelineEvent.objects.count() == events


def test_signed_out_people_are_asked_to_sign_in(lcspr):
    response = Client().get(url("lcspr-pause", lcspr))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


# Every form, empty ------------------------------------------------------------------------------------


def assert_empty_form_errors(client, address, expected):
    response = client.post(address, {})
    assert response.status_code == 400, address
    assert error_summary_links(response) == expected, address


def test_every_form_submitted_empty_shows_an_error_summary_linked_to_its_fields(lcspr, leeds_lead, recommendation):
    client = signed_in(leeds_lead)
    expected = {
        "lcspr-details": ["id_decision_on-day"],
        "lcspr-planned-publication": ["id_planned_publication_on-day"],
        "lcspr-pause": ["id_reason", "id_panel_told_on-day"],
        "lcspr-final-report": ["id_document", "id_planned_publication_on-day"],
        "lcspr-not-published": ["id_reasons"],
        "lcspr-milestone-add": ["id_happened_on-day", "id_description"],
        "lcspr-recommendation-add": [
            "id_text",
            "id_owner_organisation",
            "id_owner_role",
            "id_due_on-day",
            "id_impact_evaluation",
        ],
    }
    for name, links in expected.items():
        assert_empty_form_errors(client, url(name, lcspr), links)
    assert_empty_form_errors(client, url("lcspr-recommendation-status", lcspr, recommendation.pk), ["id_status"])

    lcspr_pause(incident=lcspr.incident, by=leeds_lead, reason="inquest", panel_told_on=today())
    assert_empty_form_errors(client, url("lcspr-resume", lcspr), ["id_reason"])

    client.post(url("lcspr-resume", lcspr), {"reason": "The inquest ended."})
    document = SimpleUploadedFile("final.pdf", real_pdf("Final report"))
    lcspr_final_report(incident=lcspr.incident, by=leeds_lead, document=document, planned_publication_on=in_weeks(3))
    assert_empty_form_errors(client, url("lcspr-publish", lcspr), ["id_published_on-day", "id_url"])
    assert refreshed(lcspr).status == Lcspr.Status.FINAL_REPORT_RECEIVED


def test_the_error_messages_are_the_design_systems(lcspr, leeds_lead):
    response = signed_in(leeds_lead).post(url("lcspr-pause", lcspr), {})
    html = response.content.decode()
    assert "Select why the review is paused" in html
    assert "Enter the date the Panel was told" in html
    assert "This field is required" not in html


# Each step --------------------------------------------------------------------------------------------


def test_it_changes_the_reviewer_and_terms_of_reference(lcspr, leeds_lead):
    client = signed_in(leeds_lead)
    form = client.get(url("lcspr-details", lcspr)).content.decode()
    assert 'name="decision_on-year"' in form and 'value="2023"' in form
    details = {"reviewer": "Dr A Reviewer", "terms_of_reference": "Safe sleep."}
    details |= date_parts("decision_on", lcspr.decision_on)
    response = client.post(url("lcspr-details", lcspr), details, follow=True)
    assert response.redirect_chain[-1][0] == url("lcspr", lcspr)
    assert banner(response) == "The review's details were saved."
    assert (refreshed(lcspr).reviewer, refreshed(lcspr).terms_of_reference) == ("Dr A Reviewer", "Safe sleep.")


def test_a_decision_date_in_the_future_is_refused_and_what_was_typed_is_kept(lcspr, leeds_lead):
    response = signed_in(leeds_lead).post(
        url("lcspr-details", lcspr),
        {"reviewer": "Dr A Reviewer", **date_parts("decision_on", in_weeks(1))},
    )
    assert response.status_code == 400
    assert error_summary_links(response) == ["id_decision_on-day"]
    assert 'value="Dr A Reviewer"' in response.content.decode()
    assert refreshed(lcspr).reviewer == ""


def test_a_planned_publication_sets_the_final_reports_deadline(lcspr, leeds_lead):
    response = signed_in(leeds_lead).post(
        url("lcspr-planned-publication", lcspr), date_parts("planned_publication_on", in_weeks(4)), follow=True
    )
    assert refreshed(lcspr).planned_publication_on == in_weeks(4)
    assert "7 working days before the planned publication" in response.content.decode()


def test_a_pause_and_a_resume_with_its_reason_in_the_log(lcspr, leeds_lead):
    client = signed_in(leeds_lead)
    pause = {"reason": "criminal_proceedings", "details": "Trial in March.", **date_parts("panel_told_on", today())}
    response = client.post(url("lcspr-pause", lcspr), pause, follow=True)
    assert banner(response) == "The review is paused. The 6-month deadline for publication still applies."
    assert refreshed(lcspr).status == Lcspr.Status.PAUSED
    assert "Trial in March." in response.content.decode()

    response = client.post(url("lcspr-resume", lcspr), {"reason": "The trial ended."}, follow=True)
    assert banner(response) == "The review has resumed."
    assert refreshed(lcspr).status == Lcspr.Status.IN_PROGRESS
    assert LcsprMilestone.objects.get(lcspr=lcspr).description == "Review resumed: The trial ended."
    assert "Review resumed: The trial ended." in response.content.decode()


def test_resuming_a_review_that_is_not_paused_is_refused_and_logs_nothing(lcspr, leeds_lead):
    response = signed_in(leeds_lead).post(url("lcspr-resume", lcspr), {"reason": "Nothing to resume."})
    assert response.status_code == 409
    assert "it cannot be resumed" in response.content.decode()
    assert page_facts(response).title.startswith("Error: ")
    assert not LcsprMilestone.objects.exists()


def test_a_final_report_of_the_wrong_type_is_refused_on_its_field_with_415(lcspr, leeds_lead):
    upload = SimpleUploadedFile("final.pdf", windows_executable())
    response = signed_in(leeds_lead).post(
        url("lcspr-final-report", lcspr),
        {"document": upload, **date_parts("planned_publication_on", in_weeks(3))},
    )
    assert response.status_code == 415
    assert error_summary_links(response) == ["id_document"]
    assert "The file must be" in response.content.decode()
    assert refreshed(lcspr).status == Lcspr.Status.IN_PROGRESS
    assert not refreshed(lcspr).final_report


def test_a_final_report_is_received_and_the_review_published_with_its_link(lcspr, leeds_lead):
    client = signed_in(leeds_lead)
    upload = SimpleUploadedFile("final.pdf", real_pdf("Final report"))
    response = client.post(
        url("lcspr-final-report", lcspr),
        {"document": upload, **date_parts("planned_publication_on", in_weeks(3))},
        follow=True,
    )
    assert banner(response) == "The final report was received."
    assert refreshed(lcspr).status == Lcspr.Status.FINAL_REPORT_RECEIVED
    assert f'href="{url("lcspr-publish", lcspr)}"' in response.content.decode()

    publication = {"url": "https://www.leedsscp.org.uk/child-a", **date_parts("published_on", today())}
    response = client.post(url("lcspr-publish", lcspr), publication, follow=True)
    assert banner(response) == "The review is recorded as published."
    review = refreshed(lcspr)
    assert (review.status, review.published_on, review.publication_url) == (
        Lcspr.Status.PUBLISHED,
        today(),
        "https://www.leedsscp.org.uk/child-a",
    )


def test_a_link_that_is_not_a_link_is_refused(with_final_report, leeds_lead):
    publication = {"url": "not a link", **date_parts("published_on", today())}
    response = signed_in(leeds_lead).post(url("lcspr-publish", with_final_report), publication)
    assert error_summary_links(response) == ["id_url"]
    assert 'value="not a link"' in response.content.decode()


def test_a_review_that_will_not_be_published_ends(lcspr, leeds_lead):
    response = signed_in(leeds_lead).post(
        url("lcspr-not-published", lcspr), {"reasons": "The family asked us not to."}, follow=True
    )
    assert banner(response) == "The review is recorded as not published."
    assert refreshed(lcspr).status == Lcspr.Status.NOT_PUBLISHED
    assert 'id="actions"' not in response.content.decode()


def test_a_milestone_is_recorded(lcspr, leeds_lead):
    milestone = {"description": "The review panel met.", **date_parts("happened_on", today())}
    response = signed_in(leeds_lead).post(url("lcspr-milestone-add", lcspr), milestone, follow=True)
    assert banner(response) == "The milestone was recorded."
    assert "The review panel met." in response.content.decode()


def test_a_recommendation_is_added_and_completed_with_evidence(lcspr, leeds_lead):
    client = signed_in(leeds_lead)
    values = recommendation_values(due_on=in_weeks(20))
    values = {**values, **date_parts("due_on", values.pop("due_on"))}
    response = client.post(url("lcspr-recommendation-add", lcspr), values, follow=True)
    assert banner(response) == "The recommendation was added."
    recommendation = Recommendation.objects.get(lcspr=lcspr)
    assert (recommendation.owner_organisation, recommendation.due_on) == ("Leeds Community Healthcare", in_weeks(20))

    status_url = url("lcspr-recommendation-status", lcspr, recommendation.pk)
    response = client.post(status_url, {"status": "completed"})
    assert response.status_code == 400
    assert error_summary_links(response) == ["id_completion_evidence"]

    response = client.post(status_url, {"status": "in_progress"}, follow=True)
    assert banner(response) == "The recommendation's status was saved."
    evidence = {"status": "completed", "completion_evidence": "Audit: advice given at 98% of contacts."}
    client.post(status_url, evidence)
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.completed_on) == (Recommendation.Status.COMPLETED, today())
    html = client.get(url("lcspr", lcspr)).content.decode()
    assert "Audit: advice given at 98% of contacts." in html
    assert status_url not in html


def test_an_open_recommendation_offers_every_move_and_an_in_progress_one_not_in_progress_again(
    lcspr, leeds_lead, recommendation
):
    client = signed_in(leeds_lead)
    status_url = url("lcspr-recommendation-status", lcspr, recommendation.pk)
    assert 'value="in_progress"' in client.get(status_url).content.decode()
    client.post(status_url, {"status": "in_progress"})
    html = client.get(status_url).content.decode()
    assert 'value="in_progress"' not in html and 'value="not_completed"' in html


def test_a_recommendation_of_another_review_is_not_found(lcspr, leeds_lead, recommendation):
    missing = url("lcspr-recommendation-status", lcspr, recommendation.pk + 1000)
    assert signed_in(leeds_lead).get(missing).status_code == 404


def test_text_longer_than_its_maximum_is_refused(lcspr, leeds_lead):
    response = signed_in(leeds_lead).post(url("lcspr-not-published", lcspr), {"reasons": "x" * 2001})
    assert error_summary_links(response) == ["id_reasons"]
    assert "2,000 characters or fewer" in response.content.decode()
    assert refreshed(lcspr).status == Lcspr.Status.IN_PROGRESS
