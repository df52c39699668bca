"""The benchmarks measured inside the service's process (benchmarks.measure), written as JSON for benchmarks.run."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmarks import measure
from organisations.models import Role

PARTS = {
    "annual_report": lambda big_case: measure.annual_report_measure(),
    "reminders": lambda big_case: measure.reminders_measure(),
    "import": lambda big_case: measure.import_measure(),
    "search": lambda big_case: measure.search_measure(),
    "explain": lambda big_case: measure.hot_queries_explain(big_case=big_case),
}


class Command(BaseCommand):
    help = (
        "On a database filled by bench_data: `prepare` writes the bench people's API tokens and signed-in "
        "sessions and the big case's reference; `measure` times the annual report, a reminder pass, an import, "
        "search and EXPLAINs the hot queries. Both write JSON to --out."
    )

    def add_arguments(self, parser):
        parser.add_argument("step", choices=["prepare", "measure"])
        parser.add_argument("--out", required=True, help="The JSON file to write.")
        parser.add_argument("--sessions", type=int, default=4, help="Signed-in sessions to prepare (one a user).")
        parser.add_argument("--big-case", default="", help="The big case's reference (measure).")
        parser.add_argument(
            "--parts", default=",".join(PARTS), help=f"What to measure, comma-separated, of {', '.join(PARTS)}."
        )

    def handle(self, *args, step, out, sessions, big_case, parts, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmarks run on PostgreSQL: set DATABASE_URL.")
        if step == "prepare":
            result = {
                "token": measure.bench_token(Role.PANEL_SECRETARIAT),
                "la_token": measure.bench_token(Role.LA_NOTIFIER),
                "sessions": [measure.bench_session(Role.PANEL_SECRETARIAT) for _ in range(sessions)],
                "big_case": measure.big_case_reference(),
            }
        else:
            chosen = [part.strip() for part in parts.split(",") if part.strip()]
            unknown = sorted(set(chosen) - set(PARTS))
            if unknown:
                raise CommandError(f"Unknown parts: {', '.join(unknown)}")
            result = {}
            for part in chosen:
                self.stderr.write(f"  measuring {part}")
                result[part] = PARTS[part](big_case)
        path = Path(out)
        path.write_text(json.dumps(result, indent=2, default=str) + "\n")
        path.chmod(0o600)
