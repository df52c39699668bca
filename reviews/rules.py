"""Who may do what to a rapid review or a local review, declared once as django-rules permissions.

The object is the review's case or a record of it with a `case` property (incidents.rules).
"""

import rules

from incidents.rules import leads_for_case
from organisations.rules import is_panel_caseworker, is_secretariat, leads_for

# A rapid review for an incident nobody notified: the object is the local authority.
rules.add_perm("reviews.send_unnotified_rapid_review", leads_for)
rules.add_perm("reviews.open_unnotified_case", leads_for_case)
rules.add_perm("reviews.send_rapid_review", leads_for_case)
rules.add_perm("reviews.return_rapid_review", is_secretariat)
rules.add_perm("reviews.propose_not_needed", leads_for_case)
# The Panel decides: its secretariat or a member.
rules.add_perm("reviews.decide_not_needed", is_panel_caseworker)
# The partnership runs its local review; the secretariat keeps the Panel's record of it.
rules.add_perm("reviews.run_lcspr", leads_for_case | is_secretariat)
rules.add_perm("reviews.give_panel_view", is_panel_caseworker)
