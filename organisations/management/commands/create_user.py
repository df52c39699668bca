"""Create a user with a role in an organisation; with --api-token print only a new API token."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from organisations.models import Organisation, Role
from organisations.selectors import organisation_find
from organisations.services import api_token_create, user_create


class Command(BaseCommand):
    help = "Create a user (or add a role to one). NAME is an LA's name or GSS code, a partnership's name, or Panel."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--organisation", required=True, metavar="NAME")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--full-name", default="")
        parser.add_argument("--api-token", action="store_true", help="Print a new API token and nothing else.")

    def handle(self, *args, **options):
        try:
            organisation = organisation_find(name_or_code=options["organisation"])
        except Organisation.DoesNotExist:
            raise CommandError(f"No organisation is called {options['organisation']!r}.") from None
        except Organisation.MultipleObjectsReturned:
            raise CommandError(f"{options['organisation']!r} names more than one organisation.") from None
        try:
            user = user_create(
                email=options["email"],
                organisation=organisation,
                role=options["role"],
                full_name=options["full_name"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        if options["api_token"]:
            self.stdout.write(api_token_create(user=user))
        else:
            self.stdout.write(f"{user.email}: {Role(options['role']).label}, {organisation.name}")
            if not user.has_usable_password():
                self.stdout.write(f"Set a password with: manage.py changepassword {user.email}")
