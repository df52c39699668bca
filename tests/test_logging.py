"""Operators' logs: one JSON line per event with a request id and a user id, and never a child's name."""

import io
import json
import logging

import pytest
import structlog

from tests.signin import sign_in

pytestmark = pytest.mark.django_db


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


def test_each_request_logs_json_with_request_and_user_ids(client, leeds_notifier, log_lines):
    sign_in(client, leeds_notifier)
    client.get("/api/v1/me/")

    finished = [line for line in log_lines() if line["event"] == "request_finished"]
    assert finished, log_lines()
    assert finished[-1]["request_id"]
    assert finished[-1]["user_id"] == leeds_notifier.pk


def test_names_never_reach_the_log(log_lines):
    structlog.get_logger("csprp.test").info("child_recorded", child_name="Alice Example", first_name="Alice")
    line = next(line for line in log_lines() if line["event"] == "child_recorded")
    assert "Alice" not in json.dumps(line)
    assert line["child_name"] == "[redacted]"
