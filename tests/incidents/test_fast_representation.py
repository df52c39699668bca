"""The case and deadline representations built directly (deadlines.serializers.DirectRepresentation) show
exactly what DRF's generic, field-by-field representation shows: the same dicts, the same bytes."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from deadlines.serializers import CaseDeadlineSerializer, DeadlineSerializer, DirectRepresentation
from incidents.models import Incident
from incidents.selectors import case_deadline_list, incident_list
from incidents.serializers import IncidentDetailSerializer, IncidentSerializer, show_names
from incidents.services import incident_create, incident_key_offline, incident_submit, incident_withdraw
from reviews.services import rapid_review_send_unnotified

from ..conftest import case_values, rapid_review_values
from ..documents import real_pdf

D = datetime.date.fromisoformat
pytestmark = pytest.mark.django_db

NAMED_CHILDREN = [
    {
        "is_index": True,
        "first_name": "Ada",
        "last_name": "Smith",
        "date_of_birth": D("2019-03-02"),
        "sex": "female",
        "ethnicity": "white_british",
        "disability": "yes",
        "disability_type": "Hearing",
        "looked_after": "yes",
        "placement": "Foster care, out of area",
    },
    {"first_name": "Ben", "age_years": 0, "sex": "male"},
    {"age_years": 16, "lgbtq": "yes", "child_in_need": "current"},
]


@pytest.fixture
def varied_cases(
    draft, notified, lcspr, leeds, bradford, leeds_notifier, bradford_notifier, leeds_lead, secretariat, london_time
):
    """Drafts and notified cases, on time and late, online and offline, withdrawn and retrospective, with none to
    three children, named and not, home and placing authorities given and not, and deadlines open, met, met
    late and cancelled, of the notification, the rapid review and the local review."""
    with london_time("2023-09-20"):
        late = incident_create(
            by=leeds_notifier,
            notifying_la=leeds,
            **case_values(
                incident_date=D("2023-09-01"),
                la_aware_date=D("2023-09-04"),
                children=NAMED_CHILDREN,
                home_la=bradford,
                placing_la=leeds,
                case_outline="Injuries found at nursery.",
            ),
        )
        incident_submit(incident=late, by=leeds_notifier, late_reason="Staff absence.")
        withdrawn = incident_create(
            by=bradford_notifier,
            notifying_la=bradford,
            **case_values(
                incident_date=D("2023-09-15"),
                la_aware_date=D("2023-09-18"),
                children=NAMED_CHILDREN[:2],
                home_la=leeds,
            ),
        )
        incident_submit(incident=withdrawn, by=bradford_notifier)
        incident_withdraw(incident=withdrawn, by=bradford_notifier, reason="Does not meet the criteria.")
        incident_key_offline(
            by=secretariat,
            notifying_la=bradford,
            offline_method="email",
            offline_received_on=D("2023-09-19"),
            offline_document=SimpleUploadedFile("email.pdf", real_pdf()),
            **case_values(incident_date=D("2023-09-14"), la_aware_date=D("2023-09-15"), children=[]),
        )
        incident_key_offline(
            by=secretariat,
            notifying_la=leeds,
            offline_method="phone",
            offline_received_on=D("2023-09-20"),
            **case_values(incident_date=D("2023-09-18"), la_aware_date=D("2023-09-19"), reason="death"),
        )
        review = rapid_review_send_unnotified(
            by=leeds_lead,
            local_authority=leeds,
            incident_fields={"incident_date": D("2023-09-10"), "la_aware_date": D("2023-09-11"), "reason": "death"},
            children=[{"age_years": 2}],
            **rapid_review_values(completed_on=D("2023-09-19"), lcspr_decision="not_required"),
        )
        incident_submit(incident=review.incident, by=leeds_notifier, late_reason="Not known to be notifiable.")
    assert Incident.objects.filter(retrospective=True).exists()
    assert Incident.objects.exclude(offline_document="").exists()
    return Incident.objects.all()


@pytest.fixture
def generic(monkeypatch):
    """Every field shown the generic way, while the block runs."""

    class Generic:
        def __enter__(self):
            monkeypatch.setattr(DirectRepresentation, "direct", False)

        def __exit__(self, *exc):
            monkeypatch.setattr(DirectRepresentation, "direct", True)

    return Generic()


def both_ways(generic, show):
    fast = show()
    with generic:
        slow = show()
    return fast, slow


@pytest.mark.parametrize("reader", ["leeds_notifier", "secretariat", "panel_member", "leeds_lead"])
def test_it_shows_every_case_as_drf_would(varied_cases, generic, request, reader):
    user = request.getfixturevalue(reader)
    context = {"today": timezone.localdate(), "show_names": show_names(user), "timeline": []}
    cases = list(incident_list(user=user))
    assert cases

    for serializer in (IncidentSerializer, IncidentDetailSerializer):
        fast, slow = both_ways(generic, lambda shown=serializer: shown(cases, many=True, context=context).data)
        assert [list(case) for case in fast] == [list(case) for case in slow]  # the same keys, in order
        assert fast == slow


def test_the_cases_include_what_the_comparison_needs(varied_cases, secretariat):
    data = IncidentSerializer(
        list(incident_list(user=secretariat)), many=True, context={"today": timezone.localdate(), "show_names": True}
    ).data
    assert {len(case["children"]) for case in data} == {0, 1, 2, 3}
    assert {case["status"] for case in data} >= {"notified", "withdrawn"}
    assert {case["channel"] for case in data} == {"online", "offline"}
    assert {case["is_late"] for case in data} == {True, False}
    assert {case["is_retrospective"] for case in data} == {True, False}
    assert {case["has_offline_document"] for case in data} == {True, False}
    assert None in {case["home_local_authority"] for case in data}
    assert {"E08000032", "E08000035"} <= {case["home_local_authority"] for case in data}
    deadlines = [deadline for case in data for deadline in case["deadlines"]]
    assert {deadline["status"] for deadline in deadlines} >= {"open", "met", "cancelled"}
    assert {deadline["met_late"] for deadline in deadlines} == {True, False}
    assert len({deadline["kind"] for deadline in deadlines}) >= 4
    assert any(deadline["subject"] for deadline in deadlines)
    assert any(child["first_name"] for case in data for child in case["children"])


def test_it_shows_every_deadline_as_drf_would(varied_cases, generic, secretariat):
    context = {"today": timezone.localdate()}
    deadlines = list(case_deadline_list(user=secretariat).order_by("due_on", "kind", "pk"))
    for serializer in (DeadlineSerializer, CaseDeadlineSerializer):
        fast, slow = both_ways(generic, lambda shown=serializer: shown(deadlines, many=True, context=context).data)
        assert [list(deadline) for deadline in fast] == [list(deadline) for deadline in slow]
        assert fast == slow


@pytest.mark.parametrize("reader", ["leeds_notifier", "secretariat", "panel_member"])
@pytest.mark.parametrize("path", ["/api/v1/incidents/", "/api/v1/incidents/?overdue=true", "/api/v1/deadlines/"])
def test_the_lists_answer_the_same_bytes(varied_cases, generic, client_for, request, reader, path):
    client = client_for(request.getfixturevalue(reader))
    fast, slow = both_ways(generic, lambda: client.get(path))
    assert fast.status_code == slow.status_code == 200
    assert fast.json()["results"]
    assert fast.content == slow.content


def test_a_case_in_full_and_the_chasers_answer_the_same_bytes(varied_cases, generic, client_for, secretariat):
    client = client_for(secretariat)
    for case in varied_cases.exclude(status=Incident.Status.DRAFT):
        fast, slow = both_ways(generic, lambda reference=case.reference: client.get(f"/api/v1/incidents/{reference}/"))
        assert fast.status_code == slow.status_code == 200
        assert fast.content == slow.content
    fast, slow = both_ways(generic, lambda: client.get("/api/v1/chasers/"))
    assert fast.status_code == slow.status_code == 200
    assert fast.content == slow.content
