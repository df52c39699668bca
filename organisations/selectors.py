"""Reads of organisations and people, and what a person's roles let them see."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q

from .models import Membership, Organisation, Role, User

PANEL_ROLES = {Role.PANEL_SECRETARIAT, Role.PANEL_MEMBER, Role.ANALYST}


def organisation_list(*, kind=None):
    qs = Organisation.objects.select_related("region", "partnership").order_by("kind", "name")
    return qs.filter(kind=kind) if kind else qs


def organisation_find(*, name_or_code):
    """An organisation by its exact name (any case) or code; `Panel` names the Panel."""
    if name_or_code.strip().lower() in {"panel", "the panel"}:
        return Organisation.objects.get(kind=Organisation.Kind.PANEL)
    return Organisation.objects.get(Q(name__iexact=name_or_code.strip()) | Q(code__iexact=name_or_code.strip()))


def api_tokens_of(*, user):
    """The person's API tokens, newest first: only their first characters and dates, never the token."""
    from knox.models import AuthToken

    return AuthToken.objects.filter(user=user).order_by("-created")


def user_memberships(*, user):
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def user_with_memberships(*, user):
    memberships = Membership.objects.select_related("organisation__region", "organisation__partnership")
    return User.objects.prefetch_related(Prefetch("memberships", queryset=memberships)).get(pk=user.pk)


@dataclass(frozen=True)
class Scope:
    """The organisations a person acts for, by role. Every read of cases is scoped through this."""

    notifier_la_ids: frozenset
    partnership_ids: frozenset
    panel_roles: frozenset

    @property
    def is_panel_caseworker(self):
        return bool(self.panel_roles & {Role.PANEL_SECRETARIAT, Role.PANEL_MEMBER})

    @property
    def is_secretariat(self):
        return Role.PANEL_SECRETARIAT in self.panel_roles

    @property
    def reads_cases(self):
        """Analysts see statistics only; every other role sees some cases."""
        return bool(self.notifier_la_ids or self.partnership_ids or self.is_panel_caseworker)


def user_scope(*, user):
    """The person's scope, worked out once per request (cached on the user object)."""
    cached = getattr(user, "_csprp_scope", None)
    if cached is not None:
        return cached
    rows = (
        list(Membership.objects.filter(user=user).values_list("role", "organisation_id"))
        if user.is_authenticated
        else []
    )
    scope = Scope(
        notifier_la_ids=frozenset(org for role, org in rows if role == Role.LA_NOTIFIER),
        partnership_ids=frozenset(org for role, org in rows if role == Role.PARTNERSHIP_LEAD),
        panel_roles=frozenset(Role(role) for role, _org in rows if role in PANEL_ROLES),
    )
    user._csprp_scope = scope
    return scope


def recovery_codes_left(*, user):
    """How many of the person's single-use recovery codes are unused."""
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
