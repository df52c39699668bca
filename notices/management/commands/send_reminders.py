"""One pass of the reminder engine, synchronously: everything due now is sent exactly once."""

from django.core.management.base import BaseCommand

from notices.services import reminders_pass


class Command(BaseCommand):
    help = "Run one pass of the reminder engine now: stop, make and send what is due."

    def handle(self, *args, **options):
        counts = reminders_pass()
        self.stdout.write(f"Stopped {counts['stopped']}, made {counts['made']}, sent {counts['sent']} reminders")
