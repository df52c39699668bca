"""Demonstration people for a local or review environment: one person for each role, and an administrator."""

import secrets
from dataclasses import dataclass

from django.db import transaction

from .models import Organisation, Role, User
from .selectors import organisation_find
from .services import user_create

DEMO_LOCAL_AUTHORITY = "E08000035"  # Leeds
DEMO_OTHER_LOCAL_AUTHORITY = "E08000032"  # Bradford, for seeing what another authority cannot

DEMO_PEOPLE = [
    ("notifier@leeds.example.org", DEMO_LOCAL_AUTHORITY, Role.LA_NOTIFIER, "Lee Notifier"),
    ("notifier@bradford.example.org", DEMO_OTHER_LOCAL_AUTHORITY, Role.LA_NOTIFIER, "Brad Notifier"),
    ("lead@leeds-partnership.example.org", "partnership-of:" + DEMO_LOCAL_AUTHORITY, Role.PARTNERSHIP_LEAD, "Pat Lead"),
    ("secretariat@panel.example.org", "Panel", Role.PANEL_SECRETARIAT, "Sam Secretariat"),
    ("member@panel.example.org", "Panel", Role.PANEL_MEMBER, "Mo Member"),
    ("analyst@panel.example.org", "Panel", Role.ANALYST, "Ana Analyst"),
]
DEMO_ADMIN = "admin@csprp.example.org"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    description: str


def _organisation(ref):
    if ref.startswith("partnership-of:"):
        return organisation_find(name_or_code=ref.removeprefix("partnership-of:")).partnership
    return organisation_find(name_or_code=ref)


@transaction.atomic
def demo_people_seed():
    """Create the demo people, or find them again, and give each a fresh random password to print.

    Needs the reference data. Passwords are new on every run, so a printed login always works and no
    password is ever known in advance.
    """
    logins = []
    for email, org_ref, role, full_name in DEMO_PEOPLE:
        organisation = _organisation(org_ref)
        password = secrets.token_urlsafe(12)
        user_create(email=email, organisation=organisation, role=role, full_name=full_name, password=password)
        logins.append(DemoLogin(email, password, f"{role.label}, {organisation.name}"))

    password = secrets.token_urlsafe(12)
    admin = User.objects.filter(email=DEMO_ADMIN).first() or User.objects.create_superuser(DEMO_ADMIN)
    admin.set_password(password)
    admin.save(update_fields=["password"])
    logins.append(DemoLogin(DEMO_ADMIN, password, "Administrator (Django admin)"))
    return logins


def demo_reference_data_present():
    return Organisation.objects.filter(code=DEMO_LOCAL_AUTHORITY).exists()
