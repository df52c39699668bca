"""The API schema tells the truth: it validates, documents each error the service gives, marks what may be
null, and types uploads and downloads as what they are."""

import re

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation


def test_it_documents_the_errors_of_every_operation(schema):
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        assert {"400", "401", "403", "404"} <= codes, (method, path, codes)
        if method in ("POST", "PATCH") and "{" in path:
            assert "409" in codes, (method, path)


def test_uploads_are_binary_and_only_multipart(schema):
    for path in ("/api/v1/incidents/{reference}/rapid-review/", "/api/v1/rapid-reviews/"):
        body = schema["paths"][path]["post"]["requestBody"]["content"]
        assert list(body) == ["multipart/form-data"], path
        component = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
        document = schema["components"]["schemas"][component]["properties"]["document"]
        assert document["format"] == "binary"


def test_downloads_state_their_content_types(schema):
    path = "/api/v1/incidents/{reference}/rapid-review/versions/{number}/document/"
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in content
    assert "application/vnd.openxmlformats-officedocument.wordprocessingml.document" in content


def test_fields_that_can_be_null_say_so(schema):
    case = schema["components"]["schemas"]["CaseFile"]["properties"]
    for name in ("home_local_authority", "placing_local_authority", "notification_due", "la_aware_date", "lcspr"):
        assert case[name].get("nullable") is True, name


def test_request_bodies_refuse_fields_they_do_not_know(schema):
    request = schema["components"]["schemas"]["WithdrawRequest"]
    assert request["additionalProperties"] is False
    assert request["required"] == ["reason"]


def test_fields_shown_only_to_the_panel_are_not_required(schema):
    letter = schema["components"]["schemas"]["Letter"]
    assert {"sent_back_comment", "sent_back_by", "sent_back_at"}.isdisjoint(letter["required"])
    assert {"id", "incident", "subject"} <= set(letter["required"])


def test_dates_in_requests_are_whole_dates_in_plausible_years(schema):
    incident = schema["components"]["schemas"]["IncidentCreateRequest"]["properties"]["incident_date"]
    date = re.compile(incident["pattern"])
    assert date.match("2022-09-10")
    for not_a_date in ("2022-09-10T00:00", "2022-13-01", "2022-09-32", "1899-09-10", "2022-9-10"):
        assert not date.match(not_a_date), not_a_date


def test_a_preview_refused_for_an_issued_letter_is_documented(schema):
    responses = schema["paths"]["/api/v1/letters/{id}/preview/"]["get"]["responses"]
    assert "application/pdf" in responses["200"]["content"]
    assert responses["409"]["content"]["application/json"]["schema"]["required"] == ["detail"]


def test_every_operation_documents_the_rate_limit(schema):
    for path, method, operation in operations(schema):
        too_many = operation["responses"]["429"]
        assert too_many["content"]["application/json"]["schema"]["required"] == ["detail"], (method, path)
        assert "Retry-After" in too_many["headers"], (method, path)
