"""The load of one benchmark: a few users asking for one address as fast as the server answers.

Run by benchmarks.run as `locust --headless`, one address at a time. Settings come from the environment
(locust reads no other configuration here):

- BENCH_PATH: the address asked for, with its query (`/api/v1/incidents/?overdue=true`);
- BENCH_TOKEN: an API token, sent as `Authorization: Token …`, or BENCH_SESSIONS: session keys,
  comma-separated, one for each user, sent as the session cookie (a page is signed in as its person
  is; the service saves a session on every request, so users never share one).

Every request says it came through the TLS proxy (X-Forwarded-Proto), as it would in production; an
answer other than 200 counts as a failure, so a benchmark of an error page cannot pass as fast.
"""

import itertools
import os

from locust import FastHttpUser, constant, task

_user_numbers = itertools.count()


class Reader(FastHttpUser):
    # Closed loop: each user asks again as soon as it has its answer.
    wait_time = constant(0)

    def on_start(self):
        self.path = os.environ["BENCH_PATH"]
        self.headers = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}
        if os.environ.get("BENCH_TOKEN"):
            self.headers["Authorization"] = f"Token {os.environ['BENCH_TOKEN']}"
        sessions = [key for key in os.environ.get("BENCH_SESSIONS", "").split(",") if key]
        if sessions:
            self.headers["Cookie"] = f"sessionid={sessions[next(_user_numbers) % len(sessions)]}"

    @task
    def read(self):
        with self.client.get(self.path, headers=self.headers, name=self.path, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")
