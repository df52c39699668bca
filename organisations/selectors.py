"""Reads of organisations and people."""

from django.db.models import Prefetch, Q

from .models import Membership, Organisation, User


def organisation_list(*, kind=None):
    qs = Organisation.objects.select_related("region", "partnership").order_by("kind", "name")
    return qs.filter(kind=kind) if kind else qs


def organisation_find(*, name_or_code):
    """An organisation by its exact name (any case) or code; `Panel` names the Panel."""
    if name_or_code.strip().lower() in {"panel", "the panel"}:
        return Organisation.objects.get(kind=Organisation.Kind.PANEL)
    return Organisation.objects.get(Q(name__iexact=name_or_code.strip()) | Q(code__iexact=name_or_code.strip()))


def user_memberships(*, user):
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def user_with_memberships(*, user):
    memberships = Membership.objects.select_related("organisation__region", "organisation__partnership")
    return User.objects.prefetch_related(Prefetch("memberships", queryset=memberships)).get(pk=user.pk)
