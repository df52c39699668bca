"""A failure drill: the disk fills while a document is being saved.

MEDIA_ROOT is a real 64 KB filesystem (tmpfs, mounted for the test) so the kernel itself refuses the
write with ENOSPC part-way through the file. Where mounting is not permitted (not root), the file
object the storage writes through refuses the same way once 64 KB are written: the boundary with the
operating system. Either way the request gets a clear error and nothing is left half-written: no
partial file under MEDIA_ROOT and no case or rapid review row.
"""

import errno
import json
import os
import subprocess
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from incidents.models import Incident
from incidents.workflow import NOT_STORED
from reviews.models import RapidReview, RapidReviewVersion
from tests.documents import real_pdf
from tests.web.test_rapid_review_pages import answers

pytestmark = pytest.mark.django_db

DISK_BYTES = 64 * 1024
LARGE = real_pdf() + b"%" + b"0" * (200 * 1024)  # a valid PDF three times the size of the disk


class FillingFile:
    """A file that takes writes until the disk's bytes are used up, then fails as a full disk does."""

    def __init__(self, file, budget):
        self.file = file
        self.budget = budget

    def write(self, data):
        if len(data) > self.budget[0]:
            self.file.write(data[: self.budget[0]])
            self.budget[0] = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.budget[0] -= len(data)
        return self.file.write(data)

    def __getattr__(self, name):
        return getattr(self.file, name)


@pytest.fixture
def small_disk(settings, tmp_path):
    """MEDIA_ROOT on a filesystem of 64 KB."""
    media = tmp_path / "small-disk"
    media.mkdir()
    settings.MEDIA_ROOT = media
    mounted = subprocess.run(
        ["/usr/bin/mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(media)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode == 0:
        try:
            yield media
        finally:
            subprocess.run(["/usr/bin/umount", str(media)], check=True)
        return
    budget = [DISK_BYTES]
    real_fdopen = os.fdopen

    def fdopen(fd, *args, **kwargs):
        return FillingFile(real_fdopen(fd, *args, **kwargs), budget)

    with mock.patch("django.core.files.storage.filesystem.os.fdopen", fdopen):
        yield media


def files_under(folder):
    return sorted(path for path in folder.rglob("*") if path.is_file())


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


def test_a_full_disk_gives_507_and_leaves_no_partial_file(client_for, leeds_lead, notified, london_time, small_disk):
    response = send_review(client_for(leeds_lead), notified, LARGE, london_time)

    assert response.status_code == 507
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": NOT_STORED}
    assert files_under(small_disk) == []
    assert not RapidReview.objects.exists()


def test_a_document_that_fits_is_stored_once_the_failed_one_is_gone(
    client_for, leeds_lead, notified, london_time, small_disk
):
    """What the failed request wrote is gone: the small disk has room for a document that fits."""
    client = client_for(leeds_lead)
    assert send_review(client, notified, LARGE, london_time).status_code == 507

    response = send_review(client, notified, real_pdf(), london_time)

    assert response.status_code == 201, response.content
    assert [path.read_bytes() for path in files_under(small_disk)] == [real_pdf()]
    assert RapidReviewVersion.objects.count() == 1


def test_a_file_moved_from_its_temporary_copy_is_not_left_half_written(
    client_for, leeds_lead, notified, london_time, small_disk, settings
):
    """A large upload waits in a temporary file, which the storage copies across to MEDIA_ROOT."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = send_review(client_for(leeds_lead), notified, LARGE, london_time)

    assert response.status_code == 507
    assert files_under(small_disk) == []
    assert not RapidReview.objects.exists()


def test_an_unnotified_rapid_review_that_cannot_be_saved_opens_no_case(
    client_for, leeds_lead, leeds, london_time, small_disk
):
    body = review_body(LARGE, local_authority="E08000035", incident_date="2022-09-20")
    body["children"] = json.dumps([{"age_years": 14}])

    with london_time("2022-10-03"):
        response = client_for(leeds_lead).post("/api/v1/rapid-reviews/", body, format="multipart")

    assert response.status_code == 507
    assert response.json() == {"detail": NOT_STORED}
    assert not Incident.objects.exists()
    assert files_under(small_disk) == []


def test_the_page_says_the_file_could_not_be_saved(leeds_lead, notified, small_disk):
    client = Client()
    client.force_login(leeds_lead)
    document = SimpleUploadedFile("review.pdf", LARGE, content_type="application/pdf")

    response = client.post(reverse("web:rapid-review-send", args=[notified.reference]), answers(document=document))

    assert response.status_code == 507
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert "The file could not be saved." in html
    assert files_under(small_disk) == []
    assert not RapidReview.objects.exists()


def test_any_other_failure_of_the_disk_gives_503(client_for, leeds_lead, notified, london_time, media_root):
    """Not a full disk (an I/O error, say): still refused, still nothing left behind, but 503."""
    real_fdopen = os.fdopen

    class FailingFile(FillingFile):
        def write(self, data):
            self.file.write(data[:100])
            raise OSError(errno.EIO, os.strerror(errno.EIO))

    with mock.patch(
        "django.core.files.storage.filesystem.os.fdopen",
        lambda fd, *args, **kwargs: FailingFile(real_fdopen(fd, *args, **kwargs), None),
    ):
        response = send_review(client_for(leeds_lead), notified, LARGE, london_time)

    assert response.status_code == 503
    assert response.json() == {"detail": NOT_STORED}
    assert files_under(media_root) == []
    assert not RapidReview.objects.exists()
