"""Writes to rapid reviews and local reviews: send, return, say none is needed, and run an LCSPR.

As in incidents.services, in this order: the person sees the case (404), their role allows the step
(403), the state allows it (409), the input is good (400); then the change, its timeline event and the
deadlines, in one transaction.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_fsm import TransitionNotAllowed

from deadlines.models import Deadline
from deadlines.services import deadline_outcome, deadline_sync
from deadlines.workingdays import WorkingCalendar, add_months
from incidents.codes import CAUSES_BY_REASON, Channel, LcsprDecision, PracticeTheme, Reason
from incidents.models import Incident, TimelineEvent
from incidents.services import (
    check_case_dates,
    incident_children_correct,
    incident_deadlines_refresh,
    incident_reason_change,
    incident_start,
)
from incidents.workflow import (
    REVIEW_DOCUMENT_TYPES,
    case_lock,
    document_check,
    document_store,
    documents_discarded_on_error,
    local_date,
    permission_check,
    timeline_record,
    today,
    transition_check,
    version_check,
    version_next,
)
from organisations.models import Organisation

from .models import Lcspr, LcsprMilestone, LcsprPause, RapidReview, RapidReviewVersion, Recommendation, ReviewEvent
from .search import version_text_index
from .selectors import lcspr_of, rapid_review_of

# Working Together: publish within 6 calendar months of the decision to initiate the review, and send
# the final report to the Panel and DfE at least 7 working days before publication.
LCSPR_MONTHS = 6
FINAL_REPORT_WORKING_DAYS_BEFORE = 7
# The Panel's practice when it returns a rapid review: sent again within 10 working days unless it
# gives another date.
RESUBMISSION_WORKING_DAYS = 10


# Deadlines -------------------------------------------------------------------------------------------


def review_deadlines_refresh(*, incident, calendar=None):
    """Make every deadline of the case say what the dates say (never counted down).

    The notification stage's come from incidents.services; here:
    rapid_review: met when the first version reaches the Panel, cancelled if the Panel accepts that
    none is needed. panel_response: each version received + the Panel's service level, met when the
    Panel returns it (or answers it by letter). rapid_review_resubmission: each returned version, due
    on the date the Panel gave, met when the next version arrives. lcspr_publication: decision + 6
    calendar months, met on publication. final_report: 7 working days before the planned publication,
    met on receipt. recommendation: its due date, met on completion. A local review that ends
    unpublished cancels what it can no longer meet.
    """
    calendar = calendar or WorkingCalendar.from_database()
    incident_deadlines_refresh(incident=incident, calendar=calendar)
    review = rapid_review_of(incident)
    if review is not None:
        _rapid_review_deadlines(incident, review, calendar=calendar)
    lcspr = lcspr_of(incident)
    if lcspr is not None:
        _lcspr_deadlines(incident, lcspr, calendar=calendar)


def _rapid_review_deadlines(incident, review, *, calendar):
    deadline_outcome(
        incident=incident,
        kind=Deadline.Kind.RAPID_REVIEW,
        met_on=review.first_sent_on,
        cancelled_on=None if review.first_sent_on else review.not_needed_accepted_on,
    )
    versions = list(review.versions.order_by("number"))
    panel = Organisation.objects.get(kind=Organisation.Kind.PANEL)
    for number, version in enumerate(versions, start=1):
        following = versions[number] if number < len(versions) else None
        subject = f"rapid review version {version.number}"
        deadline_sync(
            incident=incident,
            kind=Deadline.Kind.PANEL_RESPONSE,
            subject=subject,
            responsible=panel,
            starts_on=version.sent_on,
            due_on=calendar.add_working_days(version.sent_on, settings.PANEL_RESPONSE_WORKING_DAYS),
            met_on=version.panel_responded_on,
        )
        if version.resubmit_by:
            deadline_sync(
                incident=incident,
                kind=Deadline.Kind.RAPID_REVIEW_RESUBMISSION,
                subject=subject,
                responsible=review.partnership,
                starts_on=version.panel_responded_on,
                due_on=version.resubmit_by,
                met_on=following.sent_on if following else None,
            )


def _lcspr_deadlines(incident, lcspr, *, calendar):
    ended_on = lcspr.not_published_on if lcspr.status == Lcspr.Status.NOT_PUBLISHED else None
    deadline_sync(
        incident=incident,
        kind=Deadline.Kind.LCSPR_PUBLICATION,
        responsible=lcspr.partnership,
        starts_on=lcspr.decision_on,
        due_on=add_months(lcspr.decision_on, LCSPR_MONTHS),
        met_on=lcspr.published_on,
        cancelled_on=ended_on,
    )
    if lcspr.planned_publication_on:
        # The final report's clock starts with the review: it is due 7 working days before the planned date.
        deadline_sync(
            incident=incident,
            kind=Deadline.Kind.FINAL_REPORT,
            responsible=lcspr.partnership,
            starts_on=lcspr.decision_on,
            due_on=calendar.add_working_days(lcspr.planned_publication_on, -FINAL_REPORT_WORKING_DAYS_BEFORE),
            met_on=lcspr.final_report_received_on,
            cancelled_on=ended_on,
        )
    for recommendation in lcspr.recommendations.all():
        not_completed = recommendation.status == Recommendation.Status.NOT_COMPLETED
        deadline_sync(
            incident=incident,
            kind=Deadline.Kind.RECOMMENDATION,
            subject=f"recommendation {recommendation.pk}",
            responsible=lcspr.partnership,
            starts_on=local_date(recommendation.created_at),
            due_on=recommendation.due_on,
            met_on=recommendation.completed_on,
            cancelled_on=recommendation.closed_on if not_completed else None,
        )


def _check_not_withdrawn(incident):
    """409 once a case is withdrawn: nothing more is done on it."""
    if incident.status == Incident.Status.WITHDRAWN:
        raise TransitionNotAllowed("This notification was withdrawn: nothing more is done on it.")


# Rapid reviews ----------------------------------------------------------------------------------------


def _review_locked(incident):
    """The case's rapid review under a row lock, or a new one (unsaved) expected of its partnership."""
    review = RapidReview.objects.select_for_update().filter(incident=incident).first()
    return review or RapidReview(incident=incident, partnership_id=incident.notifying_la.partnership_id)


def _check_review(values, *, on):
    errors = {}
    reason = values.get("reason_at_review")
    cause = values.get("likely_cause")
    if reason in CAUSES_BY_REASON and cause and cause not in CAUSES_BY_REASON[Reason(reason)]:
        errors["likely_cause"] = f"{cause} is not a likely cause for {reason}."
    if values.get("completed_on") and values["completed_on"] > on:
        errors["completed_on"] = "The completion date cannot be in the future."
    if values.get("lcspr_decision_on") and values["lcspr_decision_on"] > on:
        errors["lcspr_decision_on"] = "The decision date cannot be in the future."
    if not (values.get("lcspr_rationale") or "").strip():
        errors["lcspr_rationale"] = "Give the reasons for the decision on a local review."
    if values.get("lcspr_decision") == LcsprDecision.REQUIRED and not (values.get("lines_of_enquiry") or "").strip():
        errors["lines_of_enquiry"] = "A local review needs its lines of enquiry."
    unknown = sorted(set(values.get("practice_themes") or ()) - set(PracticeTheme.values))
    if unknown:
        errors["practice_themes"] = f"Unknown practice themes: {', '.join(unknown)}."
    if errors:
        raise ValidationError(errors)


def _send(*, incident, by, document, index_child, values):
    """Record a version of the rapid review that has just reached the Panel (the case is locked).

    Everything is checked before the document is stored.
    """
    review = _review_locked(incident)
    transition_check(review, review.send, by=by, done="sent again now")
    if incident.status not in (Incident.Status.NOTIFIED, Incident.Status.NOT_NOTIFIED):
        raise TransitionNotAllowed(
            f"This case is {incident.get_status_display().lower()}: a rapid review follows a notification."
        )
    on = today()
    _check_review(values, on=on)
    mime = document_check(field="document", upload=document, allowed_types=REVIEW_DOCUMENT_TYPES)
    # The review may correct the index child and change the reason: the case then has a new version.
    case_changed = bool(index_child) and _index_child_correct(incident, index_child, by=by)

    review.save()
    version = RapidReviewVersion(
        rapid_review=review,
        number=review.versions.count() + 1,
        document_type=mime,
        sent_on=on,
        sent_by=by,
        **{name: values[name] for name in RapidReviewVersion.FINDINGS if name in values},
    )
    document_store(version.document, document, mime=mime)
    version.save()
    # Searchable from the moment it exists; reading the document never fails the upload.
    version_text_index(version=version)
    review.send(version=version)
    review._history_user = by
    review.save()

    if version.reason_at_review != incident.reason:
        incident_reason_change(incident=incident, by=by, reason=version.reason_at_review, at="rapid review")
        case_changed = True
    if case_changed:
        version_next(incident)
    timeline_record(
        incident,
        ReviewEvent.RAPID_REVIEW_SENT,
        by=by,
        summary=f"Rapid review received (version {version.number})",
        details={
            "version": version.number,
            "reason_at_review": version.reason_at_review,
            "likely_cause": version.likely_cause,
            "lcspr_decision": version.lcspr_decision,
        },
    )
    if version.lcspr_decision == LcsprDecision.REQUIRED and lcspr_of(incident) is None:
        lcspr = Lcspr.objects.create(
            incident=incident,
            partnership_id=review.partnership_id,
            decision_on=version.lcspr_decision_on or version.sent_on,
        )
        timeline_record(
            incident, ReviewEvent.LCSPR_OPENED, by=by, details={"decision_on": lcspr.decision_on.isoformat()}
        )
    incident.refresh_from_db()
    review_deadlines_refresh(incident=incident)
    return review


def _index_child_correct(incident, values, *, by):
    """The index child's details come forward from the notification; the partnership confirms or corrects them."""
    index = incident.children.filter(is_index=True).first()
    change = {**values, "is_index": True} if index is None else {**values, "id": index.pk}
    return incident_children_correct(incident=incident, changes=[change], by=by)


@documents_discarded_on_error
@transaction.atomic
def rapid_review_send(*, incident, by, document, index_child=None, **values):
    """The partnership sends its rapid review, or sends it again after the Panel returned it."""
    incident = case_lock(incident)
    return _send(incident=incident, by=by, document=document, index_child=index_child, values=values)


@documents_discarded_on_error
@transaction.atomic
def rapid_review_send_unnotified(
    *, by, local_authority, document, incident_fields, children=(), index_child=None, **values
):
    """A rapid review for an incident nobody notified: the case opens as not notified, and the
    authority is asked for a retrospective notification within 5 working days."""
    if not by.has_perm("reviews.send_unnotified_rapid_review", local_authority):
        raise PermissionDenied("You can send a rapid review only for your partnership's authorities.")
    on = today()
    check_case_dates(
        incident_date=incident_fields.get("incident_date"), la_aware_date=incident_fields.get("la_aware_date"), on=on
    )
    incident = incident_start(
        by=by, notifying_la=local_authority, fields=incident_fields, children=list(children), channel=Channel.ONLINE
    )
    incident.open_unnotified(requested_on=on)
    incident._history_user = by
    incident.save()
    timeline_record(
        incident,
        TimelineEvent.Kind.RETROSPECTIVE_REQUESTED,
        by=by,
        details={"requested_on": on.isoformat(), "local_authority": local_authority.code},
    )
    return _send(incident=case_lock(incident), by=by, document=document, index_child=index_child, values=values)


@transaction.atomic
def rapid_review_return(*, incident, by, reason, resubmit_by=None):
    """The Panel returns a rapid review for more information, and says by when it expects it again
    (10 working days unless it gives a date). The partnership sends it again."""
    incident = case_lock(incident)
    review = _review_locked(incident)
    transition_check(review, review.return_for_information, by=by, done="returned")
    _check_not_withdrawn(incident)
    on = today()
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "Say what more the Panel needs."
    if resubmit_by is not None and resubmit_by <= on:
        errors["resubmit_by"] = "Give a date after today."
    if errors:
        raise ValidationError(errors)
    version = review.versions.order_by("number").last()
    version.panel_responded_on = on
    version.resubmit_by = resubmit_by or WorkingCalendar.from_database().add_working_days(on, RESUBMISSION_WORKING_DAYS)
    version.save(update_fields=["panel_responded_on", "resubmit_by"])
    review.return_for_information(reason=reason)
    review._history_user = by
    review.save()
    details = {"version": version.number, "resubmit_by": version.resubmit_by.isoformat()}
    timeline_record(incident, ReviewEvent.RAPID_REVIEW_RETURNED, by=by, details=details)
    review_deadlines_refresh(incident=incident)
    return review


@transaction.atomic
def rapid_review_not_needed(*, incident, by, reasons):
    """The partnership records that further enquiry found no abuse or neglect, so no rapid review is needed."""
    incident = case_lock(incident)
    review = _review_locked(incident)
    transition_check(review, review.propose_not_needed, by=by, done="closed")
    if incident.status != Incident.Status.NOTIFIED:
        raise TransitionNotAllowed("Only a notified case can be closed without a rapid review.")
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "Say what further enquiry found."})
    review.propose_not_needed(reasons=reasons)
    review._history_user = by
    review.save()
    timeline_record(incident, ReviewEvent.NO_RAPID_REVIEW_PROPOSED, by=by)
    return review


@transaction.atomic
def rapid_review_not_needed_accept(*, incident, by, view=""):
    """The Panel accepts that no rapid review is needed: its deadline is cancelled."""
    incident = case_lock(incident)
    review = _review_locked(incident)
    transition_check(review, review.accept_not_needed, by=by, done="accepted as not needed")
    _check_not_withdrawn(incident)
    review.accept_not_needed(on=today(), view=(view or "").strip())
    review._history_user = by
    review.save()
    timeline_record(incident, ReviewEvent.NO_RAPID_REVIEW_ACCEPTED, by=by)
    review_deadlines_refresh(incident=incident)
    return review


@transaction.atomic
def rapid_review_not_needed_decline(*, incident, by, view):
    """The Panel still expects a rapid review, and says why: the partnership's deadline stands."""
    incident = case_lock(incident)
    review = _review_locked(incident)
    transition_check(review, review.decline_not_needed, by=by, done="declined")
    _check_not_withdrawn(incident)
    view = (view or "").strip()
    if not view:
        raise ValidationError({"view": "Say why the Panel still expects a rapid review."})
    review.decline_not_needed(view=view)
    review._history_user = by
    review.save()
    timeline_record(incident, ReviewEvent.NO_RAPID_REVIEW_DECLINED, by=by)
    review_deadlines_refresh(incident=incident)
    return review


def rapid_review_panel_decision_record(*, incident, version, on, panel_position, national_review, quality_themes, by):
    """The Panel's issued response to a version: the version is answered (its panel_response deadline is
    met) and the decision is kept on the rapid review for the statistics.

    Called by letters.services when a response letter is issued, inside its transaction.
    """
    version.panel_responded_on = version.panel_responded_on or on
    version.save(update_fields=["panel_responded_on"])
    review = RapidReview.objects.select_for_update().get(pk=version.rapid_review_id)
    review.panel_position = panel_position
    review.national_review = national_review
    review.quality_themes = list(quality_themes)
    review._history_user = by
    review.save(update_fields=["panel_position", "national_review", "quality_themes", "updated_at"])
    review_deadlines_refresh(incident=incident)
    return review


# Local reviews ----------------------------------------------------------------------------------------


def _lcspr_locked(incident, *, by):
    """The case's local review under a row lock; 404 if the person cannot see the case, 409 if it has none."""
    lcspr = Lcspr.objects.select_for_update().filter(incident=incident).first()
    if lcspr is None:
        permission_check(by=by, permission="incidents.view_case", record=incident)
        raise TransitionNotAllowed("This case has no local review.")
    return lcspr


def _lcspr_step(incident, by, method_name, done):
    incident = case_lock(incident)
    lcspr = _lcspr_locked(incident, by=by)
    transition_check(lcspr, getattr(lcspr, method_name), by=by, done=done)
    _check_not_withdrawn(incident)
    return incident, lcspr


def _lcspr_change_check(incident, lcspr, *, by, permission="reviews.run_lcspr"):
    """For changes that are not transitions: 404, 403, then 409 for a withdrawn case."""
    permission_check(by=by, permission=permission, record=lcspr)
    _check_not_withdrawn(incident)


def _lcspr_saved(incident, lcspr, *, by, kind, details=None):
    """Save a change to the review (locked by the caller) as its next version, on the timeline."""
    version_next(lcspr)
    lcspr._history_user = by
    lcspr.save()
    timeline_record(incident, kind, by=by, details=details or {})
    review_deadlines_refresh(incident=incident)
    return lcspr


LCSPR_FIELDS = ("reviewer", "terms_of_reference", "decision_on", "planned_publication_on")
LCSPR_ENDED = (Lcspr.Status.PUBLISHED, Lcspr.Status.NOT_PUBLISHED)


@transaction.atomic
def lcspr_update(*, incident, by, panel_view=None, version=None, **fields):
    """Change the review's details. The Panel records its view; the partnership the rest.

    `version`, the version of the review the person read: refused (409) if it has changed since.
    """
    incident = case_lock(incident)
    lcspr = _lcspr_locked(incident, by=by)
    if panel_view is not None:
        _lcspr_change_check(incident, lcspr, by=by, permission="reviews.give_panel_view")
    if fields or panel_view is None:
        _lcspr_change_check(incident, lcspr, by=by)
    if lcspr.status in LCSPR_ENDED and fields:
        raise TransitionNotAllowed("This local review has ended.")
    version_check(lcspr, expected=version)
    unknown = set(fields) - set(LCSPR_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be set here."))
    if fields.get("decision_on") and fields["decision_on"] > today():
        raise ValidationError({"decision_on": "The decision date cannot be in the future."})
    changes = {**fields, **({"panel_view": panel_view} if panel_view is not None else {})}
    changed = sorted(name for name, value in changes.items() if getattr(lcspr, name) != value)
    for name in changed:
        setattr(lcspr, name, changes[name])
    if changed:
        _lcspr_saved(incident, lcspr, by=by, kind=ReviewEvent.LCSPR_CHANGED, details={"fields": changed})
    return lcspr


@transaction.atomic
def lcspr_pause(*, incident, by, reason, panel_told_on, details=""):
    """Pause the review (criminal proceedings, an inquest...). The six-month clock does not stop."""
    incident, lcspr = _lcspr_step(incident, by, "pause", "paused")
    if reason not in LcsprPause.Reason.values:
        raise ValidationError({"reason": "Choose why the review is paused."})
    if panel_told_on is None or panel_told_on > today():
        raise ValidationError({"panel_told_on": "Enter when the Panel was told, not in the future."})
    on = today()
    lcspr.pause()
    LcsprPause.objects.create(lcspr=lcspr, reason=reason, details=details, panel_told_on=panel_told_on, started_on=on)
    return _lcspr_saved(incident, lcspr, by=by, kind=ReviewEvent.LCSPR_PAUSED, details={"reason": reason})


@transaction.atomic
def lcspr_resume(*, incident, by, reason=""):
    """Resume a paused review. A reason given is kept in the review's log of milestones, dated today."""
    incident, lcspr = _lcspr_step(incident, by, "resume", "resumed")
    lcspr.resume()
    lcspr.pauses.filter(ended_on__isnull=True).update(ended_on=today())
    reason = (reason or "").strip()
    if reason:
        LcsprMilestone.objects.create(
            lcspr=lcspr, happened_on=today(), description=f"Review resumed: {reason}", recorded_by=by
        )
    return _lcspr_saved(incident, lcspr, by=by, kind=ReviewEvent.LCSPR_RESUMED)


@documents_discarded_on_error
@transaction.atomic
def lcspr_final_report(*, incident, by, document, planned_publication_on):
    """The final report reaches the Panel; it is late if it came within 7 working days of publication."""
    incident, lcspr = _lcspr_step(incident, by, "receive_final_report", "given a final report")
    on = today()
    if planned_publication_on is None or planned_publication_on < on:
        raise ValidationError({"planned_publication_on": "Enter the planned publication date, today or later."})
    mime = document_check(field="document", upload=document, allowed_types=REVIEW_DOCUMENT_TYPES)
    document_store(lcspr.final_report, document, mime=mime)
    lcspr.receive_final_report(received_on=on, planned_publication_on=planned_publication_on)
    due = WorkingCalendar.from_database().add_working_days(planned_publication_on, -FINAL_REPORT_WORKING_DAYS_BEFORE)
    return _lcspr_saved(
        incident,
        lcspr,
        by=by,
        kind=ReviewEvent.FINAL_REPORT_RECEIVED,
        details={"planned_publication_on": planned_publication_on.isoformat(), "late": on > due},
    )


@transaction.atomic
def lcspr_publish(*, incident, by, published_on, url):
    incident, lcspr = _lcspr_step(incident, by, "publish", "published")
    errors = {}
    if published_on is None or published_on > today():
        errors["published_on"] = "Enter the publication date, not in the future."
    elif lcspr.final_report_received_on and published_on < lcspr.final_report_received_on:
        errors["published_on"] = "The review cannot be published before its final report reached the Panel."
    if not url:
        errors["url"] = "Enter the link to the published review."
    if errors:
        raise ValidationError(errors)
    lcspr.publish(published_on=published_on, url=url)
    return _lcspr_saved(
        incident, lcspr, by=by, kind=ReviewEvent.LCSPR_PUBLISHED, details={"published_on": published_on.isoformat()}
    )


@transaction.atomic
def lcspr_not_published(*, incident, by, reasons):
    """The review ends unpublished: its publication and final report deadlines are cancelled."""
    incident, lcspr = _lcspr_step(incident, by, "record_not_published", "closed as not published")
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "Give the reasons the Panel was told."})
    lcspr.record_not_published(on=today(), reasons=reasons)
    return _lcspr_saved(incident, lcspr, by=by, kind=ReviewEvent.LCSPR_NOT_PUBLISHED)


@transaction.atomic
def lcspr_milestone_add(*, incident, by, happened_on, description):
    incident = case_lock(incident)
    lcspr = _lcspr_locked(incident, by=by)
    _lcspr_change_check(incident, lcspr, by=by)
    if happened_on is None or happened_on > today():
        raise ValidationError({"happened_on": "Enter when it happened, not in the future."})
    milestone = LcsprMilestone.objects.create(
        lcspr=lcspr, happened_on=happened_on, description=description, recorded_by=by
    )
    timeline_record(incident, ReviewEvent.MILESTONE, by=by, details={"happened_on": happened_on.isoformat()})
    return milestone


# Recommendations ---------------------------------------------------------------------------------------

# The transition that takes a recommendation to each status; nothing goes back to open.
RECOMMENDATION_MOVES = {
    Recommendation.Status.IN_PROGRESS: "start",
    Recommendation.Status.COMPLETED: "complete",
    Recommendation.Status.NOT_COMPLETED: "record_not_completed",
}


def _recommendation_move(recommendation, status, *, by):
    """Take the transition to `status` (409 if its state does not allow it; evidence needed to complete)."""
    method_name = RECOMMENDATION_MOVES.get(status)
    if method_name is None:
        raise TransitionNotAllowed("A recommendation does not go back to open.")
    method = getattr(recommendation, method_name)
    transition_check(recommendation, method, by=by, done=f"marked {Recommendation.Status(status).label.lower()}")
    if status == Recommendation.Status.COMPLETED and not recommendation.completion_evidence.strip():
        raise ValidationError({"completion_evidence": "Give the evidence that it was completed."})
    if status == Recommendation.Status.IN_PROGRESS:
        method()
    else:
        method(on=today())


@transaction.atomic
def recommendation_add(*, incident, by, status=Recommendation.Status.OPEN, **values):
    incident = case_lock(incident)
    lcspr = _lcspr_locked(incident, by=by)
    _lcspr_change_check(incident, lcspr, by=by)
    recommendation = Recommendation(lcspr=lcspr, **values)
    if status != Recommendation.Status.OPEN:
        _recommendation_move(recommendation, status, by=by)
    recommendation._history_user = by
    recommendation.save()
    timeline_record(incident, ReviewEvent.RECOMMENDATION_ADDED, by=by, details={"recommendation": recommendation.pk})
    review_deadlines_refresh(incident=incident)
    return recommendation


@transaction.atomic
def recommendation_update(*, incident, by, recommendation, status=None, **values):
    """Change a recommendation's details, and move its status through its transitions."""
    incident = case_lock(incident)
    lcspr = _lcspr_locked(incident, by=by)
    _lcspr_change_check(incident, lcspr, by=by)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk, lcspr=lcspr)
    changed = sorted(name for name, value in values.items() if getattr(recommendation, name) != value)
    for name in changed:
        setattr(recommendation, name, values[name])
    if status is not None and status != recommendation.status:
        _recommendation_move(recommendation, status, by=by)
        changed.append("status")
    if changed:
        recommendation._history_user = by
        recommendation.save()
        timeline_record(
            incident,
            ReviewEvent.RECOMMENDATION_CHANGED,
            by=by,
            details={"recommendation": recommendation.pk, "fields": changed},
        )
        review_deadlines_refresh(incident=incident)
    return recommendation
