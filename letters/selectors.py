"""Reads of letters: only those of cases the person sees, and of those only the letters they may see."""

from incidents.selectors import case_scope
from organisations.selectors import user_scope

from .models import Letter


def letter_list(*, user):
    """The Panel's caseworkers see every letter of the cases they see; the case's authority and
    partnership see issued letters only; analysts none (they see no cases). The cases' scope is checked on
    each letter's own case (joined anyway to show it)."""
    letters = Letter.objects.filter(case_scope(user=user, through="incident")).select_related(
        "incident__notifying_la__partnership",
        "rapid_review_version",
        "drafted_by",
        "approved_by",
        "sent_back_by",
        "issued_by",
    )
    if user.is_superuser or user_scope(user=user).is_panel_caseworker:
        return letters
    return letters.filter(status=Letter.Status.ISSUED)


def letter_get(*, user, pk):
    return letter_list(user=user).get(pk=pk)


def letters_of(*, user, incident):
    return letter_list(user=user).filter(incident=incident)
