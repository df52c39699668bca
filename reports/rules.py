"""Who sees the national statistics: the Panel's caseworkers and its analysts (django-rules)."""

import rules

from organisations.models import Role
from organisations.rules import is_panel_caseworker
from organisations.selectors import user_scope


@rules.predicate
def is_analyst(user):
    """A Panel or DfE analyst: statistics and pseudonymised data, never a case."""
    return Role.ANALYST in user_scope(user=user).panel_roles


VIEW_STATISTICS = "reports.view_statistics"

rules.add_perm(VIEW_STATISTICS, is_panel_caseworker | is_analyst)
