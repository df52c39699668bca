"""A real Celery worker, started as its own process, runs a task sent through the broker.

One run uses the embedded broker (kombu's filesystem transport, what `make run` uses with nothing
configured); the other uses the Redis in REDIS_URL, as in CI and production. Each run uses a queue of
its own and leaves nothing behind: no files in the repository, no keys in Redis.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.worker

SEND_AND_WAIT = """
import django
django.setup()
from health.tasks import heartbeat
result = heartbeat.apply_async(queue={queue!r})
print("TASK", result.id)
print("RESULT", result.get(timeout=60))
result.forget()
"""


def start_worker(env, queue):
    command = [sys.executable, "-m", "celery", "-A", "csprp", "worker", "--pool=solo", "-Q", queue]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def run_task_through_a_worker(env, queue):
    """Send the heartbeat to a worker listening on `queue`; return the worker's log and the task's id."""
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
    task_id = next(line.split()[1] for line in sent.stdout.splitlines() if line.startswith("TASK "))
    return worker_log, task_id


def redis_entries_for(client, queue):
    """Every key of the Redis database named after the queue, and every entry of another key that names it.

    kombu keeps a queue's messages in lists named after it, its bindings in `_kombu.binding.<exchange>`
    and `_kombu.binding_permanent.<exchange>` (a queue declared by name has an exchange of that name),
    and shared bookkeeping in `_kombu.binding_deadlines` and the `unacked` hash. Plain values (cache
    entries, task results) name no queue and are not read.
    """
    needle = queue.encode()
    entries = []
    for key in client.scan_iter(count=1000):
        kind = client.type(key)
        if needle in key:
            entries.append((key, kind, None))
            continue
        if kind == b"set":
            named = [member for member in client.smembers(key) if needle in member]
        elif kind == b"zset":
            named = [member for member in client.zrange(key, 0, -1) if needle in member]
        elif kind == b"list":
            named = [item for item in client.lrange(key, 0, -1) if needle in item]
        elif kind == b"hash":
            named = [field for field, value in client.hgetall(key).items() if needle in field or needle in value]
        else:
            named = []
        entries += [(key, kind, entry) for entry in named]
    return entries


def remove_redis_entries_for(client, queue):
    for key, kind, entry in redis_entries_for(client, queue):
        if entry is None:
            client.delete(key)
        elif kind == b"set":
            client.srem(key, entry)
        elif kind == b"zset":
            client.zrem(key, entry)
        elif kind == b"list":
            client.lrem(key, 0, entry)
        elif kind == b"hash":
            client.hdel(key, entry)


def test_a_worker_runs_a_task_through_the_embedded_broker(tmp_path):
    queue = f"test-{uuid.uuid4().hex}"
    env = {**os.environ, "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "csprp.settings"}
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)

    worker_log, _ = run_task_through_a_worker(env, queue)

    assert "filesystem" in worker_log
    assert (tmp_path / "celery" / "queue").is_dir()
    # kombu's exchange tables go under VAR_DIR too, not into a control/ folder in the working directory.
    assert (tmp_path / "celery" / "control" / f"{queue}.exchange").is_file()
    assert not (ROOT / "control").exists()


def test_a_worker_runs_a_task_through_redis():
    if not os.environ.get("REDIS_URL"):
        if os.environ.get("CI"):
            pytest.fail("CI must run this test against a real Redis: set REDIS_URL")
        pytest.skip("REDIS_URL is not set")
    queue = f"test-{uuid.uuid4().hex}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "csprp.settings"}
    client = redis.Redis.from_url(os.environ["REDIS_URL"])

    try:
        worker_log, task_id = run_task_through_a_worker(env, queue)
        assert redis_entries_for(client, queue), "the worker's bindings for the queue should be in Redis"
    finally:
        remove_redis_entries_for(client, queue)

    assert "redis://" in worker_log
    assert redis_entries_for(client, queue) == []
    assert not client.exists(f"celery-task-meta-{task_id}")  # the result, forgotten once read
