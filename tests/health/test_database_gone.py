"""Drill: the database goes away in the middle of a request.

The person gets 503 with Retry-After (JSON on the API, a GOV.UK page elsewhere), never a 500; what was
committed before is still there, unchanged; nothing the failed request began is half-written; and the
next request is served. On PostgreSQL the database server really ends the request's connection
(pg_terminate_backend from a second connection); the first tests raise the driver's error at the
same place on any database.
"""

import io
import json
import logging

import pytest
import structlog
from django.db import InterfaceError, OperationalError, close_old_connections, connection, connections
from django.test import Client, RequestFactory

from health.middleware import RETRY_AFTER_SECONDS, database_unavailable, error_server
from incidents.models import Incident

UNAVAILABLE_PAGE = "Sorry, the service is unavailable"


@pytest.fixture
def log_lines():
    """What the service's own console formatter writes, captured line by line."""
    root = logging.getLogger()
    formatter = next(h.formatter for h in root.handlers if isinstance(h.formatter, structlog.stdlib.ProcessorFormatter))
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    finally:
        root.removeHandler(handler)


def failing_after(text, error):
    """A query wrapper: the first query whose SQL contains `text` runs, then every later one raises `error`,
    as a driver does once the server has gone."""
    state = {"gone": False}

    def wrapper(execute, sql, params, many, context):
        if state["gone"]:
            raise error
        result = execute(sql, params, many, context)
        if text in sql:
            state["gone"] = True
        return result

    return wrapper


# On any database: the driver's error raised where a lost connection raises it ------------------------------


@pytest.mark.django_db
def test_it_answers_the_api_with_503_json_and_retry_after(draft, client_for, leeds_notifier, log_lines):
    client = client_for(leeds_notifier)
    lost = OperationalError("server closed the connection unexpectedly")
    with connection.execute_wrapper(failing_after("incidents_incident", lost)):
        response = client.get(f"/api/v1/incidents/{draft.reference}/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "briefly unavailable" in response.json()["detail"]
    logged = [line for line in log_lines() if line["event"] == "database_unavailable"]
    assert logged and logged[0]["level"] == "error"
    assert logged[0]["error"] == "OperationalError"


@pytest.mark.django_db
def test_it_answers_a_page_with_the_unavailable_page(draft, client, leeds_notifier):
    client.force_login(leeds_notifier)
    gone = InterfaceError("connection already closed")
    with connection.execute_wrapper(failing_after("incidents_incident", gone)):
        response = client.get(f"/cases/{draft.reference}/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert UNAVAILABLE_PAGE in response.content.decode()


@pytest.mark.django_db
def test_it_still_answers_500_for_anything_else(draft, leeds_notifier):
    client = Client(raise_request_exception=False)
    client.force_login(leeds_notifier)
    with connection.execute_wrapper(failing_after("incidents_incident", ZeroDivisionError("a bug"))):
        page = client.get(f"/cases/{draft.reference}/")
        api = client.get(f"/api/v1/incidents/{draft.reference}/")

    assert page.status_code == 500
    assert UNAVAILABLE_PAGE not in page.content.decode()
    assert api.status_code == 500
    assert api.json() == {"detail": "Server error."}
    assert "Retry-After" not in page and "Retry-After" not in api


def test_it_renders_the_unavailable_page_without_touching_the_database():
    # No django_db mark: any query here would fail the test.
    response = database_unavailable(RequestFactory().get("/cases/"), OperationalError("the server is shutting down"))
    assert response.status_code == 503
    assert UNAVAILABLE_PAGE in response.content.decode()


def test_it_gives_503_when_a_middleware_loses_the_database_too():
    """Django's handler500 runs for what a middleware raises (a session saved as the response leaves)."""
    request = RequestFactory().post("/api/v1/incidents/")
    try:
        raise OperationalError("could not connect to server")
    except OperationalError:
        response = error_server(request)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)

    try:
        raise ValueError("a bug")
    except ValueError:
        assert error_server(request).status_code == 500


# On PostgreSQL: the server really ends the connection ------------------------------------------------------

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the server ends a real connection")


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminated_after(text):
    """A query wrapper: once a query whose SQL contains `text` has run, the database server ends this
    connection (from a second connection, waiting until it has), so the request's next query finds it gone."""
    pid = backend_pid()
    state = {"done": False}

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if text in sql and not state["done"]:
            state["done"] = True
            other = connections.create_connection("default")
            try:
                with other.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
                    assert cursor.fetchone()[0], "the request's connection was not ended"
            finally:
                other.close()
        return result

    return wrapper, state


def as_the_server_does_after_each_request():
    """A WSGI server closes connections that failed when each request ends (the test client leaves it out)."""
    close_old_connections()


def stored(incident):
    record = Incident.objects.get(pk=incident.pk)
    return {
        "reason": record.reason,
        "case_outline": record.case_outline,
        "updated_at": record.updated_at,
        "version": record.version,
        "events": record.timeline.count(),
        "children": list(record.children.values_list("age_years", flat=True)),
    }


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_serves_503_when_postgresql_ends_the_connection_during_an_api_read(draft, client_for, leeds_notifier):
    before = stored(draft)
    client = client_for(leeds_notifier)
    hook, state = terminated_after("incidents_incident")
    with connection.execute_wrapper(hook):
        response = client.get(f"/api/v1/incidents/{draft.reference}/")

    assert state["done"]
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "briefly unavailable" in response.json()["detail"]

    as_the_server_does_after_each_request()
    assert stored(draft) == before
    again = client.get(f"/api/v1/incidents/{draft.reference}/")
    assert again.status_code == 200
    assert again.json()["reference"] == draft.reference


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_leaves_nothing_half_written_when_the_connection_ends_inside_a_change(
    draft, client_for, leeds_notifier, london_time
):
    before = stored(draft)
    client = client_for(leeds_notifier)
    change = {"case_outline": "Found at home.", "reason": "death", "children": [{"age_years": 2, "is_index": True}]}
    # The service has locked the case (SELECT ... FOR UPDATE) when the server goes away.
    hook, state = terminated_after("FOR UPDATE")
    with london_time("2022-09-13"), connection.execute_wrapper(hook):
        response = client.patch(f"/api/v1/incidents/{draft.reference}/", change, format="json")

    assert state["done"]
    assert response.status_code == 503

    as_the_server_does_after_each_request()
    assert stored(draft) == before  # neither the details, the children nor a timeline event: all or nothing
    with london_time("2022-09-13"):
        retried = client.patch(f"/api/v1/incidents/{draft.reference}/", change, format="json")
    assert retried.status_code == 200, retried.content
    assert retried.json()["case_outline"] == "Found at home."


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_shows_the_unavailable_page_when_postgresql_ends_the_connection_during_a_page(draft, client, leeds_notifier):
    before = stored(draft)
    client.force_login(leeds_notifier)
    hook, state = terminated_after("incidents_incident")
    with connection.execute_wrapper(hook):
        response = client.get(f"/cases/{draft.reference}/")

    assert state["done"]
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert UNAVAILABLE_PAGE in response.content.decode()

    as_the_server_does_after_each_request()
    assert stored(draft) == before
    again = client.get(f"/cases/{draft.reference}/")
    assert again.status_code == 200
    assert draft.reference in again.content.decode()
