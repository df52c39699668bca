"""A backup restores (docs/backups.md): pg_dump -Fc of a database with cases in it, pg_restore into a new
database, and the same cases are there; the documents come back from the MEDIA_ROOT archive beside it.

PostgreSQL only (what a live service runs); run once in CI. The machine's PostgreSQL client programs stand
in for the ones inside docker-compose.yml's db container.
"""

import os
import shutil
import subprocess
import tarfile

import psycopg
import pytest
from django.db import connection

from incidents.models import Child, Incident
from reviews.models import RapidReviewVersion
from reviews.services import rapid_review_send
from tests.conftest import rapid_review_values
from tests.documents import real_pdf

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="backups are of PostgreSQL (pg_dump)"),
    # The dump is taken by another connection: the data must be committed, not inside the test's transaction.
    pytest.mark.django_db(transaction=True),
]


def client_environment():
    """The test database's connection, as PostgreSQL's client programs read it."""
    database = connection.settings_dict
    environment = {**os.environ}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if database.get(key):
            environment[variable] = str(database[key])
    return environment


def run(*command):
    program = shutil.which(command[0])
    assert program, f"{command[0]} is not installed (Debian: postgresql-client)"
    subprocess.run([program, *command[1:]], env=client_environment(), check=True, capture_output=True, timeout=300)


def rows(database, query):
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=database,
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
    ) as restored:
        return restored.execute(query).fetchall()


@pytest.fixture
def restored_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    run("dropdb", "--if-exists", name)
    run("createdb", name)
    yield name
    run("dropdb", "--if-exists", name)


def test_a_dump_restores_into_a_new_database_with_the_same_cases(
    panel, notified, leeds_lead, london_time, media_root, tmp_path, restored_database
):
    with london_time("2022-10-03"):
        rapid_review_send(incident=notified, by=leeds_lead, **rapid_review_values())
    dump = tmp_path / "csprp.dump"
    archive = tmp_path / "media.tar.gz"

    run("pg_dump", "-Fc", "-f", str(dump), connection.settings_dict["NAME"])
    with tarfile.open(archive, "w:gz") as media:
        media.add(media_root, arcname=".")
    run("pg_restore", "--no-owner", "--exit-on-error", "-d", restored_database, str(dump))

    query = "SELECT reference, status, incident_date FROM incidents_incident ORDER BY reference"
    assert rows(restored_database, query) == list(
        Incident.objects.order_by("reference").values_list("reference", "status", "incident_date")
    )
    assert rows(restored_database, "SELECT count(*) FROM incidents_child") == [(Child.objects.count(),)]
    version = RapidReviewVersion.objects.get()
    assert rows(restored_database, "SELECT document FROM reviews_rapidreviewversion") == [(version.document.name,)]
    with tarfile.open(archive) as media:
        assert media.extractfile(f"./{version.document.name}").read() == real_pdf()
