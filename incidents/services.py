"""Writes to cases: start, key offline, change, submit, withdraw and confirm a notification.

Each service locks the case and checks, in this order, that the person can see it (404), that their
role allows the step (PermissionDenied: 403), that its state allows it (TransitionNotAllowed: 409) and
the input (ValidationError: 400); then it changes the case, records a timeline event and recomputes the
deadlines, all in one transaction. Pages, the API and Celery tasks all call these.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django_fsm import TransitionNotAllowed

from deadlines.models import Deadline
from deadlines.services import deadline_schedule, deadline_sync, deadlines_cancel_open
from deadlines.workingdays import WorkingCalendar

from .codes import Channel, OfflineMethod, Reason
from .models import Child, Incident, ReferenceSequence, TimelineEvent
from .workflow import (
    OFFLINE_NOTIFICATION_TYPES,
    case_lock,
    document_check,
    document_store,
    documents_discarded_on_error,
    permission_check,
    timeline_record,
    today,
    transition_check,
    version_check,
    version_next,
)

# Working Together to Safeguard Children: notify the Panel within 5 working days of becoming aware.
NOTIFICATION_WORKING_DAYS = 5
# The Panel's own requests: confirm an offline notification, or make a retrospective one, within 5
# working days of being asked.
OFFLINE_CONFIRMATION_WORKING_DAYS = 5
RETROSPECTIVE_WORKING_DAYS = 5
# Working Together: the partnership sends its rapid review within 15 working days of the notification.
RAPID_REVIEW_WORKING_DAYS = 15

# More children than any real incident involves: a bound on what one request can make.
MAX_CHILDREN_PER_CASE = 20

CASE_FIELDS = (
    "home_la",
    "placing_la",
    "incident_date",
    "la_aware_date",
    "reason",
    "abuse_or_neglect",
    "looked_after_child_death",
    "case_outline",
)
OFFLINE_FIELDS = ("offline_method", "offline_received_on")
CHILD_FIELDS = tuple(f.name for f in Child._meta.get_fields() if f.concrete and f.name not in {"id", "incident"})


# References -----------------------------------------------------------------------------------------


def reference_next(*, year):
    """The next case reference for the year, such as CSPR-2025-00042.

    The UPDATE takes the year's row lock until the transaction ends, so two cases created at once
    queue for it and never get the same number. get_or_create copes with two transactions making the
    year's row at the same moment (the loser re-reads it).
    """
    ReferenceSequence.objects.get_or_create(year=year)
    ReferenceSequence.objects.filter(year=year).update(last_number=F("last_number") + 1)
    number = ReferenceSequence.objects.values_list("last_number", flat=True).get(year=year)
    return f"CSPR-{year}-{number:05d}"


# Checks ---------------------------------------------------------------------------------------------


def check_case_dates(*, incident_date, la_aware_date, on):
    errors = {}
    if incident_date and incident_date > on:
        errors["incident_date"] = "The incident date cannot be in the future."
    if la_aware_date and la_aware_date > on:
        errors["la_aware_date"] = "The date the local authority became aware cannot be in the future."
    if incident_date and la_aware_date and la_aware_date < incident_date:
        errors["la_aware_date"] = "The local authority cannot have become aware before the incident."
    if errors:
        raise ValidationError(errors)


def _check_children(children, *, incident_date):
    """One or more children with exactly one index child; ages and dates of birth that agree."""
    if len(children) > MAX_CHILDREN_PER_CASE:
        raise ValidationError({"children": f"A case has at most {MAX_CHILDREN_PER_CASE} children."})
    errors = []
    for number, child in enumerate(children, start=1):
        born, age = child.get("date_of_birth"), child.get("age_years")
        if born and incident_date and born > incident_date:
            errors.append(f"Child {number}: the date of birth cannot be after the incident.")
        elif born and incident_date and age is not None and age != _age_on(born, incident_date):
            errors.append(f"Child {number}: the age does not match the date of birth at the incident date.")
        if age is not None and not 0 <= age <= 17:
            errors.append(f"Child {number}: a child's age is from 0 to 17.")
    if errors:
        raise ValidationError({"children": errors})
    index_children = sum(bool(child.get("is_index")) for child in children)
    if index_children > 1:
        raise ValidationError({"children": "Only one child can be the index child."})
    if len(children) > 1 and index_children == 0:
        raise ValidationError(
            {"children": "Mark the index child: the child with the most obvious serious harm, or the eldest."}
        )


def _age_on(born, day):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _with_derived_age(child, *, incident_date):
    if child.get("date_of_birth") and child.get("age_years") is None and incident_date:
        return {**child, "age_years": _age_on(child["date_of_birth"], incident_date)}
    return child


# Deadlines -------------------------------------------------------------------------------------------


def incident_deadlines_refresh(*, incident, calendar=None):
    """Make the notification stage's deadlines say what the case's dates say (never counted down).

    notification: aware + 5 working days, met on the notification date.
    offline_confirmation: keyed + 5 working days, met when the authority confirms.
    retrospective_notification: the Panel's request + 5 working days, met on the notification date.
    rapid_review: notification date + 15 working days. Not set for a retrospective notification: its
    review came first. Whether it was met or cancelled is for the reviews app to record.
    """
    calendar = calendar or WorkingCalendar.from_database()
    cancelled_on = incident.withdrawn_on if incident.status == Incident.Status.WITHDRAWN else None
    la = incident.notifying_la
    if incident.la_aware_date:
        deadline_sync(
            incident=incident,
            kind=Deadline.Kind.NOTIFICATION,
            responsible=la,
            starts_on=incident.la_aware_date,
            due_on=calendar.add_working_days(incident.la_aware_date, NOTIFICATION_WORKING_DAYS),
            met_on=incident.notified_on,
            cancelled_on=cancelled_on,
        )
    if incident.channel == Channel.OFFLINE:
        deadline_sync(
            incident=incident,
            kind=Deadline.Kind.OFFLINE_CONFIRMATION,
            responsible=la,
            starts_on=incident.offline_keyed_on,
            due_on=calendar.add_working_days(incident.offline_keyed_on, OFFLINE_CONFIRMATION_WORKING_DAYS),
            met_on=incident.offline_confirmed_on,
            cancelled_on=cancelled_on,
        )
    if incident.retrospective_requested_on:
        deadline_sync(
            incident=incident,
            kind=Deadline.Kind.RETROSPECTIVE_NOTIFICATION,
            responsible=la,
            starts_on=incident.retrospective_requested_on,
            due_on=calendar.add_working_days(incident.retrospective_requested_on, RETROSPECTIVE_WORKING_DAYS),
            met_on=incident.notified_on,
            cancelled_on=cancelled_on,
        )
    if incident.notified_on and not incident.retrospective and la.partnership_id:
        deadline_schedule(
            incident=incident,
            kind=Deadline.Kind.RAPID_REVIEW,
            responsible=la.partnership,
            starts_on=incident.notified_on,
            due_on=calendar.add_working_days(incident.notified_on, RAPID_REVIEW_WORKING_DAYS),
        )


def notification_due_on(*, la_aware_date, calendar=None):
    calendar = calendar or WorkingCalendar.from_database()
    return calendar.add_working_days(la_aware_date, NOTIFICATION_WORKING_DAYS)


# Starting a case ------------------------------------------------------------------------------------


def incident_start(*, by, notifying_la, fields, children, channel):
    """Make the case and its children (as a draft); the caller checks who may and moves it on."""
    on = today()
    check_case_dates(incident_date=fields.get("incident_date"), la_aware_date=fields.get("la_aware_date"), on=on)
    children = [_with_derived_age(child, incident_date=fields.get("incident_date")) for child in children]
    _check_children(children, incident_date=fields.get("incident_date"))
    if len(children) == 1:
        children = [{**children[0], "is_index": True}]

    incident = Incident(notifying_la=notifying_la, channel=channel, created_by=by, **fields)
    incident.reference = reference_next(year=on.year)
    incident._history_user = by
    incident.save()
    for child in children:
        _child_save(Child(incident=incident), child, by=by)
    return incident


def _child_save(child, values, *, by):
    for name, value in values.items():
        setattr(child, name, value)
    child._history_user = by
    child.save()
    return child


@transaction.atomic
def incident_create(*, by, notifying_la, children=(), **fields):
    """A local authority starts a draft notification."""
    if not by.has_perm("incidents.start_notification", notifying_la):
        raise PermissionDenied("You can start a notification only for your own local authority.")
    _check_fields(fields, allowed=CASE_FIELDS)
    if not fields.get("la_aware_date"):
        raise ValidationError({"la_aware_date": "Enter the date the local authority became aware of the incident."})
    incident = incident_start(
        by=by, notifying_la=notifying_la, fields=fields, children=list(children), channel=Channel.ONLINE
    )
    timeline_record(incident, TimelineEvent.Kind.CREATED, by=by)
    incident_deadlines_refresh(incident=incident)
    return incident


@documents_discarded_on_error
@transaction.atomic
def incident_key_offline(
    *, by, notifying_la, offline_method, offline_received_on, offline_document=None, children=(), **fields
):
    """The secretariat keys a notification that reached the Panel by email, phone or post.

    It counts as notified on the day it arrived, stays `offline` in every statistic, and the local
    authority is asked to confirm it in the service within 5 working days.
    """
    if not by.has_perm("incidents.key_offline"):
        raise PermissionDenied("Only the Panel secretariat keys offline notifications.")
    _check_fields(fields, allowed=CASE_FIELDS)
    on = today()
    errors = {}
    if offline_method not in OfflineMethod.values:
        errors["offline_method"] = "Say how the notification arrived: email, phone or post."
    if offline_received_on is None:
        errors["offline_received_on"] = "Enter the date the notification was received."
    elif offline_received_on > on:
        errors["offline_received_on"] = "The date received cannot be in the future."
    elif fields.get("la_aware_date") and offline_received_on < fields["la_aware_date"]:
        errors["offline_received_on"] = "The notification cannot have arrived before the authority became aware."
    if offline_document is None and offline_method in (OfflineMethod.EMAIL, OfflineMethod.POST):
        errors["offline_document"] = "Attach the original email or letter."
    if errors:
        raise ValidationError(errors)
    mime = None
    if offline_document is not None:
        mime = document_check(
            field="offline_document", upload=offline_document, allowed_types=OFFLINE_NOTIFICATION_TYPES
        )

    fields = {**fields, "offline_method": offline_method, "offline_received_on": offline_received_on}
    incident = incident_start(
        by=by, notifying_la=notifying_la, fields=fields, children=list(children), channel=Channel.OFFLINE
    )
    if offline_document is not None:
        document_store(incident.offline_document, offline_document, mime=mime)
    incident.key_offline(received_on=offline_received_on, keyed_on=on)
    incident._history_user = by
    incident.save()
    timeline_record(
        incident,
        TimelineEvent.Kind.KEYED_OFFLINE,
        by=by,
        details={"offline_method": offline_method, "offline_received_on": offline_received_on.isoformat()},
    )
    incident_deadlines_refresh(incident=incident)
    return incident


def _check_fields(fields, *, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be set here."))


# Changing a case ------------------------------------------------------------------------------------


@transaction.atomic
def incident_update(*, incident, by, children=None, version=None, **fields):
    """Change a case's details. Every change is kept in its history; a reason change is on the timeline.

    `children` lists changes: an item with an `id` changes that child, one without adds a child.
    `version`, the version the person read: refused (409) if the case has changed since.
    """
    incident = case_lock(incident)
    permission_check(by=by, permission="incidents.change_case", record=incident)
    if incident.status == Incident.Status.WITHDRAWN:
        raise TransitionNotAllowed("A withdrawn notification cannot be changed.")
    version_check(incident, expected=version)
    allowed = CASE_FIELDS + (OFFLINE_FIELDS if incident.channel == Channel.OFFLINE else ())
    _check_fields(fields, allowed=allowed)

    changed = {name: value for name, value in fields.items() if getattr(incident, name) != value}
    merged = {name: changed.get(name, getattr(incident, name)) for name in ("incident_date", "la_aware_date")}
    check_case_dates(**merged, on=today())
    if "offline_received_on" in changed:
        if changed["offline_received_on"] is None or changed["offline_received_on"] > today():
            raise ValidationError({"offline_received_on": "Enter a date received that is not in the future."})
        incident.notified_on = changed["offline_received_on"]

    if changed:
        before = {name: getattr(incident, name) for name in changed}
        for name, value in changed.items():
            setattr(incident, name, value)
        version_next(incident)
        incident._history_user = by
        incident.save()
        if "reason" in changed:
            _reason_changed(incident, by=by, old=before["reason"], new=changed["reason"])
        others = sorted(set(changed) - {"reason"})
        if others:
            timeline_record(incident, TimelineEvent.Kind.UPDATED, by=by, details={"fields": others})

    children_changed = bool(children) and incident_children_correct(incident=incident, changes=children, by=by)
    if children_changed and not changed:
        version_next(incident)
    incident_deadlines_refresh(incident=incident)
    return incident


def _reason_words(code):
    return Reason(code).label.lower() if code in Reason.values else "not given"


def _reason_changed(incident, *, by, old, new, at=None):
    details = {"field": "reason", "from": old, "to": new, **({"at": at} if at else {})}
    # The summary is read on the case page: the codes' labels, in lower case ("serious harm", "death").
    summary = f"Reason changed from {_reason_words(old)} to {_reason_words(new)}" + (f" at {at}" if at else "")
    timeline_record(incident, TimelineEvent.Kind.REASON_CHANGED, by=by, summary=summary, details=details)


def incident_reason_change(*, incident, by, reason, at):
    """The reason changes at a later stage (a harmed child died): kept in history and on the timeline.

    For a service that holds the case's lock, and moves its version on once for all it changed.
    """
    old = incident.reason
    incident.reason = reason
    incident._history_user = by
    incident.save()
    _reason_changed(incident, by=by, old=old, new=reason, at=at)


def incident_children_correct(*, incident, changes, by):
    """Change, or add, children of a case already locked by the caller; every change is kept in history.

    Returns whether anything changed: the caller moves the case's version on once for all it changed.
    """
    existing = {child.pk: child for child in incident.children.all()}
    unknown = [item["id"] for item in changes if item.get("id") and item["id"] not in existing]
    if unknown:
        raise ValidationError({"children": f"No child {', '.join(map(str, unknown))} on this case."})

    # The rule is checked on the children as they will be after the change.
    after = {pk: {name: getattr(child, name) for name in CHILD_FIELDS} for pk, child in existing.items()}
    if any(item.get("is_index") for item in changes):
        # A child newly marked as the index child takes over from the one before.
        for values in after.values():
            values["is_index"] = False
    new = []
    for item in changes:
        values = {k: v for k, v in item.items() if k != "id"}
        if item.get("id"):
            after[item["id"]].update(values)
        else:
            new.append(values)
    everyone = [_with_derived_age(c, incident_date=incident.incident_date) for c in [*after.values(), *new]]
    _check_children(everyone, incident_date=incident.incident_date)

    # Clear the old index child first: one index child per incident is a database constraint.
    if any(item.get("is_index") for item in changes):
        for child in existing.values():
            if child.is_index and not after[child.pk].get("is_index"):
                _child_save(child, {"is_index": False}, by=by)
    changed_fields = {}
    for item in changes:
        values = {k: v for k, v in item.items() if k != "id"}
        values = (
            _with_derived_age(values, incident_date=incident.incident_date) if "date_of_birth" in values else values
        )
        if item.get("id"):
            child = existing[item["id"]]
            differs = {k: v for k, v in values.items() if getattr(child, k) != v}
            if differs:
                _child_save(child, differs, by=by)
                changed_fields[str(child.pk)] = sorted(differs)
        else:
            is_only_child = not existing and len(new) == 1
            child = _child_save(
                Child(incident=incident), {**values, "is_index": values.get("is_index") or is_only_child}, by=by
            )
            changed_fields[str(child.pk)] = ["added"]
    if changed_fields:
        # Field names only: a child's name never goes into the timeline.
        timeline_record(incident, TimelineEvent.Kind.CHILDREN_CHANGED, by=by, details={"children": changed_fields})
    return bool(changed_fields)


# Transitions ------------------------------------------------------------------------------------------


@transaction.atomic
def incident_submit(*, incident, by, late_reason="", version=None):
    """The local authority submits its notification to the Panel; it is notified today.

    Working Together: within 5 working days of becoming aware. A later notification needs a reason.
    `version`, the version the person checked: refused (409) if the case has changed since.
    """
    incident = case_lock(incident)
    transition_check(incident, incident.submit, by=by, done="submitted")
    version_check(incident, expected=version)
    on = today()
    if incident.la_aware_date is None:
        raise ValidationError({"la_aware_date": "Enter the date the local authority became aware of the incident."})
    due = notification_due_on(la_aware_date=incident.la_aware_date)
    late_reason = (late_reason or "").strip()
    if on > due and not (late_reason or incident.late_reason):
        raise ValidationError(
            {"late_reason": f"The notification was due by {due:%-d %B %Y}. Say why it is being made late."}
        )
    if not incident.children.exists():
        raise ValidationError({"children": "Add at least one child before submitting. Names are optional."})
    incident.submit(on=on, late_reason=late_reason)
    version_next(incident)
    incident._history_user = by
    incident.save()
    details = {"notified_on": on.isoformat(), "late": on > due, "retrospective": incident.retrospective}
    timeline_record(incident, TimelineEvent.Kind.SUBMITTED, by=by, details=details)
    incident_deadlines_refresh(incident=incident)
    return incident


@transaction.atomic
def incident_withdraw(*, incident, by, reason):
    """Withdraw a notification that turned out not to meet the criteria. It is never deleted."""
    incident = case_lock(incident)
    transition_check(incident, incident.withdraw, by=by, done="withdrawn")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the notification is being withdrawn."})
    on = today()
    incident.withdraw(on=on, reason=reason)
    version_next(incident)
    incident._history_user = by
    incident.save()
    timeline_record(incident, TimelineEvent.Kind.WITHDRAWN, by=by, details={"withdrawn_on": on.isoformat()})
    # Nothing more is needed of anyone: every open deadline of the case goes, whatever its stage.
    deadlines_cancel_open(incident=incident, on=on)
    return incident


@transaction.atomic
def incident_confirm(*, incident, by, late_reason=""):
    """The local authority confirms a notification the Panel keyed; it stays an offline notification."""
    incident = case_lock(incident)
    transition_check(incident, incident.confirm, by=by, done="confirmed as an offline notification")
    late_reason = (late_reason or "").strip()
    due = notification_due_on(la_aware_date=incident.la_aware_date)
    if incident.notified_on > due and not (late_reason or incident.late_reason):
        raise ValidationError(
            {"late_reason": f"The notification reached the Panel after {due:%-d %B %Y}. Say why it was late."}
        )
    on = today()
    incident.confirm(on=on, by=by, late_reason=late_reason)
    version_next(incident)
    incident._history_user = by
    incident.save()
    timeline_record(incident, TimelineEvent.Kind.CONFIRMED, by=by, details={"confirmed_on": on.isoformat()})
    incident_deadlines_refresh(incident=incident)
    return incident
