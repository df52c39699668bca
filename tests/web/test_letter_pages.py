"""The Panel's letter pages and its members' lists through Django's test client: composing, the decision and
the text, asking for approval, four eyes, sending back, issuing, who sees what, and the lists' filters,
downloads and query counts."""

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.services import incident_create, incident_submit
from letters import rendering
from letters.models import Letter
from letters.services import letter_approve, letter_ask_for_approval, letter_draft, letter_issue
from reviews.services import rapid_review_return, rapid_review_send
from tests.conftest import case_values, rapid_review_values
from tests.signin import sign_in

from .helpers import error_summary_links, page_facts

pytestmark = pytest.mark.django_db

COMMENT = "Say more about the health visitor's last contact with the family."


def signed_in(user):
    client = Client()
    sign_in(client, user)
    return client


def new_case(leeds, notifier):
    incident = incident_create(by=notifier, notifying_la=leeds, **case_values())
    return incident_submit(incident=incident, by=notifier, late_reason="Not known until later.")


@pytest.fixture
def reviewed(leeds, leeds_notifier, leeds_lead):
    """A Leeds case whose partnership sent its rapid review (a local review is required)."""
    case = new_case(leeds, leeds_notifier)
    rapid_review_send(incident=case, by=leeds_lead, **rapid_review_values(practice_themes=["whole_family"]))
    return case


def version_of(case):
    return case.rapid_review.versions.get()


@pytest.fixture
def response(reviewed, secretariat):
    return letter_draft(
        incident=reviewed,
        by=secretariat,
        kind=Letter.Kind.RAPID_REVIEW_RESPONSE,
        rapid_review_version=version_of(reviewed),
    )


def decided_answers(letter, *, panel_position="agree", national_review="not_needed", **overrides):
    """The letter page's answers with the decision recorded and stated, as a browser posts them."""
    sentences = rendering.decision_sentences(
        lcspr_decision=letter.rapid_review_version.lcspr_decision,
        panel_position=panel_position,
        national_review=national_review,
    )
    values = {
        "panel_position": panel_position,
        "national_review": national_review,
        "quality_themes": ["commended"],
        "practice_themes": ["whole_family"],
        "subject": letter.subject,
        "body_markdown": letter.body_markdown.replace("\n", "\r\n") + "\r\n\r\n" + "\r\n\r\n".join(sentences),
    }
    return values | overrides


@pytest.fixture
def put_forward(response, secretariat):
    client = signed_in(secretariat)
    posted = client.post(letter_page(response), decided_answers(response) | {"then": "ask"})
    assert posted.status_code == 302, posted.content.decode()
    letter = Letter.objects.get(pk=response.pk)
    assert letter.status == "awaiting_approval"
    return letter


def letter_page(letter):
    return reverse("web:letter", args=[letter.pk])


def step(name, letter):
    return reverse(f"web:letter-{name}", args=[letter.pk])


def new_letter_url(case):
    return reverse("web:letter-new", args=[case.reference])


# Composing -------------------------------------------------------------------------------------------------


def test_the_secretariat_drafts_a_response_from_the_case_page(reviewed, secretariat):
    client = signed_in(secretariat)
    case_page = client.get(reverse("web:case", args=[reviewed.reference])).content.decode()
    assert new_letter_url(reviewed) in case_page  # the case page's "Draft a letter"
    form = client.get(new_letter_url(reviewed))
    assert form.status_code == 200
    assert page_facts(form).h1 == 1
    posted = client.post(new_letter_url(reviewed), {"kind": "rapid_review_response", "rapid_review_version": "1"})
    letter = Letter.objects.get(incident=reviewed)
    assert posted.status_code == 302 and posted["Location"] == letter_page(letter)
    assert (letter.kind, letter.rapid_review_version, letter.drafted_by) == (
        "rapid_review_response",
        version_of(reviewed),
        secretariat,
    )
    page = client.get(posted["Location"]).content.decode()
    assert "Letter drafted from its template" in page


def test_the_compose_form_sent_empty_shows_an_error_summary_linked_to_its_fields(reviewed, secretariat):
    response = signed_in(secretariat).post(new_letter_url(reviewed), {})
    assert response.status_code == 400
    assert "id_kind" in error_summary_links(response)
    assert "Select the kind of letter" in response.content.decode()


def test_a_response_that_names_no_version_gets_the_services_error_on_the_version(reviewed, secretariat):
    response = signed_in(secretariat).post(
        new_letter_url(reviewed), {"kind": "rapid_review_response", "rapid_review_version": ""}
    )
    assert response.status_code == 400
    assert "id_rapid_review_version" in error_summary_links(response)
    assert not Letter.objects.exists()


def test_another_kind_of_letter_answers_no_version(reviewed, secretariat):
    posted = signed_in(secretariat).post(new_letter_url(reviewed), {"kind": "general", "rapid_review_version": "1"})
    assert posted.status_code == 302
    assert Letter.objects.get().rapid_review_version is None


def test_a_version_answered_already_is_refused_with_409(response, reviewed, secretariat):
    again = signed_in(secretariat).post(
        new_letter_url(reviewed), {"kind": "rapid_review_response", "rapid_review_version": "1"}
    )
    assert again.status_code == 409
    assert "already has a response" in again.content.decode()


@pytest.mark.parametrize("who", ["leeds_notifier", "leeds_lead", "panel_member"])
def test_only_the_secretariat_composes(request, reviewed, who):
    client = signed_in(request.getfixturevalue(who))
    assert client.get(new_letter_url(reviewed)).status_code == 403
    assert client.post(new_letter_url(reviewed), {"kind": "general"}).status_code == 403
    assert not Letter.objects.exists()


@pytest.mark.parametrize("who", ["bradford_notifier", "bradford_lead", "analyst"])
def test_outside_the_case_compose_and_letter_pages_do_not_exist(request, reviewed, response, who):
    client = signed_in(request.getfixturevalue(who))
    assert client.get(new_letter_url(reviewed)).status_code == 404
    assert client.get(letter_page(response)).status_code == 404
    assert client.post(step("approve", response)).status_code == 404


# The letter's page -----------------------------------------------------------------------------------------


def test_the_decision_fields_come_before_the_subject_and_text(response, secretariat):
    page = signed_in(secretariat).get(letter_page(response))
    assert page.status_code == 200
    html = page.content.decode()
    positions = [html.index(f'id="id_{name}"') for name in ("panel_position", "national_review", "subject")]
    assert positions == sorted(positions)
    assert html.index('id="id_subject"') < html.index('id="id_body_markdown"')
    facts = page_facts(page)
    assert facts.h1 == 1 and facts.title.strip().startswith("Response to a rapid review: case ")


def test_the_letter_form_sent_empty_shows_an_error_summary_linked_to_its_fields(response, secretariat):
    page = signed_in(secretariat).post(letter_page(response), {})
    assert page.status_code == 400
    links = error_summary_links(page)
    assert {"id_subject", "id_body_markdown"} <= set(links)
    assert Letter.objects.get(pk=response.pk).subject == response.subject


def test_a_letter_longer_than_its_limit_is_refused_on_its_field(response, secretariat):
    page = signed_in(secretariat).post(letter_page(response), {"subject": "S", "body_markdown": "x" * 50_001})
    assert page.status_code == 400
    assert "id_body_markdown" in error_summary_links(page)


def test_saving_unchanged_text_typed_with_crlf_changes_nothing(put_forward, secretariat):
    answers = decided_answers(put_forward) | {"body_markdown": put_forward.body_markdown.replace("\n", "\r\n")}
    assert signed_in(secretariat).post(letter_page(put_forward), answers).status_code == 302
    assert Letter.objects.get(pk=put_forward.pk).status == "awaiting_approval"


def test_asking_for_approval_before_the_decision_is_recorded_shows_the_services_errors(response, secretariat):
    answers = {"subject": response.subject, "body_markdown": response.body_markdown, "then": "ask"}
    page = signed_in(secretariat).post(letter_page(response), answers)
    assert page.status_code == 400
    assert {"id_panel_position", "id_national_review"} <= set(error_summary_links(page))
    assert "Your changes are saved, but the letter cannot be put forward for approval yet." in page.content.decode()
    assert Letter.objects.get(pk=response.pk).status == "draft"


def test_asking_for_approval_when_the_text_does_not_say_the_decision_points_at_the_text(response, secretariat):
    answers = decided_answers(response, body_markdown=response.body_markdown) | {"then": "ask"}
    page = signed_in(secretariat).post(letter_page(response), answers)
    assert page.status_code == 400
    assert "id_body_markdown" in error_summary_links(page)
    letter = Letter.objects.get(pk=response.pk)
    # The decision was saved; the page now shows the sentences the text must contain.
    assert (letter.status, letter.panel_position, letter.national_review) == ("draft", "agree", "not_needed")
    assert rendering.decision_sentences(
        lcspr_decision="required", panel_position="agree", national_review="not_needed"
    )[0] in page.content.decode().replace("&#x27;", "'")


def test_a_letter_that_is_not_a_response_records_no_decision(reviewed, secretariat):
    letter = letter_draft(incident=reviewed, by=secretariat, kind=Letter.Kind.GENERAL)
    client = signed_in(secretariat)
    html = client.get(letter_page(letter)).content.decode()
    assert 'id="id_panel_position"' not in html and 'id="id_subject"' in html
    answers = {"subject": "About your case", "body_markdown": "Dear partners,\r\n\r\nThank you.", "then": "ask"}
    assert client.post(letter_page(letter), answers).status_code == 302
    letter = Letter.objects.get(pk=letter.pk)
    assert (letter.status, letter.subject, letter.body_markdown) == (
        "awaiting_approval",
        "About your case",
        "Dear partners,\n\nThank you.",
    )


def test_the_preview_is_a_pdf_shown_in_the_browser(response, secretariat, panel_member):
    for person in (secretariat, panel_member):
        preview = signed_in(person).get(step("preview", response))
        assert preview.status_code == 200
        assert preview["Content-Type"] == "application/pdf"
        assert preview["Content-Disposition"].startswith("inline;")
        assert preview.content.startswith(b"%PDF-")
        # Chromium's PDF viewer does not run under `object-src 'none'`: the PDF alone goes without the policy.
        assert "Content-Security-Policy" not in preview


def test_the_drafter_is_offered_no_approval_and_a_post_is_refused_with_403(put_forward, secretariat):
    client = signed_in(secretariat)
    html = client.get(letter_page(put_forward)).content.decode()
    assert "Approve the letter" not in html
    assert step("approve", put_forward) not in html
    assert step("send-back", put_forward) not in html

    refused = client.post(step("approve", put_forward))
    assert refused.status_code == 403
    html = refused.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert "You wrote this letter: someone else must check it before it is approved." in html
    assert page_facts(refused).title.strip().startswith("Error: ")
    assert Letter.objects.get(pk=put_forward.pk).status == "awaiting_approval"


def test_a_member_approves_a_letter_someone_else_wrote(put_forward, panel_member):
    client = signed_in(panel_member)
    html = client.get(letter_page(put_forward)).content.decode()
    assert "Approve the letter" in html
    assert 'name="body_markdown"' not in html  # a member reads the letter; only the secretariat changes it
    assert 'id="letter-text"' in html
    approved = client.post(step("approve", put_forward))
    assert approved.status_code == 302
    letter = Letter.objects.get(pk=put_forward.pk)
    assert (letter.status, letter.approved_by) == ("approved", panel_member)
    assert client.post(step("approve", put_forward)).status_code == 409


def test_the_send_back_form_sent_empty_shows_an_error_summary(put_forward, panel_member):
    client = signed_in(panel_member)
    assert client.get(step("send-back", put_forward)).status_code == 200
    page = client.post(step("send-back", put_forward), {})
    assert page.status_code == 400
    assert error_summary_links(page) == ["id_comment"]
    assert Letter.objects.get(pk=put_forward.pk).status == "awaiting_approval"


def test_a_member_sends_it_back_and_its_writer_sees_the_comment(put_forward, panel_member, secretariat):
    sent = signed_in(panel_member).post(step("send-back", put_forward), {"comment": COMMENT})
    assert sent.status_code == 302
    letter = Letter.objects.get(pk=put_forward.pk)
    assert (letter.status, letter.sent_back_comment) == ("draft", COMMENT)
    html = signed_in(secretariat).get(letter_page(letter)).content.decode()
    assert 'id="sent-back"' in html
    assert "Say more about the health visitor&#x27;s last contact with the family." in html
    assert "Save and ask for approval" in html


def test_the_drafter_cannot_send_back_their_own_letter(put_forward, secretariat):
    client = signed_in(secretariat)
    assert client.get(step("send-back", put_forward)).status_code == 302  # not offered: back to the letter
    refused = client.post(step("send-back", put_forward), {"comment": COMMENT})
    assert refused.status_code == 403
    assert Letter.objects.get(pk=put_forward.pk).status == "awaiting_approval"


def test_the_discard_question_sent_empty_shows_an_error_summary_then_discards(response, secretariat):
    client = signed_in(secretariat)
    page = client.post(step("discard", response), {})
    assert page.status_code == 400
    assert error_summary_links(page) == ["id_confirm"]
    assert client.post(step("discard", response), {"confirm": "no"}).status_code == 302
    assert Letter.objects.get(pk=response.pk).status == "draft"
    assert client.post(step("discard", response), {"confirm": "yes"}).status_code == 302
    assert Letter.objects.get(pk=response.pk).status == "discarded"
    html = client.get(letter_page(response)).content.decode()
    assert 'name="body_markdown"' not in html and "Discard the letter" not in html


def test_issued_the_partnership_lead_sees_it_on_the_case_page_and_never_a_draft(
    put_forward, reviewed, panel_member, secretariat, leeds_lead
):
    lead = signed_in(leeds_lead)
    case_url = reverse("web:case", args=[reviewed.reference])
    assert lead.get(letter_page(put_forward)).status_code == 404  # a draft is the Panel's
    assert reverse("letter-pdf", args=[put_forward.pk]) not in lead.get(case_url).content.decode()

    letter_approve(letter=put_forward, by=panel_member)
    clerk = signed_in(secretariat)
    html = clerk.get(letter_page(put_forward)).content.decode()
    assert "Issue the letter" in html
    issued = clerk.post(step("issue", put_forward))
    assert issued.status_code == 302
    letter = Letter.objects.get(pk=put_forward.pk)
    assert letter.status == "issued"

    case_page = lead.get(case_url).content.decode()
    assert reverse("letter-pdf", args=[letter.pk]) in case_page
    assert f'href="{letter_page(letter)}"' not in case_page  # the letter's page is linked for the Panel
    download = lead.get(reverse("letter-pdf", args=[letter.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    panel_case_page = clerk.get(case_url).content.decode()
    assert f'href="{letter_page(letter)}"' in panel_case_page
    assert reverse("letter-pdf", args=[letter.pk]) in panel_case_page


def test_the_lead_reads_an_issued_letter_without_the_panels_working(put_forward, panel_member, secretariat, leeds_lead):
    from letters.services import letter_send_back

    letter = letter_send_back(letter=put_forward, by=panel_member, comment=COMMENT)
    letter = letter_ask_for_approval(letter=letter, by=secretariat)
    letter = letter_issue(letter=letter_approve(letter=letter, by=panel_member), by=secretariat)
    page = signed_in(leeds_lead).get(letter_page(letter))
    assert page.status_code == 200
    html = page.content.decode()
    assert "health visitor" not in html
    assert secretariat.email not in html
    assert reverse("letter-pdf", args=[letter.pk]) in html
    for name in ("approve", "issue", "preview", "send-back", "discard"):
        assert step(name, letter) not in html


def test_steps_once_issued_are_refused_with_409(put_forward, panel_member, secretariat):
    letter = letter_issue(letter=letter_approve(letter=put_forward, by=panel_member), by=secretariat)
    client = signed_in(secretariat)
    assert client.post(step("issue", letter)).status_code == 409
    assert client.post(letter_page(letter), decided_answers(letter)).status_code == 409
    assert client.get(step("preview", letter)).status_code == 409


# The members' lists ----------------------------------------------------------------------------------------


TO_APPROVE = reverse("web:letters-awaiting-approval")
THEMES = reverse("web:practice-themes")
DECISIONS = reverse("web:national-reviews")


@pytest.mark.parametrize("who", ["leeds_notifier", "leeds_lead", "analyst"])
@pytest.mark.parametrize("url", [TO_APPROVE, THEMES, DECISIONS])
def test_the_members_lists_are_the_panels(request, who, url):
    assert signed_in(request.getfixturevalue(who)).get(url).status_code == 403


def test_the_members_list_shows_letters_awaiting_approval_not_written_by_them(put_forward, panel_member, secretariat):
    member_page = signed_in(panel_member).get(TO_APPROVE)
    assert member_page.status_code == 200
    assert letter_page(put_forward) in member_page.content.decode()
    assert page_facts(member_page).h1 == 1
    # Its writer has nothing of their own to approve.
    assert letter_page(put_forward) not in signed_in(secretariat).get(TO_APPROVE).content.decode()

    download = signed_in(panel_member).get(TO_APPROVE, {"download": "csv", "kind": "rapid_review_response"})
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][0] == "Case" and rows[1][0] == put_forward.incident.reference
    none = signed_in(panel_member).get(TO_APPROVE, {"kind": "general"}).content.decode()
    assert letter_page(put_forward) not in none


def test_a_members_list_with_a_wrong_filter_shows_an_error_summary(panel_member):
    for url, params, link in (
        (TO_APPROVE, {"kind": "nonsense"}, "id_kind"),
        (THEMES, {"theme": "nonsense"}, "id_theme"),
        (DECISIONS, {"sort": "nonsense"}, "id_sort"),
        (DECISIONS, {"reference": "x" * 31}, "id_reference"),
    ):
        page = signed_in(panel_member).get(url, params)
        assert page.status_code == 400, url
        assert error_summary_links(page) == [link]


def _letters_awaiting_approval(leeds, notifier, secretariat, count):
    for _ in range(count):
        letter = letter_draft(incident=new_case(leeds, notifier), by=secretariat, kind=Letter.Kind.GENERAL)
        letter_ask_for_approval(letter=letter, by=secretariat)


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"sort": "reference"}, {"download": "csv"}])
def test_the_members_letters_list_costs_the_same_queries_for_3_letters_as_for_25(
    leeds, leeds_notifier, secretariat, panel_member, params
):
    client = signed_in(panel_member)
    _letters_awaiting_approval(leeds, leeds_notifier, secretariat, 3)
    few = _queries(client, TO_APPROVE, params)
    _letters_awaiting_approval(leeds, leeds_notifier, secretariat, 22)
    many = _queries(client, TO_APPROVE, params)
    assert few == many, f"{few} queries for 3 letters, {many} for 25"


def test_cases_are_counted_by_the_themes_of_their_latest_rapid_review(
    leeds, leeds_notifier, leeds_lead, secretariat, panel_member
):
    babies = new_case(leeds, leeds_notifier)
    rapid_review_send(incident=babies, by=leeds_lead, **rapid_review_values(practice_themes=["babies"]))
    changed = new_case(leeds, leeds_notifier)
    rapid_review_send(incident=changed, by=leeds_lead, **rapid_review_values(practice_themes=["babies"]))
    rapid_review_return(incident=changed, by=secretariat, reason="Say more.")
    # Sent again, it names another theme: only the latest version counts.
    rapid_review_send(
        incident=changed, by=leeds_lead, **rapid_review_values(practice_themes=["domestic_abuse", "whole_family"])
    )

    client = signed_in(panel_member)
    page = client.get(THEMES)
    counts = dict(zip(*[iter(_cells(page, "theme-counts"))] * 2, strict=True))
    assert counts["Vulnerability of babies"] == "1"
    assert counts["Domestic abuse across services"] == "1"
    assert counts["Whole-family approach to risk"] == "1"
    assert counts["Risks outside the family"] == "0"

    listed = client.get(THEMES, {"theme": "babies"}).content.decode()
    assert babies.reference in listed and changed.reference not in listed
    download = client.get(THEMES, {"theme": "domestic_abuse", "download": "csv"})
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert [row[0] for row in rows[1:]] == [changed.reference]
    assert rows[1][-1] == "Domestic abuse across services; Whole-family approach to risk"
    everything = client.get(THEMES, {"sort": "reference"}).content.decode()
    assert babies.reference in everything and changed.reference in everything


def test_the_national_review_decisions_are_listed_by_decision(put_forward, panel_member, secretariat, reviewed):
    client = signed_in(panel_member)
    assert reviewed.reference not in _cells(client.get(DECISIONS), "decision-counts")
    letter_issue(letter=letter_approve(letter=put_forward, by=panel_member), by=secretariat)

    page = client.get(DECISIONS)
    counts = dict(zip(*[iter(_cells(page, "decision-counts"))] * 2, strict=True))
    assert counts == {
        "Not needed": "1",
        "Under consideration": "0",
        "A national review of this case": "0",
        "Included in a thematic national review": "0",
    }
    assert reviewed.reference in client.get(DECISIONS, {"decision": "not_needed"}).content.decode()
    assert reviewed.reference not in client.get(DECISIONS, {"decision": "thematic"}).content.decode()
    rows = list(csv.reader(io.StringIO(client.get(DECISIONS, {"download": "csv"}).content.decode())))
    assert rows[1][:3] == [reviewed.reference, "Leeds", "Not needed"]


def _cells(response, table_id):
    """The text of each cell in the table with this id, in order."""
    import re

    html = response.content.decode()
    table = html[html.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    body = table[table.index("<tbody") :]
    return [re.sub(r"<[^>]+>|\(listed below\)", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", body)]


def _reviewed_cases(leeds, notifier, lead, count):
    """Cases with a rapid review naming a theme, and the Panel's decision on a national review recorded."""
    from reviews.services import rapid_review_panel_decision_record

    for _ in range(count):
        case = new_case(leeds, notifier)
        review = rapid_review_send(incident=case, by=lead, **rapid_review_values(practice_themes=["babies"]))
        rapid_review_panel_decision_record(
            incident=case,
            version=review.versions.get(),
            on=review.first_sent_on,
            panel_position="agree",
            national_review="under_consideration",
            quality_themes=[],
            by=lead,
        )


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (THEMES, {}),
        (THEMES, {"theme": "babies", "sort": "local_authority"}),
        (THEMES, {"theme": "babies", "download": "csv"}),
        (DECISIONS, {}),
        (DECISIONS, {"decision": "under_consideration", "download": "csv"}),
    ],
)
def test_the_members_case_lists_cost_the_same_queries_for_3_cases_as_for_25(
    leeds, leeds_notifier, leeds_lead, panel_member, url, params
):
    client = signed_in(panel_member)
    _reviewed_cases(leeds, leeds_notifier, leeds_lead, 3)
    few = _queries(client, url, params)
    _reviewed_cases(leeds, leeds_notifier, leeds_lead, 22)
    many = _queries(client, url, params)
    assert few == many, f"{url} {params}: {few} queries for 3 cases, {many} for 25"
