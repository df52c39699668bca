"""A document over the limit is refused while its request arrives: the rest of the body is never read.

Each request here is a real WSGI request whose body is a stream that counts what the service reads of
it and would go on giving bytes for as long as its Content-Length says.
"""

import re

import pytest
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client
from django.urls import reverse

from incidents.models import Incident
from incidents.uploads import request_max_bytes
from reviews.models import RapidReview, RapidReviewVersion
from tests.documents import real_pdf

pytestmark = pytest.mark.django_db

BOUNDARY = "csprp-size-test"
CHUNK = FileUploadHandler.chunk_size  # what Django reads of a multipart body at a time: 64 KB
TOO_LARGE = {"document": ["The file must be smaller than 25 MB."]}


class EndlessBody:
    """A wsgi.input that gives `head`, then filler bytes, up to `length`; it counts what was read."""

    def __init__(self, head, length):
        self.head = head
        self.length = length
        self.read_bytes = 0

    def _take(self, size):
        remaining = self.length - self.read_bytes
        size = remaining if size is None or size < 0 else min(size, remaining)
        start = self.read_bytes
        self.read_bytes += size
        head = self.head[start : start + size]
        return head + b"%" * (size - len(head))

    def read(self, size=-1):
        return self._take(size)

    def readline(self, size=-1):
        return self._take(size)


def field_part(name, value):
    return f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()


def file_part_head(name, content=b""):
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="review.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + content


def post_body(client, url, body):
    # Both clients set the content type only for a body they encode themselves: REST framework's from
    # `content_type`, Django's from the environ given.
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    environ = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(body.length), "wsgi.input": body}
    return client.generic("POST", url, content_type=content_type, **environ)


def review_fields():
    return b"".join(
        field_part(name, value)
        for name, value in {
            "completed_on": "2022-10-03",
            "reason_at_review": "serious_harm",
            "likely_cause": "non_fatal_assault_intrafamilial",
            "lcspr_decision": "not_required",
            "lcspr_rationale": "The learning is already being acted on.",
        }.items()
    )


def stored_files(folder):
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.fixture
def upload_temp_dir(settings, tmp_path):
    """Where Django writes the parts of a large upload it has read: checked empty after each refusal."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    return tmp_path / "uploads"


def test_it_refuses_a_request_declaring_twice_the_limit_having_read_one_chunk(
    client_for, leeds_lead, notified, media_root, upload_temp_dir, settings
):
    assert settings.DOCUMENT_MAX_BYTES == 25 * 1024 * 1024
    body = EndlessBody(file_part_head("document", real_pdf()), length=settings.DOCUMENT_MAX_BYTES * 2)

    response = post_body(client_for(leeds_lead), f"/api/v1/incidents/{notified.reference}/rapid-review/", body)

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == TOO_LARGE
    assert body.read_bytes <= CHUNK
    assert not RapidReview.objects.exists()
    assert stored_files(media_root) == [] and stored_files(upload_temp_dir) == []


def test_it_reads_the_fields_before_the_file_and_no_further(
    client_for, leeds_lead, notified, media_root, upload_temp_dir, settings
):
    fields = review_fields()
    body = EndlessBody(fields + file_part_head("document", real_pdf()), length=settings.DOCUMENT_MAX_BYTES * 2)

    response = post_body(client_for(leeds_lead), f"/api/v1/incidents/{notified.reference}/rapid-review/", body)

    assert response.status_code == 413
    assert response.json() == TOO_LARGE
    assert body.read_bytes <= len(fields) + CHUNK
    assert not RapidReview.objects.exists()


def test_a_case_is_not_opened_by_an_unnotified_rapid_review_over_the_limit(
    client_for, leeds_lead, leeds, media_root, upload_temp_dir, settings
):
    head = field_part("local_authority", "E08000035") + file_part_head("document", real_pdf())
    body = EndlessBody(head, length=settings.DOCUMENT_MAX_BYTES * 2)

    response = post_body(client_for(leeds_lead), "/api/v1/rapid-reviews/", body)

    assert response.status_code == 413
    assert response.json() == TOO_LARGE
    assert body.read_bytes <= CHUNK
    assert not Incident.objects.exists()
    assert stored_files(media_root) == [] and stored_files(upload_temp_dir) == []


def test_it_stops_at_the_limit_when_the_length_declared_leaves_room_for_the_file(
    client_for, leeds_lead, notified, media_root, upload_temp_dir, settings
):
    """A file that passes the limit inside a body whose Content-Length looked acceptable."""
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    length = request_max_bytes()  # the most a request may declare: the whole of it is one file
    body = EndlessBody(file_part_head("document", real_pdf()), length=length)

    response = post_body(client_for(leeds_lead), f"/api/v1/incidents/{notified.reference}/rapid-review/", body)

    assert response.status_code == 413
    assert response.json() == {"document": ["The file must be smaller than 1 MB."]}
    assert settings.DOCUMENT_MAX_BYTES < body.read_bytes <= settings.DOCUMENT_MAX_BYTES + 2 * CHUNK < length
    assert not RapidReview.objects.exists()
    assert stored_files(media_root) == [] and stored_files(upload_temp_dir) == []


def test_a_file_within_the_limit_is_read_in_full(client_for, leeds_lead, notified, london_time):
    """The handler refuses only what is over the limit: a document just under it is received."""
    document = real_pdf() + b"%" + b"0" * 500_000
    fields = review_fields()
    closing = f"\r\n--{BOUNDARY}--\r\n".encode()
    head = fields + file_part_head("document", document) + closing
    body = EndlessBody(head, length=len(head))

    with london_time("2022-10-03"):
        response = post_body(client_for(leeds_lead), f"/api/v1/incidents/{notified.reference}/rapid-review/", body)

    assert response.status_code == 201, response.content
    assert body.read_bytes == len(head)
    assert RapidReviewVersion.objects.get().document.size == len(document)


# The page -----------------------------------------------------------------------------------------------


def test_the_page_shows_the_refusal_on_the_file_field_having_read_one_chunk_past_the_csrf_token(
    leeds_lead, notified, media_root, upload_temp_dir, settings
):
    """A browser sends the form's CSRF token first; the body is read up to the file and no further, and
    the page (its CSRF check passed) shows the refusal on the file's field."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(leeds_lead)
    url = reverse("web:rapid-review-send", args=[notified.reference])
    form = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode()).group(1)
    head = field_part("csrfmiddlewaretoken", token) + file_part_head("document", real_pdf())
    body = EndlessBody(head, length=settings.DOCUMENT_MAX_BYTES * 2)

    response = post_body(client, url, body)

    assert response.status_code == 413
    html = response.content.decode()
    assert re.search(
        r'<p id="id_document-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span>'
        r"\s*The file must be smaller than 25 MB.\s*</p>",
        html,
    )
    assert 'href="#id_document"' in html
    assert body.read_bytes <= len(head) + CHUNK
    assert not RapidReview.objects.exists()
    assert stored_files(media_root) == [] and stored_files(upload_temp_dir) == []


def test_the_page_refuses_a_large_body_without_its_csrf_token(leeds_lead, notified, settings):
    """Refusing early never skips the CSRF check: a body without the token is refused for that (403)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(leeds_lead)
    url = reverse("web:rapid-review-send", args=[notified.reference])
    body = EndlessBody(file_part_head("document", real_pdf()), length=settings.DOCUMENT_MAX_BYTES * 2)

    response = post_body(client, url, body)

    assert response.status_code == 403
    assert body.read_bytes <= CHUNK
    assert not RapidReview.objects.exists()
