"""Write the pseudonymised case-level CSV for analysts."""

from django.core.management.base import BaseCommand, CommandError

from audit.services import Action, access_record
from reports.exports import PseudonymKeyMissing, case_export, lines_write


class Command(BaseCommand):
    help = (
        "Write every counted case as one CSV row per child: codes, months and a keyed pseudonym (PSEUDONYM_KEY) "
        "in place of the reference; no names, no dates of birth."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="PATH", help="Write to this file instead of standard output.")

    def handle(self, *args, **options):
        try:
            lines = case_export()
        except PseudonymKeyMissing as error:
            raise CommandError(str(error)) from None
        access_record(action=Action.EXPORTED, kind="cases_pseudonymised", identifier=options["output"] or "stdout")
        rows = lines_write(lines, path=options["output"], stream=self.stdout)
        if options["output"]:
            self.stdout.write(f"Wrote {rows} rows to {options['output']}")
