"""Import the Panel's case log (a CSV in data-standard.md's format) as ordinary cases: all of it, or nothing."""

from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from reports.caselog import caselog_read
from reports.services import caselog_import, caselog_plan

# Skipped references listed in the summary; `-v 2` lists them all.
SKIPPED_LISTED = 10


def _cases(number):
    return f"{number} case{'' if number == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Import a case log (CSV, data-standard.md). Every row is checked first: if any is invalid, nothing is "
        "imported, each problem is printed as 'line N, column C: message' and the command exits with status 1. "
        "A reference already in the service is skipped and counted, never duplicated or updated."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file: UTF-8 (with or without a byte-order mark), a header row.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and say what would be imported; write nothing."
        )

    def handle(self, *args, path, dry_run, verbosity, **options):
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from error
        log = caselog_read(data)
        if not log.is_valid:
            for problem in log.problems:
                self.stderr.write(str(problem))
            count = len(log.problems)
            raise CommandError(f"{count} problem{'' if count == 1 else 's'} in {path}: nothing was imported.")
        if dry_run:
            plan = caselog_plan(log=log)
        else:
            try:
                with self._progress(total=len(log.rows)) as advance:
                    plan = caselog_import(log=log, on_case=advance)
            except IntegrityError as error:
                # The file was checked against the database, but a case or an authority may have been made
                # since (another import at the same time): the transaction is rolled back whole.
                raise CommandError(
                    f"Nothing was imported: the database refused a row ({error}). "
                    "If another import was running, run this one again: what it made is skipped."
                ) from error
        self._summary(plan, path=path, dry_run=dry_run, verbosity=verbosity)

    @contextmanager
    def _progress(self, *, total):
        """A progress bar on a terminal (on stderr, so the summary on stdout stays plain); none otherwise."""
        console = Console(stderr=True)
        columns = (TextColumn("Importing cases"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console, disable=not console.is_terminal) as progress:
            task = progress.add_task("import", total=total)
            yield lambda _row: progress.advance(task)

    def _summary(self, plan, *, path, dry_run, verbosity):
        if verbosity == 0:
            return
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        imported, skipped, created = (
            ("Would import", "Would skip", "Would create")
            if dry_run
            else (
                "Imported",
                "Skipped",
                "Created",
            )
        )
        self.stdout.write(
            f"{imported} {_cases(len(plan.new))} from {path}: {plan.withdrawn} withdrawn, {plan.offline} offline, "
            f"{plan.retrospective} retrospective, {plan.with_rapid_review} with a rapid review, "
            f"{plan.awaiting_rapid_review} awaiting one."
        )
        references = [row.reference for row in plan.present]
        listed = references if verbosity > 1 else references[:SKIPPED_LISTED]
        more = f" and {len(references) - len(listed)} more" if len(references) > len(listed) else ""
        self.stdout.write(
            f"{skipped} {_cases(len(references))} already in the service"
            + (f": {', '.join(listed)}{more}." if references else ".")
        )
        for authority in plan.authorities:
            self.stdout.write(
                f"{created} local authority {authority.name} (code {authority.code}) in {authority.region}, "
                f"with {authority.partnership}."
            )
        if not dry_run:
            self.stdout.write(self.style.SUCCESS(f"Case log imported: {_cases(len(plan.new))}."))
