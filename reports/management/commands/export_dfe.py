"""Write the notification tables shaped like DfE's serious incident notification statistics."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.services import Action, access_record
from organisations.serializers import EARLIEST_DATE
from reports.exports import dfe_export, latest_reporting_year, lines_write


class Command(BaseCommand):
    help = (
        "Write notifications by notification date over reporting years ending 31 March, by nature (death, "
        "serious harm, other) against the index child's characteristics, as CSV: one table per characteristic."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from-year", type=int, required=True, help="The first reporting year, by its April: 2022 is 2022-23."
        )
        parser.add_argument("--to-year", type=int, help="The last reporting year (the first if not given).")
        parser.add_argument("--output", metavar="PATH", help="Write to this file instead of standard output.")

    def handle(self, *args, **options):
        from_year = options["from_year"]
        to_year = options["to_year"] if options["to_year"] is not None else from_year
        latest = latest_reporting_year(timezone.localdate())
        for year in (from_year, to_year):
            if not EARLIEST_DATE.year <= year <= latest:
                raise CommandError(f"Give reporting years from {EARLIEST_DATE.year} to {latest}.")
        if from_year > to_year:
            raise CommandError("--to-year cannot come before --from-year.")
        access_record(
            action=Action.EXPORTED,
            kind="dfe_tables",
            identifier=options["output"] or "stdout",
            detail={"filters": {"from_year": str(from_year), "to_year": str(to_year)}},
        )
        rows = lines_write(dfe_export(from_year=from_year, to_year=to_year), path=options["output"], stream=self.stdout)
        if options["output"]:
            self.stdout.write(f"Wrote {rows} rows to {options['output']}")
