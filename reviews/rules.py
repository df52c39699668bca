"""Who may do what to a rapid review or a local review, once they can see the case."""

from organisations.selectors import user_scope


def is_lead_for(user, incident):
    """A lead of the partnership covering the authority that notified the case."""
    return incident.notifying_la.partnership_id in user_scope(user=user).partnership_ids


def can_send_rapid_review(incident, user):
    return user.is_superuser or is_lead_for(user, incident)


def can_return_rapid_review(review, user):
    return user.is_superuser or user_scope(user=user).is_secretariat


def can_propose_not_needed(review, user):
    return user.is_superuser or is_lead_for(user, review.incident)


def can_decide_not_needed(review, user):
    """The Panel decides: its secretariat or a member."""
    return user.is_superuser or user_scope(user=user).is_panel_caseworker


def can_run_lcspr(lcspr, user):
    """The partnership runs its local review; the secretariat keeps the Panel's record of it."""
    return user.is_superuser or is_lead_for(user, lcspr.incident) or user_scope(user=user).is_secretariat


def can_give_panel_view(lcspr, user):
    return user.is_superuser or user_scope(user=user).is_panel_caseworker
