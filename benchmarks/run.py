"""`make bench`: the service measured at each size on PostgreSQL, printed as one table.

For each size (cases): a database of its own, migrated and filled by `manage.py bench_data` (kept for the
next run: a database already holding that many cases is measured again as it is); then gunicorn with
two workers, as in production (DEBUG off), loaded from a second process by locust on loopback, one
address at a time, beside a trivial authenticated address measured the same way in the same run; then
`manage.py bench_measure` for what runs inside the service's process. The table goes to the terminal,
and with every figure to var/bench/results.json and var/bench/results.md.

Run as `python -m benchmarks.run --sizes 10000,100000 --database postgres://…/csprp_bench`; the
database name given is the stem: each size gets `<stem>_<size>`.
"""

import argparse
import csv
import json
import os
import platform
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
# Load: as many users as the first measurements (concurrency 4 against two workers).
USERS = 4
WORKERS = 2
WARM_UP_SECONDS = 2
LOAD_SECONDS = 8

# Budgets (the performance issue); the table says which are met.
BUDGETS = {
    "list_p95_ms": 50,  # at 100,000 cases
    "list_ratio": 3,
    "detail_p95_ms": 100,
    "report_s": 2,  # at 1,000,000 cases
    "report_ratio": 3,
    "reminders_per_s": 2000,
    "empty_pass_ms": 100,
    "import_per_s": 2000,
    "search_p95_ms": 200,
}


def say(text):
    print(text, file=sys.stderr, flush=True)


def size_database(stem, size):
    parts = urlsplit(stem)
    name = f"{parts.path.lstrip('/') or 'csprp_bench'}_{size}"
    return urlunsplit(parts._replace(path=f"/{name}")), name


def database_ensure(url, name):
    """Create the database if the server has none of that name."""
    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def cases_in(url):
    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT to_regclass('incidents_incident') IS NOT NULL").fetchone()
        if not row[0]:
            return 0
        return connection.execute("SELECT count(*) FROM incidents_incident").fetchone()[0]


def vacuum(url):
    """VACUUM (ANALYZE) the new data, as autovacuum would have long before a service held that many cases: the
    visibility map it sets lets counts read an index alone (an index-only scan) rather than every row."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def manage(env, *args, quiet=False):
    command = [PYTHON, str(ROOT / "manage.py"), *args]
    output = subprocess.DEVNULL if quiet else None
    subprocess.run(command, env=env, check=True, cwd=ROOT, stdout=output)  # noqa: S603 - our own manage.py


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def service_env(database_url, redis_url):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        # Rate limits would turn a load test into a test of the 429 page.
        API_RATE_USER="1000000/second",
        API_RATE_ANON="1000000/second",
        LOG_LEVEL="WARNING",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


class Gunicorn:
    """gunicorn serving the service on a free loopback port for as long as the `with` lasts."""

    def __init__(self, env):
        self.env = env
        self.port = free_port()
        self.process = None

    def __enter__(self):
        command = [
            str(BIN / "gunicorn"),
            "csprp.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
        ]
        self.log = open(OUT / f"gunicorn-{self.port}.log", "w")
        self.process = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, fixed arguments
            command, env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5):  # noqa: S310 - loopback
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer within a minute")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def locust(url, path, *, token=None, sessions=None, name):
    """Load `path` with USERS users for LOAD_SECONDS (after WARM_UP_SECONDS not counted); returns p50, p95
    (ms), requests a second and failures."""
    env = dict(os.environ, BENCH_PATH=path, BENCH_TOKEN=token or "", BENCH_SESSIONS=",".join(sessions or ()))
    prefix = OUT / f"locust-{name}"
    base = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "benchmarks" / "locustfile.py"),
        "--headless",
        "--users",
        str(USERS),
        "--spawn-rate",
        str(USERS),
        "--host",
        url,
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    # The venv's locust with fixed arguments; a warm-up's failures show again in the measured run.
    subprocess.run([*base, "--run-time", f"{WARM_UP_SECONDS}s"], env=env, check=False, cwd=ROOT, **quiet)  # noqa: S603
    subprocess.run(  # noqa: S603
        [*base, "--run-time", f"{LOAD_SECONDS}s", "--csv", str(prefix)], env=env, check=False, cwd=ROOT, **quiet
    )
    with open(f"{prefix}_stats.csv", newline="") as stats:
        row = next(r for r in csv.DictReader(stats) if r["Name"] == "Aggregated")
    return {
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "rps": float(row["Requests/s"]),
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
    }


def measure_size(size, *, stem, redis_url, parts, load=True):
    url, name = size_database(stem, size)
    env = service_env(url, redis_url)
    result = {"size": size, "database": name}
    database_ensure(url, name)
    say(f"== {size:,} cases: database {name}")
    manage(env, "migrate", "--noinput", quiet=True)
    # DEBUG off serves static files from STATIC_ROOT by their manifest, as in production.
    manage(env, "collectstatic", "--noinput", quiet=True)
    present = cases_in(url)
    if present != size:
        say(f"   filling it with {size:,} cases (it holds {present:,})")
        started = time.monotonic()
        manage(
            env, "bench_data", "--incidents", str(size), "--reset", "--tokens-file", str(OUT / f"tokens-{size}.json")
        )
        vacuum(url)
        result["data_s"] = time.monotonic() - started
    prepared = OUT / f"prepared-{size}.json"
    manage(env, "bench_measure", "prepare", "--out", str(prepared), "--sessions", str(USERS))
    people = json.loads(prepared.read_text())
    big = people["big_case"]

    if load:
        started = time.monotonic()
        result["load"] = measure_load(env, people, size=size)
        result["load_s"] = time.monotonic() - started

    say("   in-process measures")
    started = time.monotonic()
    measured = OUT / f"measured-{size}.json"
    manage(env, "bench_measure", "measure", "--out", str(measured), "--big-case", big, "--parts", parts)
    result.update(json.loads(measured.read_text()))
    result["measure_s"] = time.monotonic() - started
    say(
        "   seconds: "
        + ", ".join(f"{key[:-2]} {result[key]:.0f}" for key in ("data_s", "load_s", "measure_s") if key in result)
    )
    return result


def measure_load(env, people, *, size):
    """Each address under locust's load on gunicorn, beside the trivial view."""
    big = people["big_case"]
    say("   load on gunicorn (locust)")
    with Gunicorn(env) as server:
        loads = {
            "trivial_api": ("/api/v1/me/", {"token": people["token"]}),
            "list_api": ("/api/v1/incidents/?overdue=true", {"token": people["token"]}),
            "list_api_all": ("/api/v1/incidents/", {"token": people["token"]}),
            "list_api_la": ("/api/v1/incidents/", {"token": people["la_token"]}),
            "trivial_page": ("/api/v1/me/", {"sessions": people["sessions"]}),
            "list_page": ("/cases/?overdue=on", {"sessions": people["sessions"]}),
            "detail_api": (f"/api/v1/incidents/{big}/", {"token": people["token"]}),
            "deadlines_api": ("/api/v1/deadlines/?overdue=true", {"token": people["token"]}),
        }
        load = {}
        for key, (path, auth) in loads.items():
            load[key] = {"path": path, **locust(server.url, path, name=f"{size}-{key}", **auth)}
            say(f"   {key}: {load[key]}")
    return load


# The table -------------------------------------------------------------------------------------------


def _ms(seconds):
    return seconds * 1000


def rows_of(results):
    """(figure, budget, {size: text}, {size: met or None}) for each line of the table."""
    lines = []

    def measured(work, result, missing):
        """A figure of one size; `missing` where that part was not measured (--parts)."""
        try:
            return work(result)
        except KeyError:
            return missing

    def line(figure, budget, value, met=None):
        lines.append(
            (
                figure,
                budget,
                {r["size"]: measured(value, r, "not measured") for r in results},
                {r["size"]: measured(met, r, None) if met else None for r in results},
            )
        )

    def load(key):
        return lambda r: r["load"][key]

    def ratio(key, trivial):
        return lambda r: r["load"][key]["p95_ms"] / max(r["load"][trivial]["p95_ms"], 0.001)

    line(
        "trivial API (/api/v1/me/) p50 / p95 ms",
        "",
        lambda r: f"{load('trivial_api')(r)['p50_ms']:.0f} / {load('trivial_api')(r)['p95_ms']:.0f}",
    )
    for key, label, trivial in (
        ("list_api", "case list API ?overdue=true", "trivial_api"),
        ("list_page", "case list page ?overdue", "trivial_page"),
    ):
        line(
            f"{label} p50 / p95 ms",
            f"p95 < {BUDGETS['list_p95_ms']} at 100k",
            lambda r, k=key: f"{load(k)(r)['p50_ms']:.0f} / {load(k)(r)['p95_ms']:.0f}",
            lambda r, k=key: load(k)(r)["p95_ms"] < BUDGETS["list_p95_ms"] if r["size"] == 100_000 else None,
        )
        line(f"{label} req/s", "", lambda r, k=key: f"{load(k)(r)['rps']:.0f}")
        line(
            f"{label} p95 ÷ trivial",
            f"≤ {BUDGETS['list_ratio']}×",
            lambda r, k=key, t=trivial: f"{ratio(k, t)(r):.1f}×",
            lambda r, k=key, t=trivial: ratio(k, t)(r) <= BUDGETS["list_ratio"],
        )
    for key, label in (
        ("list_api_all", "case list API, all"),
        ("list_api_la", "case list API, one authority"),
        ("deadlines_api", "deadlines API ?overdue=true"),
    ):
        line(f"{label} p50 / p95 ms", "", lambda r, k=key: f"{load(k)(r)['p50_ms']:.0f} / {load(k)(r)['p95_ms']:.0f}")
    line(
        "case detail API (big case) p50 / p95 ms",
        f"p95 < {BUDGETS['detail_p95_ms']}",
        lambda r: f"{load('detail_api')(r)['p50_ms']:.0f} / {load('detail_api')(r)['p95_ms']:.0f}",
        lambda r: load("detail_api")(r)["p95_ms"] < BUDGETS["detail_p95_ms"],
    )
    for key, label in (("year", "annual report, last reporting year"), ("all", "annual report, every year")):
        line(
            f"{label}: s (hand-written SQL s; cases)",
            f"< {BUDGETS['report_s']} s at 1M" if key == "year" else "",
            lambda r, k=key: (
                f"{r['annual_report'][k]['report_s']:.2f} ({r['annual_report'][k]['sql_s']:.2f}; "
                f"{r['annual_report'][k]['cases']:,})"
            ),
            lambda r, k=key: (
                r["annual_report"][k]["report_s"] < BUDGETS["report_s"]
                if k == "year" and r["size"] == 1_000_000
                else None
            ),
        )
        line(
            f"{label}: report ÷ SQL",
            f"≤ {BUDGETS['report_ratio']}×",
            lambda r, k=key: f"{r['annual_report'][k]['report_s'] / r['annual_report'][k]['sql_s']:.1f}×",
            lambda r, k=key: (
                r["annual_report"][k]["report_s"] / r["annual_report"][k]["sql_s"] <= BUDGETS["report_ratio"]
            ),
        )
    line(
        "reminder pass, 100,000 due: sent a second",
        f"≥ {BUDGETS['reminders_per_s']:,}",
        lambda r: f"{r['reminders']['per_second']:,.0f}",
        lambda r: r["reminders"]["per_second"] >= BUDGETS["reminders_per_s"],
    )
    line(
        "reminder pass, nothing due: ms",
        f"< {BUDGETS['empty_pass_ms']}",
        lambda r: f"{_ms(r['reminders']['empty_pass_s']):.0f}",
        lambda r: _ms(r["reminders"]["empty_pass_s"]) < BUDGETS["empty_pass_ms"],
    )
    line(
        "import 100,000-row case log: rows a second",
        f"≥ {BUDGETS['import_per_s']:,}",
        lambda r: f"{r['import']['per_second']:,.0f}",
        lambda r: r["import"]["per_second"] >= BUDGETS["import_per_s"],
    )
    line(
        "search p50 / p95 ms (rapid review texts)",
        f"p95 < {BUDGETS['search_p95_ms']}",
        lambda r: f"{_ms(r['search']['p50_s']):.0f} / {_ms(r['search']['p95_s']):.0f} ({r['search']['texts']:,})",
        lambda r: _ms(r["search"]["p95_s"]) < BUDGETS["search_p95_ms"],
    )
    line(
        "hot queries reading a large table whole",
        "none",
        lambda r: (
            ", ".join(f"{name}: {'+'.join(tables)}" for name, tables in r["explain"]["seq_scans"].items() if tables)
            or "none"
        ),
        lambda r: not any(r["explain"]["seq_scans"].values()),
    )
    return lines


def table(results):
    sizes = [r["size"] for r in results]
    header = ["figure", "budget", *(f"{size:,}" for size in sizes)]
    body = []
    for figure, budget, values, met in rows_of(results):
        cells = []
        for size in sizes:
            mark = {True: " ✓", False: " ✗", None: ""}[met[size]]
            cells.append(f"{values[size]}{mark}")
        body.append([figure, budget, *cells])
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = [
        "| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |"
        for row in [header, *body]
    ]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def machine():
    cpu = ""
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES), help="Cases at each size.")
    parser.add_argument("--database", required=True, help="PostgreSQL URL; its database name is the stem.")
    parser.add_argument("--redis", default="", help="Redis URL for the cache the service counts requests in.")
    parser.add_argument("--no-load", action="store_true", help="Measure in the service's process only.")
    parser.add_argument(
        "--parts",
        default="annual_report,reminders,import,search,explain",
        help="What to measure in the service's process (all by default; the table needs all).",
    )
    options = parser.parse_args(argv)
    sizes = [int(text.replace("_", "")) for text in options.sizes.split(",") if text.strip()]
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    results = [
        measure_size(
            size, stem=options.database, redis_url=options.redis, parts=options.parts, load=not options.no_load
        )
        for size in sizes
    ]
    with psycopg.connect(size_database(options.database, sizes[0])[0]) as connection:
        server = connection.execute("SHOW server_version").fetchone()[0]
    summary = {
        "machine": {**machine(), "postgresql": server},
        "seconds": time.monotonic() - started,
        "results": results,
    }
    (OUT / "results.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    text = table(results)
    (OUT / "results.md").write_text(text + "\n")
    print(text)
    cpus, cpu = summary["machine"]["cpus"], summary["machine"]["cpu"]
    print(f"\n{cpus} CPUs ({cpu}), PostgreSQL {server}; {summary['seconds'] / 60:.1f} minutes in all.")
    print(f"Figures: {OUT / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
