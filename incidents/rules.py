"""Who may do what to a case. Transitions name these as their `permission`; services check them first.

Seeing a case is the selector's business (incidents.selectors.incident_list); these rules decide what a
person who can see it may do.
"""

from organisations.models import Role
from organisations.selectors import user_scope


def is_notifier_for(user, incident):
    """A notifier in the local authority that made (or must make) the notification."""
    return incident.notifying_la_id in user_scope(user=user).notifier_la_ids


def can_submit(incident, user):
    return user.is_superuser or is_notifier_for(user, incident)


def can_confirm(incident, user):
    return user.is_superuser or is_notifier_for(user, incident)


def can_withdraw(incident, user):
    return user.is_superuser or is_notifier_for(user, incident) or user_scope(user=user).is_secretariat


def can_edit(incident, user):
    """The notifying authority edits its case; the secretariat corrects one once it reached the Panel."""
    if user.is_superuser or is_notifier_for(user, incident):
        return True
    return user_scope(user=user).is_secretariat and incident.status != incident.Status.DRAFT


def can_start_notification(user, local_authority):
    return user.is_superuser or local_authority.pk in user_scope(user=user).notifier_la_ids


def can_key_offline(user):
    return user.is_superuser or user_scope(user=user).is_secretariat


def can_see_child_names(user):
    """Names go to those who work the case: the authority, the partnership and the secretariat."""
    scope = user_scope(user=user)
    return bool(scope.notifier_la_ids or scope.partnership_ids or Role.PANEL_SECRETARIAT in scope.panel_roles)
