"""Every way a case ends leaves no open deadline it can no longer meet; a returned rapid review is due again."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from deadlines.models import Deadline
from incidents.services import incident_withdraw
from reviews.services import (
    lcspr_final_report,
    lcspr_not_published,
    lcspr_publish,
    rapid_review_not_needed,
    rapid_review_not_needed_accept,
    rapid_review_return,
    rapid_review_send,
    recommendation_add,
    recommendation_update,
    review_deadlines_refresh,
)

from ..conftest import rapid_review_values, recommendation_values
from ..documents import real_pdf

D = datetime.date.fromisoformat
pytestmark = pytest.mark.django_db


def open_kinds(incident):
    return sorted(Deadline.objects.filter(incident=incident, status="open").values_list("kind", flat=True))


@pytest.fixture
def under_review(notified, leeds_lead, london_time):
    """Notified on 14 September 2022; its rapid review on 3 October starts a local review with one recommendation."""
    with london_time("2022-10-03"):
        rapid_review_send(incident=notified, by=leeds_lead, **rapid_review_values())
        recommendation = recommendation_add(
            incident=notified, by=leeds_lead, **recommendation_values(due_on=D("2023-06-30"))
        )
    return notified, recommendation


def test_it_leaves_nothing_open_when_a_case_is_withdrawn(under_review, secretariat, london_time):
    incident, _ = under_review
    with london_time("2022-10-10"):
        incident_withdraw(incident=incident, by=secretariat, reason="Criteria not met after all.")
    assert open_kinds(incident) == []
    # A later recomputation brings none of them back.
    review_deadlines_refresh(incident=incident)
    assert open_kinds(incident) == []


def test_it_leaves_nothing_open_when_the_panel_accepts_no_rapid_review_is_needed(
    notified, leeds_lead, panel_member, london_time
):
    with london_time("2022-09-20"):
        rapid_review_not_needed(incident=notified, by=leeds_lead, reasons="Accidental injury, confirmed by police.")
        rapid_review_not_needed_accept(incident=notified, by=panel_member)
    assert open_kinds(notified) == []
    assert Deadline.objects.get(incident=notified, kind="rapid_review").status == "cancelled"


def test_it_leaves_only_what_can_still_be_met_when_the_review_is_published(under_review, leeds_lead, london_time):
    incident, _ = under_review
    with london_time("2023-02-01"):
        lcspr_final_report(
            incident=incident,
            by=leeds_lead,
            document=SimpleUploadedFile("final.pdf", real_pdf("Final report")),
            planned_publication_on=D("2023-03-01"),
        )
    with london_time("2023-03-01"):
        lcspr_publish(incident=incident, by=leeds_lead, published_on=D("2023-03-01"), url="https://example.org/r")
    # The Panel may still answer the rapid review; the recommendation is still being carried out.
    assert open_kinds(incident) == ["panel_response", "recommendation"]
    assert Deadline.objects.get(incident=incident, kind="lcspr_publication").status == "met"
    assert Deadline.objects.get(incident=incident, kind="final_report").status == "met"


def test_it_cancels_the_final_report_when_the_review_ends_unpublished(under_review, leeds_lead, london_time):
    incident, _ = under_review
    with london_time("2023-01-10"):
        from reviews.services import lcspr_update

        lcspr_update(incident=incident, by=leeds_lead, planned_publication_on=D("2023-03-01"))
    assert Deadline.objects.get(incident=incident, kind="final_report").status == "open"
    with london_time("2023-02-01"):
        lcspr_not_published(incident=incident, by=leeds_lead, reasons="Publication would identify the siblings.")
    assert open_kinds(incident) == ["panel_response", "recommendation"]
    for kind in ("final_report", "lcspr_publication"):
        assert Deadline.objects.get(incident=incident, kind=kind).status == "cancelled", kind


@pytest.mark.parametrize(("status", "outcome"), [("completed", "met"), ("not_completed", "cancelled")])
def test_it_closes_a_recommendations_deadline_when_it_is_done(under_review, leeds_lead, london_time, status, outcome):
    incident, recommendation = under_review
    with london_time("2023-05-02"):
        recommendation_update(
            incident=incident,
            by=leeds_lead,
            recommendation=recommendation,
            status=status,
            completion_evidence="Plans shared in every case audited.",
        )
    due = Deadline.objects.get(incident=incident, kind="recommendation")
    assert due.status == outcome
    assert "recommendation" not in open_kinds(incident)


# A returned rapid review --------------------------------------------------------------------------


def test_it_expects_a_returned_review_within_10_working_days(notified, leeds_lead, secretariat, london_time):
    with london_time("2022-10-03"):
        rapid_review_send(incident=notified, by=leeds_lead, **rapid_review_values(lcspr_decision="not_required"))
    with london_time("2022-10-07"):
        rapid_review_return(incident=notified, by=secretariat, reason="Add the health chronology.")
    due = Deadline.objects.get(incident=notified, kind="rapid_review_resubmission")
    assert (due.starts_on, due.due_on, due.status, due.subject) == (
        D("2022-10-07"),
        D("2022-10-21"),
        "open",
        "rapid review version 1",
    )
    assert due.responsible == notified.notifying_la.partnership
    with london_time("2022-10-20"):
        rapid_review_send(incident=notified, by=leeds_lead, **rapid_review_values(lcspr_decision="not_required"))
    due.refresh_from_db()
    assert (due.status, due.met_on, due.met_late) == ("met", D("2022-10-20"), False)


def test_it_takes_the_date_the_panel_gives_for_a_returned_review(notified, leeds_lead, secretariat, london_time):
    with london_time("2022-10-03"):
        rapid_review_send(incident=notified, by=leeds_lead, **rapid_review_values(lcspr_decision="not_required"))
    with london_time("2022-10-07"):
        rapid_review_return(
            incident=notified, by=secretariat, reason="Add the health chronology.", resubmit_by=D("2022-11-04")
        )
    due = Deadline.objects.get(incident=notified, kind="rapid_review_resubmission")
    assert due.due_on == D("2022-11-04")
    assert not due.is_overdue(today=D("2022-11-04"))
    assert due.is_overdue(today=D("2022-11-07"))


def test_it_refuses_a_resubmission_date_in_the_past(notified, leeds_lead, secretariat, london_time):
    from django.core.exceptions import ValidationError

    with london_time("2022-10-03"):
        rapid_review_send(incident=notified, by=leeds_lead, **rapid_review_values(lcspr_decision="not_required"))
        with pytest.raises(ValidationError) as error:
            rapid_review_return(incident=notified, by=secretariat, reason="More.", resubmit_by=D("2022-10-01"))
    assert "resubmit_by" in error.value.message_dict
    assert not Deadline.objects.filter(incident=notified, kind="rapid_review_resubmission").exists()


def test_it_leaves_no_document_on_disk_when_the_index_child_is_refused(notified, leeds_lead, london_time):
    from django.core.exceptions import ValidationError

    from reviews.models import RapidReview

    with london_time("2022-10-03"), pytest.raises(ValidationError) as error:
        # Aged 9 but born in 2020: the index child's details do not agree, so the review is refused.
        rapid_review_send(
            incident=notified,
            by=leeds_lead,
            index_child={"age_years": 9, "date_of_birth": D("2020-01-01")},
            **rapid_review_values(),
        )
    assert "children" in error.value.message_dict
    assert not RapidReview.objects.filter(incident=notified).exists()
    assert [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()] == []
