"""Who a person is, as django-rules predicates: the roles every app's permissions are built from.

Active superusers pass every permission before these are asked (Django's `User.has_perm`), so no
rule repeats `is_superuser`.
"""

import rules
from django_otp.plugins.otp_totp.models import TOTPDevice

from .selectors import user_scope


@rules.predicate
def is_secretariat(user):
    return user_scope(user=user).is_secretariat


@rules.predicate
def is_panel_caseworker(user):
    """The secretariat or a Panel member: the people who work cases for the Panel."""
    return user_scope(user=user).is_panel_caseworker


@rules.predicate
def is_notifier(user):
    return bool(user_scope(user=user).notifier_la_ids)


@rules.predicate
def is_partnership_lead(user):
    return bool(user_scope(user=user).partnership_ids)


@rules.predicate
def reads_cases(user):
    """Analysts see statistics only; every other role sees some cases."""
    return user_scope(user=user).reads_cases


@rules.predicate
def notifies_for(user, local_authority):
    """A notifier in this local authority."""
    return local_authority is not None and local_authority.pk in user_scope(user=user).notifier_la_ids


@rules.predicate
def leads_for(user, local_authority):
    """A lead of the partnership covering this local authority."""
    return (
        local_authority is not None
        and local_authority.partnership_id is not None
        and local_authority.partnership_id in user_scope(user=user).partnership_ids
    )


@rules.predicate
def must_use_second_factor(user):
    """Panel people and administrators see cases from every local authority in England (or can grant that),
    so a password alone is not enough for them (issue 13: sign-in security)."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or bool(user_scope(user=user).panel_roles)


@rules.predicate
def has_second_factor(user):
    """Has set up an authenticator app: anyone who has is asked for a code at every sign-in. (Recovery codes
    come with the app and are not a second factor of their own.)"""
    return user.is_authenticated and TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


# Who is asked for a code from an authenticator app before the service lets them in.
needs_second_factor = must_use_second_factor | has_second_factor
