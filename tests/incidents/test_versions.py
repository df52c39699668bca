"""Optimistic version checks on the API: a case, a local review and a letter each carry a version (and an
ETag); a change sent with a version that is no longer current is refused with 409 and changes nothing.

Two people at the same instant, on PostgreSQL with threads, are in test_concurrency.py; the pages in
tests/web/test_changed_since.py.
"""

import pytest

from incidents.models import Incident
from incidents.services import incident_update
from letters.models import Letter
from letters.services import letter_draft
from reviews.models import Lcspr

pytestmark = pytest.mark.django_db


def case_url(incident):
    return f"/api/v1/incidents/{incident.reference}/"


def stored(incident):
    record = Incident.objects.get(pk=incident.pk)
    return record.version, record.case_outline, record.reason


# The case ----------------------------------------------------------------------------------------------


def test_it_shows_a_case_with_its_version_and_etag(draft, client_for, leeds_notifier):
    response = client_for(leeds_notifier).get(case_url(draft))
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert response["ETag"] == '"1"'


def test_it_moves_the_version_on_with_each_change_and_says_so(draft, client_for, leeds_notifier, london_time):
    client = client_for(leeds_notifier)
    with london_time("2022-09-13"):
        response = client.patch(case_url(draft), {"case_outline": "A fall at home.", "version": 1}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert response["ETag"] == '"2"'
    assert stored(draft) == (2, "A fall at home.", "serious_harm")


def test_it_refuses_a_change_from_a_version_no_longer_current(draft, client_for, leeds_notifier, london_time):
    client = client_for(leeds_notifier)
    with london_time("2022-09-13"):
        first = client.patch(case_url(draft), {"case_outline": "A fall.", "version": 1}, format="json")
        stale = client.patch(case_url(draft), {"reason": "death", "version": 1}, format="json")

    assert first.status_code == 200
    assert stale.status_code == 409
    body = stale.json()
    assert body["version"] == 2
    assert body["detail"].startswith("This case was changed by someone else since you opened it.")
    assert stored(draft) == (2, "A fall.", "serious_harm")  # the stale change made nothing
    assert Incident.objects.get(pk=draft.pk).timeline.filter(kind="reason_changed").count() == 0


def test_it_takes_the_version_from_if_match(draft, client_for, leeds_notifier, london_time):
    client = client_for(leeds_notifier)
    with london_time("2022-09-13"):
        etag = client.get(case_url(draft))["ETag"]
        changed = client.patch(case_url(draft), {"case_outline": "A fall."}, format="json", HTTP_IF_MATCH=etag)
        stale = client.patch(case_url(draft), {"case_outline": "Other."}, format="json", HTTP_IF_MATCH=etag)
        weak = client.patch(
            case_url(draft), {"case_outline": "Weak."}, format="json", HTTP_IF_MATCH=f"W/{changed['ETag']}"
        )

    assert changed.status_code == 200
    assert stale.status_code == 409
    assert stale.json()["version"] == 2
    assert weak.status_code == 200
    assert stored(draft) == (3, "Weak.", "serious_harm")


def test_it_still_takes_a_change_without_a_version(draft, client_for, leeds_notifier, london_time):
    """Clients written before versions send neither If-Match nor `version`: their change is made as before."""
    client = client_for(leeds_notifier)
    with london_time("2022-09-13"):
        incident_update(incident=draft, by=leeds_notifier, case_outline="Someone else's words.")
        response = client.patch(case_url(draft), {"case_outline": "Mine."}, format="json")
        anything = client.patch(case_url(draft), {"case_outline": "Any."}, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 200
    assert anything.status_code == 200
    assert stored(draft) == (4, "Any.", "serious_harm")


@pytest.mark.parametrize("header", ["3", '"three"', '"1", "2"', '"99999999999"', '"²"', ""])
def test_it_refuses_an_if_match_that_is_not_an_etag_it_gave(header, draft, client_for, leeds_notifier):
    response = client_for(leeds_notifier).patch(
        case_url(draft), {"case_outline": "x"}, format="json", HTTP_IF_MATCH=header
    )
    assert response.status_code == 400
    assert "If-Match" in response.json()
    assert stored(draft)[0] == 1


def test_it_refuses_a_version_and_an_if_match_that_differ(draft, client_for, leeds_notifier):
    response = client_for(leeds_notifier).patch(
        case_url(draft), {"case_outline": "x", "version": 1}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert response.status_code == 400
    assert "version" in response.json()


@pytest.mark.parametrize("version", [0, -1, "one", 2**31, None])
def test_it_refuses_a_version_that_is_not_one(version, draft, client_for, leeds_notifier):
    response = client_for(leeds_notifier).patch(
        case_url(draft), {"case_outline": "x", "version": version}, format="json"
    )
    assert response.status_code == 400
    assert "version" in response.json()


def test_a_new_case_takes_no_version(client_for, leeds_notifier, london_time):
    with london_time("2022-09-13"):
        response = client_for(leeds_notifier).post(
            "/api/v1/incidents/",
            {"incident_date": "2022-09-10", "la_aware_date": "2022-09-12", "reason": "serious_harm", "version": 5},
            format="json",
        )
    assert response.status_code == 400
    assert "version" in response.json()


def test_a_transition_moves_the_version_on_so_an_edit_opened_before_it_is_stale(
    draft, client_for, leeds_notifier, secretariat, london_time
):
    client = client_for(leeds_notifier)
    with london_time("2022-09-14"):
        submitted = client.post(f"{case_url(draft)}submit/", {}, format="json")
        assert submitted.json()["version"] == 2
        stale = client.patch(case_url(draft), {"case_outline": "Opened before."}, format="json", HTTP_IF_MATCH='"1"')
        withdrawn = client_for(secretariat).post(f"{case_url(draft)}withdraw/", {"reason": "Not met."}, format="json")

    assert stale.status_code == 409
    assert withdrawn.json()["version"] == 3
    assert withdrawn["ETag"] == '"3"'


def test_a_change_that_changes_nothing_keeps_the_version(draft, client_for, leeds_notifier, london_time):
    with london_time("2022-09-13"):
        response = client_for(leeds_notifier).patch(
            case_url(draft), {"reason": "serious_harm", "version": 1}, format="json"
        )
    assert response.json()["version"] == 1


def test_a_change_to_the_children_alone_moves_the_case_on(draft, client_for, leeds_notifier, london_time):
    child = draft.children.get()
    with london_time("2022-09-13"):
        response = client_for(leeds_notifier).patch(
            case_url(draft), {"children": [{"id": child.pk, "age_years": 4}], "version": 1}, format="json"
        )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2


def test_a_rapid_review_that_changes_the_reason_moves_the_case_on(notified, leeds_lead, london_time):
    from reviews.services import rapid_review_send

    from ..conftest import rapid_review_values

    with london_time("2022-10-03"):
        rapid_review_send(
            incident=notified, by=leeds_lead, **rapid_review_values(reason_at_review="death", likely_cause="sudi_sudc")
        )
    assert stored(notified) == (3, "", "death")  # drafted 1, submitted 2, reason changed at rapid review 3


# The local review -------------------------------------------------------------------------------------


def test_the_local_review_has_a_version_checked_on_change(lcspr, august_case, client_for, leeds_lead, london_time):
    client = client_for(leeds_lead)
    address = f"{case_url(august_case)}lcspr/"
    shown = client.get(address)
    assert shown.json()["version"] == 1
    assert shown["ETag"] == '"1"'
    with london_time("2023-09-04"):
        changed = client.patch(address, {"reviewer": "A. Reviewer"}, format="json", HTTP_IF_MATCH='"1"')
        stale = client.patch(address, {"reviewer": "B. Reviewer", "version": 1}, format="json")
        paused = client.post(
            f"{address}pause/", {"reason": "criminal_proceedings", "panel_told_on": "2023-09-04"}, format="json"
        )
        after_pause = client.patch(address, {"reviewer": "C. Reviewer"}, format="json", HTTP_IF_MATCH='"2"')

    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == 2
    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("This local review was changed by someone else")
    assert stale.json()["version"] == 2
    assert paused.json()["version"] == 3  # a step in the review moves it on too
    assert after_pause.status_code == 409
    assert Lcspr.objects.get(pk=lcspr.pk).reviewer == "A. Reviewer"


# Letters ------------------------------------------------------------------------------------------------


@pytest.fixture
def letter(notified, secretariat, london_time):
    with london_time("2022-09-20"):
        return letter_draft(incident=notified, by=secretariat, kind=Letter.Kind.GENERAL)


def test_a_letter_has_a_version_checked_on_change(letter, client_for, secretariat, london_time):
    client = client_for(secretariat)
    address = f"/api/v1/letters/{letter.pk}/"
    shown = client.get(address)
    assert (shown.json()["version"], shown["ETag"]) == (1, '"1"')
    with london_time("2022-09-20"):
        changed = client.patch(address, {"subject": "Our reply"}, format="json", HTTP_IF_MATCH='"1"')
        stale = client.patch(address, {"subject": "Another reply", "version": 1}, format="json")

    assert changed.status_code == 200
    assert (changed.json()["version"], changed["ETag"]) == (2, '"2"')
    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("This letter was changed by someone else")
    assert Letter.objects.get(pk=letter.pk).subject == "Our reply"


def test_nobody_approves_a_letter_changed_since_they_read_it(
    letter, client_for, secretariat, panel_member, london_time
):
    writer, member = client_for(secretariat), client_for(panel_member)
    address = f"/api/v1/letters/{letter.pk}/"
    with london_time("2022-09-20"):
        writer.post(f"{address}ask-for-approval/", format="json")
        read = member.get(address)["ETag"]
        # The writer changes the text (back to draft) and puts it forward again while the member reads.
        writer.patch(address, {"body_markdown": "Different words."}, format="json")
        writer.post(f"{address}ask-for-approval/", format="json")
        refused = member.post(f"{address}approve/", format="json", HTTP_IF_MATCH=read)
        approved = member.post(f"{address}approve/", format="json", HTTP_IF_MATCH=member.get(address)["ETag"])

    assert refused.status_code == 409, refused.content
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
