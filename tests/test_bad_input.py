"""Bad input gets a clear error and loses nothing: field-level 400s, never a 500, and JSON on the API.

Every text has a maximum, every list a bound and every date a plausible range; a case reference that
cannot be one is not found before any query; whatever Django itself refuses is answered in JSON too.
Run on PostgreSQL as well as SQLite: PostgreSQL refuses NUL in text and over-long values, SQLite does not.
"""

import datetime
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path

from csprp import urls as project_urls
from incidents.models import Child, Incident
from incidents.services import MAX_CHILDREN_PER_CASE
from letters.services import letter_ask_for_approval, letter_draft
from reviews.models import Lcspr, RapidReview, RapidReviewVersion, Recommendation

from .documents import real_pdf

D = datetime.date.fromisoformat
pytestmark = pytest.mark.django_db

NUL = "\x00"
TOO_DEEP = 1000


def nested_list(depth):
    return "[" * depth + "]" * depth


def nested_object(depth):
    return '{"a": ' * depth + "1" + "}" * depth


def case_body(**overrides):
    values = {
        "local_authority": "E08000035",
        "incident_date": "2022-09-10",
        "la_aware_date": "2022-09-12",
        "reason": "serious_harm",
        "children": [{"age_years": 4, "sex": "male"}],
    }
    return {**values, **overrides}


def review_body(**overrides):
    """A rapid review as the partnership sends it: multipart, its structured fields as JSON text."""
    values = {
        "document": SimpleUploadedFile("review.pdf", real_pdf()),
        "completed_on": "2022-09-30",
        "reason_at_review": "serious_harm",
        "likely_cause": "non_fatal_assault_intrafamilial",
        "lcspr_decision": "not_required",
        "lcspr_rationale": "The learning is already being acted on.",
        "practice_themes": '["whole_family"]',
    }
    return {**values, **overrides}


def unnotified_review_body(**overrides):
    values = {"local_authority": "E08000035", "incident_date": "2022-09-20", "children": '[{"age_years": 14}]'}
    return review_body(**{**values, **overrides})


def recommendation_body(**overrides):
    values = {
        "text": "Health visitors give safe sleep advice at every contact.",
        "owner_organisation": "Leeds Teaching Hospitals",
        "owner_role": "Named nurse",
        "due_on": "2024-06-30",
        "impact_evaluation": "An audit of records.",
    }
    return {**values, **overrides}


def assert_field_error(response, field, status_code=400):
    assert response.status_code == status_code, response.content
    assert response["Content-Type"] == "application/json"
    assert field in response.json(), response.json()


@pytest.fixture
def as_notifier(client_for, leeds_notifier):
    return client_for(leeds_notifier)


@pytest.fixture
def as_lead(client_for, leeds_lead):
    return client_for(leeds_lead)


@pytest.fixture
def as_secretariat(client_for, secretariat):
    return client_for(secretariat)


@pytest.fixture
def local_review(lcspr):
    """A Leeds case notified in August 2023 whose rapid review on 31 August decided on a local review."""
    return lcspr.incident


# Case references in URLs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/incidents/CSPR-2022%00-1/"),
        ("patch", "/api/v1/incidents/CSPR-2022%00-1/"),
        ("post", "/api/v1/incidents/CSPR-2022%00-1/submit/"),
        ("get", "/api/v1/incidents/CSPR-2022%00-1/offline-document/"),
        ("get", "/api/v1/incidents/CSPR-2022%00-1/rapid-review/"),
        ("post", "/api/v1/incidents/CSPR-2022%00-1/rapid-review/return/"),
        ("get", "/api/v1/incidents/CSPR-2022%00-1/rapid-review/versions/1/document/"),
        ("get", "/api/v1/incidents/CSPR-2022%00-1/lcspr/"),
        ("post", "/api/v1/incidents/CSPR-2022%00-1/lcspr/milestones/"),
        ("get", "/api/v1/incidents/CSPR-2022%00-1/lcspr/recommendations/"),
        ("get", f"/api/v1/incidents/CSPR-2022-{'1' * 200}/"),
    ],
)
def test_it_answers_404_for_a_reference_that_cannot_be_a_case(as_secretariat, notified, method, url):
    response = getattr(as_secretariat, method)(url, {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_it_still_finds_a_case_by_its_reference(as_lead, notified):
    assert as_lead.get(f"/api/v1/incidents/{notified.reference}/").status_code == 200
    assert as_lead.get(f"/api/v1/incidents/{notified.reference}/rapid-review/").status_code == 404  # none yet


# NUL characters ----------------------------------------------------------------------------------------


def test_it_refuses_a_nul_in_a_local_authority_code(as_secretariat, leeds):
    response = as_secretariat.post(
        "/api/v1/incidents/",
        case_body(local_authority=f"E0800{NUL}035", home_local_authority=f"{NUL}"),
        format="json",
    )
    assert_field_error(response, "local_authority")
    assert "home_local_authority" in response.json()
    assert not Incident.objects.exists()


def test_it_refuses_a_nul_in_a_local_authority_code_when_a_case_changes(as_notifier, draft):
    response = as_notifier.patch(
        f"/api/v1/incidents/{draft.reference}/", {"placing_local_authority": f"E08000035{NUL}"}, format="json"
    )
    assert_field_error(response, "placing_local_authority")
    assert Incident.objects.get(pk=draft.pk).placing_la is None


def test_it_refuses_a_nul_in_an_unnotified_reviews_local_authority(as_lead, leeds):
    response = as_lead.post(
        "/api/v1/rapid-reviews/", unnotified_review_body(local_authority=f"E08{NUL}"), format="multipart"
    )
    assert_field_error(response, "local_authority")
    assert not Incident.objects.exists()


def test_it_refuses_a_nul_in_text(as_notifier, as_lead, draft, local_review):
    response = as_notifier.patch(
        f"/api/v1/incidents/{draft.reference}/",
        {"case_outline": f"Found{NUL}", "children": [{"first_name": f"A{NUL}", "age_years": 3}]},
        format="json",
    )
    assert_field_error(response, "case_outline")
    assert "children" in response.json()
    response = as_lead.patch(f"/api/v1/incidents/{local_review.reference}/lcspr/", {"reviewer": NUL}, format="json")
    assert_field_error(response, "reviewer")


def test_it_refuses_a_nul_in_a_list_filter(as_secretariat, notified):
    response = as_secretariat.get("/api/v1/incidents/", {"local_authority": f"E08{NUL}"})
    assert_field_error(response, "local_authority")
    response = as_secretariat.get("/api/v1/deadlines/", {"incident": f"{notified.reference}{NUL}"})
    assert_field_error(response, "incident")


# Nesting -------------------------------------------------------------------------------------------------


def test_it_refuses_a_json_body_nested_1000_deep(as_notifier, leeds):
    for body in (nested_list(TOO_DEEP), f'{{"children": {nested_list(TOO_DEEP)}}}'):
        response = as_notifier.generic("POST", "/api/v1/incidents/", body, content_type="application/json")
        assert response.status_code == 400, response.content
        assert "nested" in response.json()["detail"]
    assert not Incident.objects.exists()


@pytest.mark.parametrize("field", ["index_child", "practice_themes"])
@pytest.mark.parametrize("nested", [nested_list, nested_object])
def test_it_refuses_a_multipart_field_nested_1000_deep(as_lead, notified, london_time, field, nested):
    with london_time("2022-10-03"):
        response = as_lead.post(
            f"/api/v1/incidents/{notified.reference}/rapid-review/",
            review_body(**{field: nested(TOO_DEEP)}),
            format="multipart",
        )
    assert_field_error(response, field)
    assert not RapidReview.objects.exists()


def test_it_refuses_children_nested_1000_deep_in_a_multipart_form(as_lead, as_secretariat, leeds, london_time):
    with london_time("2022-10-03"):
        response = as_lead.post(
            "/api/v1/rapid-reviews/", unnotified_review_body(children=nested_list(TOO_DEEP)), format="multipart"
        )
    assert_field_error(response, "children")
    response = as_secretariat.post(
        "/api/v1/incidents/",
        case_body(
            channel="offline", offline_method="post", offline_received_on="2022-09-14", children=nested_object(TOO_DEEP)
        ),
        format="multipart",
    )
    assert_field_error(response, "children")
    assert not Incident.objects.exists()


# Dates ---------------------------------------------------------------------------------------------------


def test_it_refuses_a_planned_publication_in_year_1(as_lead, local_review, london_time):
    with london_time("2023-09-04"):
        response = as_lead.patch(
            f"/api/v1/incidents/{local_review.reference}/lcspr/", {"planned_publication_on": "0001-01-01"}
        )
    assert_field_error(response, "planned_publication_on")
    assert Lcspr.objects.get(incident=local_review).planned_publication_on is None


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("patch", "lcspr/", {"planned_publication_on": "9999-12-31"}, "planned_publication_on"),
        ("patch", "lcspr/", {"decision_on": "1999-12-31"}, "decision_on"),
        ("post", "lcspr/pause/", {"reason": "inquest", "panel_told_on": "0001-01-01"}, "panel_told_on"),
        ("post", "lcspr/milestones/", {"happened_on": "0001-01-01", "description": "Panel met."}, "happened_on"),
        ("post", "lcspr/recommendations/", recommendation_body(due_on="9999-12-31"), "due_on"),
        ("post", "lcspr/recommendations/", recommendation_body(due_on="0001-01-01"), "due_on"),
        ("post", "lcspr/publish/", {"published_on": "0001-01-01", "url": "https://example.org/review"}, "published_on"),
    ],
)
def test_it_refuses_an_implausible_date_in_a_local_review(as_lead, local_review, london_time, method, url, body, field):
    with london_time("2023-09-04"):
        response = getattr(as_lead, method)(f"/api/v1/incidents/{local_review.reference}/{url}", body, format="json")
    assert_field_error(response, field)
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"incident_date": "1999-12-31", "la_aware_date": "2000-01-02"}, "incident_date"),
        ({"incident_date": "0001-01-01", "la_aware_date": "0001-01-02"}, "incident_date"),
        ({"children": [{"date_of_birth": "0001-01-01"}]}, "children"),
        ({"children": [{"date_of_birth": "1981-12-31"}]}, "children"),
    ],
)
def test_it_refuses_an_implausible_date_in_a_case(as_notifier, leeds, overrides, field):
    response = as_notifier.post("/api/v1/incidents/", case_body(**overrides), format="json")
    assert_field_error(response, field)
    assert not Incident.objects.exists()


def test_it_accepts_a_child_born_before_2000_for_an_incident_in_2000(as_notifier, leeds, london_time):
    with london_time("2000-03-01"):
        response = as_notifier.post(
            "/api/v1/incidents/",
            case_body(
                incident_date="2000-02-01",
                la_aware_date="2000-02-02",
                children=[{"date_of_birth": "1982-06-01", "age_years": 17}],
            ),
            format="json",
        )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"completed_on": "0001-01-01"}, "completed_on"), ({"lcspr_decision_on": "0001-01-01"}, "lcspr_decision_on")],
)
def test_it_refuses_an_implausible_date_in_a_rapid_review(as_lead, notified, london_time, overrides, field):
    with london_time("2022-10-03"):
        response = as_lead.post(
            f"/api/v1/incidents/{notified.reference}/rapid-review/", review_body(**overrides), format="multipart"
        )
    assert_field_error(response, field)
    assert not RapidReview.objects.exists()


# Lengths -------------------------------------------------------------------------------------------------


def test_it_refuses_a_reviewer_over_200_characters(as_lead, local_review):
    response = as_lead.patch(
        f"/api/v1/incidents/{local_review.reference}/lcspr/", {"reviewer": "R" * 201}, format="json"
    )
    assert_field_error(response, "reviewer")
    assert Lcspr.objects.get(incident=local_review).reviewer == ""


def test_it_refuses_a_publication_url_over_200_characters(as_lead, local_review, london_time):
    with london_time("2024-02-20"):
        response = as_lead.post(
            f"/api/v1/incidents/{local_review.reference}/lcspr/publish/",
            {"published_on": "2024-02-20", "url": f"https://example.org/{'r' * 200}"},
            format="json",
        )
    assert_field_error(response, "url")
    assert Lcspr.objects.get(incident=local_review).publication_url == ""


def test_it_refuses_free_text_over_10000_characters(as_notifier, as_lead, draft, local_review, notified, london_time):
    essay = "x" * 10_001
    response = as_notifier.patch(f"/api/v1/incidents/{draft.reference}/", {"case_outline": essay}, format="json")
    assert_field_error(response, "case_outline")
    response = as_lead.post(
        f"/api/v1/incidents/{local_review.reference}/lcspr/recommendations/",
        recommendation_body(text=essay, owner_role="R" * 201),
        format="json",
    )
    assert_field_error(response, "text")
    assert "owner_role" in response.json()
    with london_time("2022-10-03"):
        response = as_lead.post(
            f"/api/v1/incidents/{notified.reference}/rapid-review/", review_body(learning=essay), format="multipart"
        )
    assert_field_error(response, "learning")
    assert not Recommendation.objects.exists()


def _request_schemas(schema):
    """Every object schema a request body of the API refers to, however deep."""
    components = schema["components"]["schemas"]
    seen, pending = {}, []
    for operations in schema["paths"].values():
        for operation in operations.values():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                pending.append(content["schema"])
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            name = ref.rsplit("/", 1)[-1]
            if name and name not in seen:
                seen[name] = components[name]
                pending.append(components[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return seen


DOCUMENTS = {"document", "offline_document"}  # files: bounded by DOCUMENT_MAX_MB, not by a length


def test_every_text_and_list_in_a_request_has_a_maximum_the_schema_states(as_lead):
    schema = as_lead.get("/api/schema/", {"format": "json"}).json()
    unbounded = []
    for name, component in _request_schemas(schema).items():
        for field, spec in component.get("properties", {}).items():
            if spec.get("readOnly") or field in DOCUMENTS:
                continue
            text = spec.get("type") == "string" and "enum" not in spec and spec.get("format") != "date"
            if (text and "maxLength" not in spec) or (spec.get("type") == "array" and "maxItems" not in spec):
                unbounded.append(f"{name}.{field}")
    assert unbounded == []
    lcspr_update = schema["paths"]["/api/v1/incidents/{reference}/lcspr/"]["patch"]["requestBody"]["content"]
    component = lcspr_update["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][component]["properties"]["reviewer"]["maxLength"] == 200


# Lists ---------------------------------------------------------------------------------------------------


def test_it_refuses_more_children_than_a_case_may_have(as_notifier, leeds):
    children = [{"age_years": 3, "is_index": number == 0} for number in range(MAX_CHILDREN_PER_CASE + 1)]
    response = as_notifier.post("/api/v1/incidents/", case_body(children=children), format="json")
    assert_field_error(response, "children")
    assert not Child.objects.exists()


def test_it_refuses_20000_children_before_reading_them(as_notifier, leeds):
    children = [{"age_years": 3, "sex": "female", "ethnicity": "white_british"}] * 20_000
    with CaptureQueriesContext(connection) as queries:
        response = as_notifier.post("/api/v1/incidents/", case_body(children=children), format="json")
    assert_field_error(response, "children")
    # Refused on the count alone: no query per child, and nothing written.
    assert len(queries) < 10, [q["sql"] for q in queries]
    assert not Child.objects.exists()


def test_it_refuses_more_practice_themes_than_there_are(as_lead, notified, london_time):
    with london_time("2022-10-03"):
        response = as_lead.post(
            f"/api/v1/incidents/{notified.reference}/rapid-review/",
            review_body(practice_themes=json.dumps(["babies"] * 1000)),
            format="multipart",
        )
    assert_field_error(response, "practice_themes")
    assert not RapidReviewVersion.objects.exists()


# What Django refuses before the API sees it ---------------------------------------------------------


def test_it_answers_a_form_over_the_memory_limit_with_json_413(as_lead, notified, london_time, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5_000
    with london_time("2022-10-03"):
        response = as_lead.post(
            f"/api/v1/incidents/{notified.reference}/rapid-review/",
            review_body(learning="x" * 6_000),
            format="multipart",
        )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    assert not RapidReview.objects.exists()


def test_it_answers_a_json_body_over_the_memory_limit_with_json_413(as_notifier, leeds, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5_000
    response = as_notifier.post("/api/v1/incidents/", case_body(case_outline="x" * 6_000), format="json")
    assert response.status_code == 413
    assert "detail" in response.json()
    assert not Incident.objects.exists()


def test_it_answers_a_form_with_too_many_fields_with_json_400(as_lead, notified, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    extra = {f"field_{number}": "x" for number in range(20)}
    response = as_lead.post(
        f"/api/v1/incidents/{notified.reference}/rapid-review/", review_body(**extra), format="multipart"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_a_document_larger_than_the_memory_limit_still_uploads(as_lead, notified, london_time, settings):
    """Files are streamed to disk: only the other fields count towards DATA_UPLOAD_MAX_MEMORY_SIZE."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5_000
    document = SimpleUploadedFile("review.pdf", real_pdf() + b"%" + b"0" * 200_000)
    with london_time("2022-10-03"):
        response = as_lead.post(
            f"/api/v1/incidents/{notified.reference}/rapid-review/",
            review_body(document=document),
            format="multipart",
        )
    assert response.status_code == 201, response.content


def test_it_answers_an_unknown_api_path_with_json_404(as_lead, client):
    response = as_lead.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


def failing_view(exception):
    def view(request):
        raise exception

    return view


# The project's URLs with views outside REST framework that fail, as a bug or a refusal by Django would.
urlpatterns = [
    *project_urls.urlpatterns,
    path("api/v1/failing/bug/", failing_view(RuntimeError("A bug, not the client's fault."))),
    path("api/v1/failing/refused/", failing_view(PermissionDenied())),
    path("api/v1/failing/suspicious/", failing_view(SuspiciousOperation())),
    path("failing/bug/", failing_view(RuntimeError("A bug on a page."))),
]
handler400, handler403 = project_urls.handler400, project_urls.handler403
handler404, handler500 = project_urls.handler404, project_urls.handler500


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("url", "status_code", "detail"),
    [
        ("/api/v1/failing/bug/", 500, "Server error."),
        ("/api/v1/failing/refused/", 403, "You do not have permission to perform this action."),
        ("/api/v1/failing/suspicious/", 400, "Bad request."),
    ],
)
def test_it_answers_errors_outside_the_api_views_with_json(client, url, status_code, detail):
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == status_code
    assert response.json() == {"detail": detail}


@pytest.mark.urls(__name__)
def test_pages_keep_their_html_error_pages(client):
    client.raise_request_exception = False
    assert client.get("/failing/bug/")["Content-Type"].startswith("text/html")


# Uploads -------------------------------------------------------------------------------------------------


def test_an_upload_is_stored_and_served_as_the_type_its_content_shows(as_lead, notified, london_time):
    document = SimpleUploadedFile("x.html", real_pdf(), content_type="text/html")
    with london_time("2022-10-03"):
        response = as_lead.post(
            f"/api/v1/incidents/{notified.reference}/rapid-review/",
            review_body(document=document),
            format="multipart",
        )
    assert response.status_code == 201, response.content
    version = RapidReviewVersion.objects.get()
    assert (Path(version.document.name).suffix, version.document_type) == (".pdf", "application/pdf")

    download = as_lead.get(f"/api/v1/incidents/{notified.reference}/rapid-review/versions/1/document/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="{notified.reference}-rapid-review-v1.pdf"'


# Credentials ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [b"\xff\xfe\xfd", b"abc\x00def", "caf\u00e9".encode()], ids=["latin", "nul", "utf8"])
def test_it_refuses_a_malformed_token_with_a_401(api_client, leeds_notifier, token):
    response = api_client.get("/api/v1/incidents/", HTTP_AUTHORIZATION=b"Token " + token)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_it_refuses_text_given_as_a_number(as_notifier, notified):
    response = as_notifier.post(f"/api/v1/incidents/{notified.reference}/withdraw/", {"reason": 0}, format="json")
    assert_field_error(response, "reason")
    assert Incident.objects.get(pk=notified.pk).status == "notified"


# The order of the checks --------------------------------------------------------------------------------
# Outside scope 404, role 403, state 409, input 400: someone outside the case, or in a role that may not act,
# is told so whatever they send, so what a body says never changes the answer they get.

NOT_A_DATE = "the day after tomorrow"


@pytest.mark.parametrize(
    ("person", "method", "path", "body", "expected"),
    [
        ("leeds_lead", "post", "withdraw/", {"reason": ""}, 403),
        ("bradford_notifier", "post", "withdraw/", {"reason": ""}, 404),
        ("leeds_lead", "patch", "", {"incident_date": NOT_A_DATE}, 403),
        ("leeds_lead", "post", "rapid-review/return/", {"reason": "", "resubmit_by": NOT_A_DATE}, 403),
        ("bradford_lead", "post", "rapid-review/return/", {"reason": "", "resubmit_by": NOT_A_DATE}, 404),
        ("secretariat", "post", "rapid-review/not-needed/", {"reasons": ["not", "text"]}, 403),
        ("bradford_lead", "post", "rapid-review/not-needed/", {"reasons": ["not", "text"]}, 404),
        ("leeds_lead", "post", "rapid-review/not-needed/decline/", {"view": ""}, 403),
        ("leeds_lead", "post", "rapid-review/not-needed/accept/", {"view": ["not", "text"]}, 403),
    ],
)
def test_it_checks_scope_and_role_before_a_cases_input(
    request, client_for, notified, person, method, path, body, expected
):
    response = getattr(client_for(request.getfixturevalue(person)), method)(
        f"/api/v1/incidents/{notified.reference}/{path}", body, format="json"
    )
    assert response.status_code == expected, response.content
    assert set(response.json()) == {"detail"}  # a refusal, not a field's error


@pytest.mark.parametrize(
    ("person", "method", "path", "body", "expected"),
    [
        ("panel_member", "post", "pause/", {"reason": "holiday", "panel_told_on": NOT_A_DATE}, 403),
        ("leeds_notifier", "post", "milestones/", {"happened_on": NOT_A_DATE}, 403),
        ("bradford_lead", "post", "milestones/", {"happened_on": NOT_A_DATE}, 404),
        ("panel_member", "post", "recommendations/", {"text": ""}, 403),
        ("leeds_notifier", "patch", "", {"decision_on": NOT_A_DATE}, 403),
        # A Panel member gives the Panel's view, and changes nothing else of the partnership's review.
        ("panel_member", "patch", "", {"reviewer": "x" * 1000}, 403),
        ("bradford_lead", "patch", "", {"panel_view": ["not", "text"]}, 404),
    ],
)
def test_it_checks_scope_and_role_before_a_local_reviews_input(
    request, client_for, local_review, person, method, path, body, expected
):
    response = getattr(client_for(request.getfixturevalue(person)), method)(
        f"/api/v1/incidents/{local_review.reference}/lcspr/{path}", body, format="json"
    )
    assert response.status_code == expected, response.content
    assert set(response.json()) == {"detail"}
    assert not Lcspr.objects.get(incident=local_review).milestones.exists()


def test_it_checks_the_role_before_reading_a_new_case_or_letter(client_for, leeds_lead, panel_member, leeds_notifier):
    assert client_for(leeds_lead).post("/api/v1/incidents/", {}, format="json").status_code == 403
    assert client_for(panel_member).post("/api/v1/incidents/", {"children": "x"}, format="json").status_code == 403
    assert client_for(leeds_notifier).post("/api/v1/letters/", {"kind": 7}, format="json").status_code == 403
    assert Incident.objects.count() == 0


def test_it_still_reads_the_input_of_those_who_may_act(client_for, leeds_notifier, secretariat, notified):
    assert_field_error(
        client_for(leeds_notifier).post("/api/v1/incidents/", {"incident_date": NOT_A_DATE}), "incident_date"
    )
    withdrawn = client_for(secretariat).post(f"/api/v1/incidents/{notified.reference}/withdraw/", {}, format="json")
    assert_field_error(withdrawn, "reason")
    assert client_for(secretariat).post("/api/v1/letters/", {}, format="json").status_code == 400


def test_it_checks_scope_role_and_four_eyes_before_a_letters_input(
    client_for, notified, secretariat, panel_member, leeds_lead
):
    letter = letter_ask_for_approval(
        letter=letter_draft(incident=notified, by=secretariat, kind="general"), by=secretariat
    )
    url = f"/api/v1/letters/{letter.pk}/"
    changed = client_for(panel_member).patch(url, {"subject": "", "body_markdown": NUL}, format="json")
    assert changed.status_code == 403, changed.content
    # Its writer is told why, whatever the comment says; a draft does not exist for the partnership.
    sent_back = client_for(secretariat).post(f"{url}send-back/", {"comment": ""}, format="json")
    assert sent_back.status_code == 403
    assert "You wrote this letter" in sent_back.json()["detail"]
    assert client_for(leeds_lead).post(f"{url}send-back/", {"comment": ""}, format="json").status_code == 404
    assert client_for(panel_member).post(f"{url}discard/", {}, format="json").status_code == 403
    assert_field_error(client_for(panel_member).post(f"{url}send-back/", {"comment": ""}, format="json"), "comment")


MULTIPART = "multipart/form-data; boundary=b0undary"


def test_a_multipart_body_with_no_named_part_is_a_400(client_for, leeds_notifier):
    """Django's parser skips a part without a name; the whole body would otherwise read as an empty form."""
    client = client_for(leeds_notifier)
    response = client.generic("PATCH", "/api/v1/me/", b"--b0undary\r\n[]--b0undary--\r\n", content_type=MULTIPART)
    assert response.status_code == 400
    assert response.json() == {"detail": "The multipart body has no named part."}


def test_an_empty_multipart_form_is_read_as_no_fields(client_for, leeds_notifier):
    response = client_for(leeds_notifier).generic("PATCH", "/api/v1/me/", b"--b0undary--\r\n", content_type=MULTIPART)
    assert response.status_code == 200
    assert response.json()["email"] == "notifier@leeds.example.org"


def test_true_or_false_given_as_a_number_is_a_400(client_for, leeds_notifier):
    client = client_for(leeds_notifier)
    for number in (0, 1, 0.0):
        response = client.patch("/api/v1/me/", {"wants_case_messages": number}, format="json")
        assert response.status_code == 400, number
        assert response.json() == {"wants_case_messages": ["Give this as true or false."]}
    assert client.patch("/api/v1/me/", {"wants_case_messages": True}, format="json").json()["wants_case_messages"]
