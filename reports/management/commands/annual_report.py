"""manage.py annual_report --from YYYY-MM-DD --to YYYY-MM-DD [--format json|csv]"""

import csv
import datetime
import io
import json

from django.core.management.base import BaseCommand, CommandError

from reports.figures import annual_report, flatten


def iso_date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date: give it as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Print the annual report's figures for incidents dated from --from to --to (both included), as "
        "data-standard.md sets them out: the same figures as GET /api/v1/reports/annual/. "
        "--format json (the default) prints the report as JSON. --format csv prints one row per figure with "
        "the columns `figure` and `value`: the figure is the path of its keys joined by dots, such as "
        "`children.age_group_by_sex.under_1.male`; a value not known (a mean of no lags) is an empty cell."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, type=str, help="first incident date, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, type=str, help="last incident date, YYYY-MM-DD")
        parser.add_argument("--format", choices=["json", "csv"], default="json", help="json (default) or csv")

    def handle(self, *args, date_from, date_to, format, **options):
        date_from, date_to = iso_date(date_from), iso_date(date_to)
        if date_from > date_to:
            raise CommandError("The end of the period (--to) must not be before its start (--from).")
        report = annual_report(date_from=date_from, date_to=date_to)
        if format == "json":
            self.stdout.write(json.dumps(report, indent=2))
            return
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["figure", "value"])
        for figure, value in flatten(report):
            writer.writerow([figure, "" if value is None else value])
        self.stdout.write(out.getvalue(), ending="")
