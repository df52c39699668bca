"""Who a person is, as django-rules predicates: the roles every app's permissions are built from.

Active superusers pass every permission before these are asked (Django's `User.has_perm`), so no
rule repeats `is_superuser`.
"""

import rules

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
