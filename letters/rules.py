"""Who may see and do what with the Panel's letters, declared once as django-rules permissions.

The Panel sees every letter; the case's local authority and partnership see issued letters only (for
them a draft does not exist); analysts see none. The secretariat drafts and issues; a Panel member or
secretariat colleague other than the person who wrote the text approves it (four eyes).
"""

import rules

from incidents.rules import leads_for_case, notifies_for_case
from organisations.rules import is_panel_caseworker, is_secretariat


@rules.predicate
def wrote_it(user, letter):
    return letter is not None and letter.drafted_by_id is not None and letter.drafted_by_id == user.pk


@rules.predicate
def is_issued(user, letter):
    return letter is not None and letter.status == letter.Status.ISSUED


rules.add_perm("letters.view_letter", is_panel_caseworker | (is_issued & (notifies_for_case | leads_for_case)))
rules.add_perm("letters.draft_letter", is_secretariat)
# The PDF as it would be issued is the Panel's to check; the case's LA and partnership read the issued letter.
rules.add_perm("letters.preview_letter", is_panel_caseworker)
rules.add_perm("letters.approve_letter", is_panel_caseworker & ~wrote_it)
rules.add_perm("letters.issue_letter", is_secretariat)
