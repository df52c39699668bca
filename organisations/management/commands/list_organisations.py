"""Print every organisation: kind, name, code, and for a local authority its region and partnership."""

import json

from django.core.management.base import BaseCommand

from organisations.selectors import organisation_list


def organisation_record(org):
    record = {"kind": org.kind, "name": org.name, "code": org.code}
    if org.kind == org.Kind.LOCAL_AUTHORITY:
        record["region"] = org.region.name
        record["partnership"] = org.partnership.name if org.partnership else None
    return record


class Command(BaseCommand):
    help = "List every organisation."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        records = [organisation_record(org) for org in organisation_list()]
        if options["format"] == "json":
            self.stdout.write(json.dumps(records, indent=2))
            return
        for r in records:
            extra = f"\t{r['region']}\t{r['partnership'] or ''}" if "region" in r else ""
            self.stdout.write(f"{r['kind']}\t{r['name']}\t{r['code']}{extra}")
