"""Who may do what to a case, declared once as django-rules permissions.

Transitions name these as their `permission`; services check them through `incidents.workflow`; the
API and the admin ask `user.has_perm`. The object is the case, or a record of it with a `case`
property (a rapid review, a local review, a recommendation). Seeing a case at all is the selector's
business (`incidents.selectors.incident_list`); `view_case` asks it.
"""

import rules

from organisations.rules import is_notifier, is_partnership_lead, is_secretariat, leads_for, notifies_for, reads_cases

from .selectors import incident_visible


@rules.predicate
def sees_case(user, record):
    return record is not None and incident_visible(user=user, incident=record.case)


@rules.predicate
def notifies_for_case(user, record):
    """A notifier in the local authority that made (or must make) the notification."""
    return record is not None and notifies_for(user, record.case.notifying_la)


@rules.predicate
def leads_for_case(user, record):
    """A lead of the partnership covering the authority that notified the case."""
    return record is not None and leads_for(user, record.case.notifying_la)


@rules.predicate
def is_draft(user, record):
    return record is not None and record.case.status == record.case.Status.DRAFT


VIEW_CASE = "incidents.view_case"

rules.add_perm(VIEW_CASE, sees_case)
rules.add_perm("incidents.read_cases", reads_cases)
rules.add_perm("incidents.start_notification", notifies_for)  # the object is the local authority
# Asked before a new case's details are read: a notifier starts one (for their own authority, which
# start_notification then asks), the secretariat keys one sent offline; nobody else starts a case.
START_CASE = "incidents.start_case"
rules.add_perm(START_CASE, is_notifier | is_secretariat)
rules.add_perm("incidents.key_offline", is_secretariat)
rules.add_perm("incidents.submit_notification", notifies_for_case)
rules.add_perm("incidents.confirm_notification", notifies_for_case)
rules.add_perm("incidents.withdraw_notification", notifies_for_case | is_secretariat)
# The notifying authority edits its case; the secretariat corrects one once it reached the Panel.
rules.add_perm("incidents.change_case", notifies_for_case | (is_secretariat & ~is_draft))
# Names go to those who work the case: the authority, the partnership and the secretariat.
rules.add_perm("incidents.see_child_names", is_notifier | is_partnership_lead | is_secretariat)
