"""Every upload is scanned by a real clamd before it is stored: a clean PDF is kept, one carrying the
EICAR test string is refused, and nothing is stored unscanned when clamd cannot answer."""

import html
import json
import re
import socket
import threading

import pytest
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from incidents.models import Incident
from incidents.workflow import NOT_SCANNED, VIRUS_FOUND
from reviews.models import RapidReview, RapidReviewVersion
from tests.clamd import EICAR, clamd_running
from tests.documents import real_pdf
from tests.web.test_rapid_review_pages import answers, field_error

pytestmark = pytest.mark.django_db


def infected_pdf():
    """A real PDF (its type passes the check) with the EICAR string in a comment after its end."""
    return real_pdf() + b"%" + EICAR + b"\n"


def review_body(document, **overrides):
    values = {
        "document": SimpleUploadedFile("review.pdf", document),
        "completed_on": "2022-10-03",
        "reason_at_review": "serious_harm",
        "likely_cause": "non_fatal_assault_intrafamilial",
        "lcspr_decision": "not_required",
        "lcspr_rationale": "The learning is already being acted on.",
    }
    return {**values, **overrides}


def send_review(client, case, document, london_time):
    with london_time("2022-10-03"):
        return client.post(
            f"/api/v1/incidents/{case.reference}/rapid-review/", review_body(document), format="multipart"
        )


def stored_files(folder):
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.fixture
def scanned_by(settings):
    """Scan uploads with the given clamd URL."""

    def use(url, timeout=10.0):
        settings.CLAMAV_URL = url
        settings.CLAMAV_TIMEOUT_SECONDS = timeout

    return use


def test_a_clean_pdf_is_scanned_and_stored(client_for, leeds_lead, notified, london_time, clamd, scanned_by):
    scanned_by(clamd.tcp_url)
    scans_before = len(clamd.scans_logged())

    response = send_review(client_for(leeds_lead), notified, real_pdf(), london_time)

    assert response.status_code == 201, response.content
    version = RapidReviewVersion.objects.get()
    assert version.document.read() == real_pdf()
    assert clamd.scans_logged()[scans_before:] == [clamd.scans_logged()[-1]]
    assert clamd.scans_logged()[-1].endswith("): OK")


def test_a_pdf_carrying_a_virus_is_refused_and_nothing_is_stored(
    client_for, leeds_lead, notified, london_time, media_root, clamd, scanned_by
):
    scanned_by(clamd.tcp_url)

    response = send_review(client_for(leeds_lead), notified, infected_pdf(), london_time)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"document": [VIRUS_FOUND]}
    assert clamd.scans_logged()[-1].endswith("Csprp.Test.EICAR.UNOFFICIAL FOUND")
    assert not RapidReview.objects.exists()
    assert stored_files(media_root) == []


def test_clamd_is_reached_through_its_unix_socket_too(
    client_for, leeds_lead, notified, london_time, media_root, clamd, scanned_by
):
    scanned_by(clamd.unix_url)

    response = send_review(client_for(leeds_lead), notified, infected_pdf(), london_time)

    assert response.status_code == 400
    assert response.json() == {"document": [VIRUS_FOUND]}
    assert stored_files(media_root) == []


def test_an_unnotified_rapid_review_carrying_a_virus_opens_no_case(
    client_for, leeds_lead, leeds, london_time, media_root, clamd, scanned_by
):
    scanned_by(clamd.tcp_url)
    body = review_body(infected_pdf(), local_authority="E08000035", incident_date="2022-09-20")
    body["children"] = json.dumps([{"age_years": 14}])

    with london_time("2022-10-03"):
        response = client_for(leeds_lead).post("/api/v1/rapid-reviews/", body, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"document": [VIRUS_FOUND]}
    assert not Incident.objects.exists()
    assert stored_files(media_root) == []


def test_the_page_shows_the_virus_on_the_file_field(leeds_lead, notified, media_root, clamd, scanned_by):
    scanned_by(clamd.tcp_url)
    client = Client()
    client.force_login(leeds_lead)

    document = SimpleUploadedFile("review.pdf", infected_pdf(), content_type="application/pdf")
    response = client.post(reverse("web:rapid-review-send", args=[notified.reference]), answers(document=document))

    assert response.status_code == 400
    assert html.unescape(field_error(response, "id_document")) == VIRUS_FOUND
    assert not RapidReview.objects.exists()
    assert stored_files(media_root) == []


def test_it_refuses_with_503_when_clamd_has_stopped(
    client_for, leeds_lead, notified, london_time, media_root, scanned_by
):
    with clamd_running() as stopped:
        scanned_by(stopped.tcp_url)
        stopped.stop()

        response = send_review(client_for(leeds_lead), notified, real_pdf(), london_time)

    assert response.status_code == 503
    assert response.json() == {"document": [NOT_SCANNED]}
    assert not RapidReview.objects.exists()
    assert stored_files(media_root) == []


@pytest.fixture
def silent_clamd():
    """A socket that accepts a connection and the whole stream, and never answers: a clamd that hangs."""
    server = socket.create_server(("127.0.0.1", 0))
    connections = []

    def accept():
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            connections.append(connection)
            threading.Thread(target=lambda c=connection: [None for _ in iter(lambda: c.recv(65536), b"")]).start()

    threading.Thread(target=accept, daemon=True).start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    server.close()
    for connection in connections:
        connection.close()


def test_it_refuses_with_503_when_clamd_does_not_answer_in_time(
    client_for, leeds_lead, notified, london_time, media_root, silent_clamd, scanned_by
):
    scanned_by(silent_clamd, timeout=0.5)

    response = send_review(client_for(leeds_lead), notified, real_pdf(), london_time)

    assert response.status_code == 503
    assert response.json() == {"document": [NOT_SCANNED]}
    assert not RapidReview.objects.exists()
    assert stored_files(media_root) == []


def test_the_page_says_to_try_again_later_when_clamd_cannot_be_reached(leeds_lead, notified, media_root, scanned_by):
    with clamd_running() as stopped:
        scanned_by(stopped.unix_url)
        stopped.stop()
        client = Client()
        client.force_login(leeds_lead)

        response = client.post(reverse("web:rapid-review-send", args=[notified.reference]), answers())

    assert response.status_code == 503
    assert re.search(r"We could not check the file for viruses. Try again later.", response.content.decode())
    assert not RapidReview.objects.exists()
    assert stored_files(media_root) == []


def test_without_clamav_url_check_deploy_warns(settings):
    settings.CLAMAV_URL = None
    settings.DEBUG = False
    warnings = [message.id for message in run_checks(include_deployment_checks=True)]
    assert "incidents.W001" in warnings

    settings.CLAMAV_URL = "tcp://clamav.internal:3310"
    assert "incidents.W001" not in [message.id for message in run_checks(include_deployment_checks=True)]
