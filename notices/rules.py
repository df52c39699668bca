"""Who may see what the service sent, declared once as django-rules permissions."""

import rules

from organisations.rules import is_panel_caseworker, is_secretariat

rules.add_perm("notices.see_chasers", is_secretariat)
# Who was told what about a case: the Panel's record of it.
rules.add_perm("notices.see_case_notices", is_panel_caseworker)
