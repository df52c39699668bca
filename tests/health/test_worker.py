"""A real Celery worker, started as its own process, runs a task sent through the broker.

One run uses the embedded broker (kombu's filesystem transport, what `make run` uses with nothing
configured); the other uses the Redis in REDIS_URL, as in CI and production.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.worker

SEND_AND_WAIT = """
import django
django.setup()
from health.tasks import heartbeat
print("RESULT", heartbeat.apply_async(queue={queue!r}).get(timeout=60))
"""


def start_worker(env, queue):
    command = [sys.executable, "-m", "celery", "-A", "csprp", "worker", "--pool=solo", "-Q", queue]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def run_task_through_a_worker(env):
    queue = f"test-{uuid.uuid4().hex}"
    worker = start_worker(env, queue)
    try:
        sent = subprocess.run(
            [sys.executable, "-c", SEND_AND_WAIT.format(queue=queue)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        worker.terminate()
        worker_log, _ = worker.communicate(timeout=30)
    assert sent.returncode == 0, sent.stderr + worker_log
    assert "RESULT 20" in sent.stdout  # an ISO timestamp returned from the worker
    assert "health.tasks.heartbeat" in worker_log and "succeeded" in worker_log, worker_log
    return worker_log


def test_a_worker_runs_a_task_through_the_embedded_broker(tmp_path):
    env = {**os.environ, "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "csprp.settings"}
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)

    worker_log = run_task_through_a_worker(env)

    assert "filesystem" in worker_log
    assert (tmp_path / "celery" / "queue").is_dir()


def test_a_worker_runs_a_task_through_redis():
    if not os.environ.get("REDIS_URL"):
        if os.environ.get("CI"):
            pytest.fail("CI must run this test against a real Redis: set REDIS_URL")
        pytest.skip("REDIS_URL is not set")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "csprp.settings"}

    worker_log = run_task_through_a_worker(env)

    assert "redis://" in worker_log
