"""Organisations (local authorities, safeguarding partnerships, the Panel), people and their roles."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Region(models.Model):
    """One of England's nine regions (ONS E12 codes); the name is the code used in data and reports."""

    name = models.CharField(max_length=50, unique=True)
    gss_code = models.CharField("GSS code", max_length=9, unique=True)

    class Meta:
        ordering = ["gss_code"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    """Any body whose people use the service. Local authorities carry a region and a partnership."""

    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        PARTNERSHIP = "partnership", "Safeguarding partnership"
        PANEL = "panel", "The Panel"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200, unique=True)
    # A local authority's GSS code (E06, E08, E09 or E10); a partnership's code is derived from its name.
    code = models.CharField(max_length=100, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations")
    # A shared inbox that is told what its people are told (notices), beside the people themselves.
    team_mailbox = models.EmailField(blank=True, help_text="Told of every reminder and message its people get.")
    partnership = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="local_authorities",
        limit_choices_to={"kind": Kind.PARTNERSHIP},
    )

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                name="organisation_region_only_for_local_authorities",
                condition=Q(kind="local_authority", region__isnull=False)
                | (~Q(kind="local_authority") & Q(region__isnull=True)),
            ),
            models.CheckConstraint(
                name="organisation_partnership_only_for_local_authorities",
                condition=Q(kind="local_authority") | Q(partnership__isnull=True),
            ),
            # There is one Panel.
            models.UniqueConstraint(fields=["kind"], condition=Q(kind="panel"), name="organisation_one_panel"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == self.Kind.LOCAL_AUTHORITY and self.region_id is None:
            raise ValidationError({"region": "A local authority must be in a region."})
        if self.kind != self.Kind.LOCAL_AUTHORITY:
            errors = {}
            if self.region_id is not None:
                errors["region"] = "Only a local authority has a region."
            if self.partnership_id is not None:
                errors["partnership"] = "Only a local authority belongs to a partnership."
            if errors:
                raise ValidationError(errors)
        if self.partnership_id is not None and self.partnership.kind != self.Kind.PARTNERSHIP:
            raise ValidationError({"partnership": "Choose a safeguarding partnership."})


class LocalAuthorityManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Organisation.Kind.LOCAL_AUTHORITY)


class PartnershipManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Organisation.Kind.PARTNERSHIP)


class LocalAuthority(Organisation):
    """The 153 children's services authorities (and any the case-log import adds)."""

    objects = LocalAuthorityManager()

    class Meta:
        proxy = True
        verbose_name_plural = "local authorities"

    def save(self, *args, **kwargs):
        self.kind = Organisation.Kind.LOCAL_AUTHORITY
        super().save(*args, **kwargs)


class Partnership(Organisation):
    """A local safeguarding children partnership, covering one or more local authorities."""

    objects = PartnershipManager()

    class Meta:
        proxy = True
        verbose_name = "safeguarding partnership"

    def save(self, *args, **kwargs):
        self.kind = Organisation.Kind.PARTNERSHIP
        super().save(*args, **kwargs)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their work email address. Staff are the service's administrators."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    # Reminders of statutory deadlines always go; messages about what happened on a case are a choice.
    wants_case_messages = models.BooleanField(
        "email me about what happens on my cases",
        default=True,
        help_text="Reminders of statutory deadlines are always sent.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("administrator", default=False, help_text="Can use the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name or self.email


class Role(models.TextChoices):
    """Roles from the shared interfaces; each belongs to one kind of organisation."""

    LA_NOTIFIER = "la_notifier", "Local authority notifier"
    PARTNERSHIP_LEAD = "partnership_lead", "Partnership lead"
    PANEL_SECRETARIAT = "panel_secretariat", "Panel secretariat"
    PANEL_MEMBER = "panel_member", "Panel member"
    ANALYST = "analyst", "Analyst"


ROLE_ORGANISATION_KIND = {
    Role.LA_NOTIFIER: Organisation.Kind.LOCAL_AUTHORITY,
    Role.PARTNERSHIP_LEAD: Organisation.Kind.PARTNERSHIP,
    Role.PANEL_SECRETARIAT: Organisation.Kind.PANEL,
    Role.PANEL_MEMBER: Organisation.Kind.PANEL,
    Role.ANALYST: Organisation.Kind.PANEL,
}


_KIND_PHRASES = {
    Organisation.Kind.LOCAL_AUTHORITY: "a local authority",
    Organisation.Kind.PARTNERSHIP: "a safeguarding partnership",
    Organisation.Kind.PANEL: "the Panel",
}


def role_mismatch_message(role, organisation):
    """Why `organisation` cannot hold `role`, or None when it can."""
    expected = ROLE_ORGANISATION_KIND[Role(role)]
    if organisation.kind == expected:
        return None
    return f"{Role(role).label} is a role in {_KIND_PHRASES[expected]}; {organisation} is not."


class Membership(models.Model):
    """A person's role in one organisation. A person may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "organisation", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}, {self.organisation}"

    def clean(self):
        if self.role in Role.values and self.organisation_id:
            message = role_mismatch_message(self.role, self.organisation)
            if message:
                raise ValidationError({"role": message})
