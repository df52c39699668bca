"""manage.py annual_report --from YYYY-MM-DD --to YYYY-MM-DD [--format json|csv]"""

import csv
import io
import json

from django.core.management.base import BaseCommand, CommandError

from audit.services import Action, access_record
from reports.figures import annual_report, flatten
from reports.serializers import AnnualReportQuerySerializer


class Command(BaseCommand):
    help = (
        "Print the annual report's figures for incidents dated from --from to --to (both included), as "
        "data-standard.md sets them out: the same figures as GET /api/v1/reports/annual/. "
        "--format json (the default) prints the report as JSON. --format csv prints one row per figure under "
        "the header `figure,value`: the figure is the path of its keys joined by dots, such as "
        "`children.age_group_by_sex.under_1.male`, and a value not known (the mean or 90th percentile of no "
        "lags) is an empty cell."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="date_from", required=True, metavar="YYYY-MM-DD", help="the first incident date, YYYY-MM-DD"
        )
        parser.add_argument(
            "--to", dest="date_to", required=True, metavar="YYYY-MM-DD", help="the last incident date, YYYY-MM-DD"
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json", help="json (the default) or csv")

    def handle(self, *args, date_from, date_to, format, **options):
        # The API's checks: real dates in the service's plausible range, the period the right way round.
        query = AnnualReportQuerySerializer(data={"from": date_from, "to": date_to})
        if not query.is_valid():
            problems = [f"--{name}: {' '.join(map(str, messages))}" for name, messages in query.errors.items()]
            raise CommandError("\n".join(problems))
        period = {name: str(value) for name, value in query.validated_data.items()}
        access_record(
            action=Action.EXPORTED,
            kind="annual_report",
            identifier=f"{period['from']}-to-{period['to']}",
            detail={"filters": {**period, "format": format}},
        )
        report = annual_report(date_from=query.validated_data["from"], date_to=query.validated_data["to"])
        if format == "json":
            self.stdout.write(json.dumps(report, indent=2))
            return
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["figure", "value"])
        for figure, value in flatten(report):
            writer.writerow([figure, "" if value is None else value])
        self.stdout.write(out.getvalue(), ending="")
