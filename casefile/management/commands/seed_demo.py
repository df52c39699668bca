"""Seed demonstration people and cases, through every app, for local use and reviews."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from incidents.demo import demo_cases_seed
from organisations.demo import demo_people_seed, demo_reference_data_present
from reviews.demo import demo_reviews_seed


class Command(BaseCommand):
    help = "Create demo people, one for each role, and cases in every state; print the logins. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Seed even though DEBUG is off (never on a live service)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data is for development: set DEBUG=true, or pass --force.")
        if not demo_reference_data_present():
            raise CommandError("Load the reference data first: manage.py load_reference_data")
        logins = demo_people_seed()
        cases = demo_cases_seed() + demo_reviews_seed()
        if cases:
            self.stdout.write(f"Created {cases} demo cases in Leeds")
        self.stdout.write("Demo logins (passwords are new on every run):")
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.password}  {login.description}")
        self.stdout.write(
            "The Panel's people and the administrator set up two-factor authentication (an authenticator app "
            "on a phone) the first time they sign in; the others may turn it on under Two-factor authentication."
        )
