"""Fill a PostgreSQL database with synthetic cases for the benchmarks (casefile.bench_data)."""

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from casefile.bench_data import CHUNK_INCIDENTS, BenchDataError, bench_data_build, bench_tables_reset


class Command(BaseCommand):
    help = (
        "Add N synthetic cases (children, rapid reviews with their text, local reviews, letters, deadlines, "
        "timeline and notices) to a PostgreSQL database, with one person and API token for each role."
    )

    def add_arguments(self, parser):
        parser.add_argument("--incidents", type=int, default=10_000, help="How many cases (default 10,000).")
        parser.add_argument(
            "--reset", action="store_true", help="Empty the case tables first (never organisations or people)."
        )
        parser.add_argument("--seed", type=int, default=2018, help="Seed of the random choices (same seed, same data).")
        parser.add_argument("--chunk", type=int, default=CHUNK_INCIDENTS, help="Cases written in one transaction.")
        parser.add_argument(
            "--processes",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes building and writing chunks side by side (default: one a CPU).",
        )
        parser.add_argument(
            "--tokens-file",
            default="bench-tokens.json",
            help="Where to write the bench people's API tokens and the big case's reference (JSON).",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_data needs PostgreSQL (it loads rows with COPY): set DATABASE_URL.")
        if min(options["incidents"], options["chunk"], options["processes"]) < 1:
            raise CommandError("--incidents, --chunk and --processes must be at least 1.")
        try:
            if options["reset"]:
                bench_tables_reset()
                self.stdout.write("Emptied the case tables")
            result = bench_data_build(
                incidents=options["incidents"],
                seed=options["seed"],
                chunk=options["chunk"],
                processes=options["processes"],
                progress=self._progress,
            )
        except BenchDataError as error:
            raise CommandError(str(error)) from error

        for table, rows in result.rows.items():
            self.stdout.write(f"  {table:<10} {rows:>12,}")
        self.stdout.write(
            f"{result.total_rows:,} rows for {result.incidents:,} cases in {result.seconds:.1f} s: "
            f"{result.rows_per_second:,.0f} rows a second, {result.incidents / result.seconds:,.0f} cases a second"
        )
        self.stdout.write(f"Big case: {result.big_case}")
        path = Path(options["tokens_file"])
        tokens = {role: {k: v for k, v in person.items() if k != "id"} for role, person in result.tokens.items()}
        path.write_text(json.dumps({"big_case": result.big_case, "people": tokens}, indent=2) + "\n")
        path.chmod(0o600)
        self.stdout.write(f"API tokens of the bench people written to {path}")
        self.stdout.write(self.style.SUCCESS("Benchmark data loaded"))

    def _progress(self, done, rows, seconds):
        self.stdout.write(f"  {done:,} cases, {rows:,} rows, {seconds:.1f} s")
