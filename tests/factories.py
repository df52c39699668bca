"""Factories for the tests: one place, real database rows."""

import factory
from factory.django import DjangoModelFactory

from organisations.models import Membership, Organisation, Region, Role, User

PASSWORD = "correct horse battery staple"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["gss_code"]

    name = "Yorkshire and The Humber"
    gss_code = "E12000003"


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.PARTNERSHIP
    name = factory.Sequence(lambda n: f"Partnership {n} Safeguarding Children Partnership")
    code = factory.Sequence(lambda n: f"partnership-{n}")


class LocalAuthorityFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.LOCAL_AUTHORITY
    name = factory.Sequence(lambda n: f"Authority {n}")
    code = factory.Sequence(lambda n: f"E0800{n:04d}")
    region = factory.SubFactory(RegionFactory)
    partnership = factory.SubFactory(PartnershipFactory)


class PanelFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["kind"]

    kind = Organisation.Kind.PANEL
    name = "Child Safeguarding Practice Review Panel"
    code = "panel"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(LocalAuthorityFactory)
    role = Role.LA_NOTIFIER
