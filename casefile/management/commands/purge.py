"""`manage.py purge [--dry-run]`: remove what is past its retention period and record what was removed."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from casefile.retention import records_purge


class Command(BaseCommand):
    help = (
        "Remove every record past its retention period (CASE_RETENTION_YEARS and the other periods in the "
        "README), cases whole with their files, and record what was removed. --dry-run removes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be removed; remove nothing.")

    def handle(self, *args, dry_run=False, **options):
        results = records_purge(now=timezone.now(), dry_run=dry_run)
        heading = "Would remove" if dry_run else "Removed"
        width = max(len(purged.label) for purged in results)
        self.stdout.write(f"{'Records':<{width}}  {heading:>12}  Older than")
        for purged in results:
            self.stdout.write(
                f"{purged.label:<{width}}  {purged.count:>12}  {timezone.localtime(purged.before):%Y-%m-%d %H:%M}"
            )
            if purged.identifiers:
                self.stdout.write(f"  {', '.join(purged.identifiers)}")
        total = sum(purged.count for purged in results)
        if dry_run:
            self.stdout.write(f"Dry run: nothing removed ({total} records are past their retention period).")
        elif total:
            self.stdout.write(self.style.SUCCESS(f"Removed {total} records; recorded in the purge records."))
        else:
            self.stdout.write("Nothing is past its retention period.")
