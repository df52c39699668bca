"""Load regions, local authorities, partnerships, the Panel and bank holidays (two apps, so it lives above both)."""

from django.core.management.base import BaseCommand

from deadlines.services import bank_holidays_sync
from organisations.services import reference_data_load


class Command(BaseCommand):
    help = "Load regions, the 153 local authorities, their partnerships, the Panel and bank holidays."

    def handle(self, *args, **options):
        counts = reference_data_load()
        holidays = bank_holidays_sync()
        for label, numbers in (("Created", counts.created), ("Updated", counts.updated)):
            for kind, number in sorted(numbers.items()):
                self.stdout.write(f"{label} {number} {kind.replace('_', ' ')}")
        if holidays:
            self.stdout.write(f"Added {holidays} bank holidays")
        if not counts.changed_anything and not holidays:
            self.stdout.write("Reference data already up to date")
        self.stdout.write(self.style.SUCCESS("Reference data loaded"))
