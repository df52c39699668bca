"""Writes to rapid reviews and local reviews: send, return, say none is needed, and run an LCSPR.

As in incidents.services: who is acting (403), then the state (409), then the input (400), then the
change, its timeline event and the deadlines, in one transaction.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_fsm import TransitionNotAllowed

from deadlines.models import Deadline
from deadlines.services import deadline_sync
from deadlines.workingdays import WorkingCalendar, add_months
from incidents import services as incident_services
from incidents.codes import CAUSES_BY_REASON, LcsprDecision, PracticeTheme, Reason
from incidents.documents import REVIEW_DOCUMENT_TYPES, document_check
from incidents.models import Incident, TimelineEvent
from incidents.services import incident_lock, timeline_record, today, transition_check
from organisations.models import Organisation
from organisations.selectors import user_scope

from . import rules
from .models import Lcspr, LcsprMilestone, LcsprPause, RapidReview, RapidReviewVersion, Recommendation
from .selectors import lcspr_of

# Working Together: publish within 6 calendar months of the decision to initiate the review, and send
# the final report to the Panel and DfE at least 7 working days before publication.
LCSPR_MONTHS = 6
FINAL_REPORT_WORKING_DAYS_BEFORE = 7


# Deadlines -------------------------------------------------------------------------------------------


def review_deadlines_refresh(*, incident, calendar=None):
    """Make every deadline of the review stages say what the dates say (never counted down).

    panel_response: each version received + the Panel's service level, met when the Panel returns it
    (or, later, answers it by letter). lcspr_publication: decision + 6 calendar months, met on
    publication. final_report: 7 working days before the planned publication, met on receipt.
    recommendation: its due date, met on completion.
    """
    calendar = calendar or WorkingCalendar.from_database()
    incident_services.incident_deadlines_refresh(incident=incident, calendar=calendar)
    review = incident_services.rapid_review_of(incident)
    if review is not None:
        for version in review.versions.order_by("number"):
            deadline_sync(
                incident=incident,
                kind=Deadline.Kind.PANEL_RESPONSE,
                subject=f"rapid review version {version.number}",
                responsible=_panel(),
                starts_on=version.sent_on,
                due_on=calendar.add_working_days(version.sent_on, settings.PANEL_RESPONSE_WORKING_DAYS),
                met_on=version.panel_responded_on,
            )

    lcspr = lcspr_of(incident)
    if lcspr is None:
        return
    ended = lcspr.status == Lcspr.Status.NOT_PUBLISHED
    # The final report's clock starts with the review: it is due 7 working days before the planned date.
    deadline_sync(
        incident=incident,
        kind=Deadline.Kind.LCSPR_PUBLICATION,
        responsible=lcspr.partnership,
        starts_on=lcspr.decision_on,
        due_on=add_months(lcspr.decision_on, LCSPR_MONTHS),
        met_on=lcspr.published_on,
        cancelled_on=lcspr.not_published_on if ended else None,
    )
    if lcspr.planned_publication_on:
        deadline_sync(
            incident=incident,
            kind=Deadline.Kind.FINAL_REPORT,
            responsible=lcspr.partnership,
            starts_on=lcspr.decision_on,
            due_on=calendar.add_working_days(lcspr.planned_publication_on, -FINAL_REPORT_WORKING_DAYS_BEFORE),
            met_on=lcspr.final_report_received_on,
        )
    for recommendation in lcspr.recommendations.all():
        deadline_sync(
            incident=incident,
            kind=Deadline.Kind.RECOMMENDATION,
            subject=f"recommendation {recommendation.pk}",
            responsible=lcspr.partnership,
            starts_on=recommendation.created_at.date(),
            due_on=recommendation.due_on,
            met_on=recommendation.completed_on,
            cancelled_on=recommendation.closed_on
            if recommendation.status == Recommendation.Status.NOT_COMPLETED
            else None,
        )


def _panel():
    return Organisation.objects.get(kind=Organisation.Kind.PANEL)


# Rapid reviews ----------------------------------------------------------------------------------------


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
    """Record a version of the rapid review that has just reached the Panel."""
    on = today()
    _check_review(values, on=on)
    mime = document_check(field="document", upload=document, allowed_types=REVIEW_DOCUMENT_TYPES)
    if not incident.notifying_la.partnership_id:
        raise ValidationError({"local_authority": "This authority has no safeguarding partnership on record."})
    review, _ = RapidReview.objects.select_for_update().get_or_create(
        incident=incident, defaults={"partnership_id": incident.notifying_la.partnership_id}
    )
    # Who may send was checked on the case (a new case has no review yet to check against).
    transition_check(review, review.send, by=by, permitted=lambda *_: True, done="sent again now")
    version = RapidReviewVersion(
        rapid_review=review,
        number=review.versions.count() + 1,
        document_type=mime,
        sent_on=on,
        sent_by=by,
        **{name: values[name] for name in RapidReviewVersion.FINDINGS if name in values},
    )
    version.document.save(document.name, document, save=False)
    version.save()
    review.send(version=version)
    review._history_user = by
    review.save()

    if index_child:
        _index_child_correct(incident, index_child, by=by)
    if version.reason_at_review != incident.reason:
        incident_services.incident_reason_change(
            incident=incident, by=by, reason=version.reason_at_review, at="rapid review"
        )
    timeline_record(
        incident,
        TimelineEvent.Kind.RAPID_REVIEW_SENT,
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
            incident, TimelineEvent.Kind.LCSPR_OPENED, by=by, details={"decision_on": lcspr.decision_on.isoformat()}
        )
    incident.refresh_from_db()
    review_deadlines_refresh(incident=incident)
    return review


def _index_child_correct(incident, values, *, by):
    """The index child's details come forward from the notification; the partnership confirms or corrects them."""
    index = incident.children.filter(is_index=True).first()
    change = {**values, "is_index": True} if index is None else {**values, "id": index.pk}
    incident_services.incident_children_correct(incident=incident, changes=[change], by=by)


@transaction.atomic
def rapid_review_send(*, incident, by, document, index_child=None, **values):
    """The partnership sends its rapid review, or sends it again after the Panel returned it."""
    incident = incident_lock(incident)
    if not rules.can_send_rapid_review(incident, by):
        raise PermissionDenied("Only the partnership sends its rapid review.")
    if incident.status not in (Incident.Status.NOTIFIED, Incident.Status.NOT_NOTIFIED):
        raise TransitionNotAllowed(
            f"This case is {incident.get_status_display().lower()}: a rapid review follows a notification."
        )
    return _send(incident=incident, by=by, document=document, index_child=index_child, values=values)


@transaction.atomic
def rapid_review_send_unnotified(
    *, by, local_authority, document, incident_fields, children=(), index_child=None, **values
):
    """A rapid review for an incident nobody notified: the case opens as not notified, and the
    authority is asked for a retrospective notification within 5 working days."""
    partnership_ids = user_scope(user=by).partnership_ids
    if not (by.is_superuser or local_authority.partnership_id in partnership_ids):
        raise PermissionDenied("You can send a rapid review only for your partnership's authorities.")
    on = today()
    incident_services.check_case_dates(
        incident_date=incident_fields.get("incident_date"), la_aware_date=incident_fields.get("la_aware_date"), on=on
    )
    incident = incident_services.incident_start(
        by=by, notifying_la=local_authority, fields=incident_fields, children=list(children), channel="online"
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
    return _send(incident=incident, by=by, document=document, index_child=index_child, values=values)


@transaction.atomic
def rapid_review_return(*, incident, by, reason):
    """The Panel returns a rapid review for more information; the partnership sends it again."""
    incident = incident_lock(incident)
    review = _review_for_update(incident)
    transition_check(
        review, review.return_for_information, by=by, permitted=rules.can_return_rapid_review, done="returned"
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say what more the Panel needs."})
    version = review.versions.order_by("number").last()
    version.panel_responded_on = today()
    version.save(update_fields=["panel_responded_on"])
    review.return_for_information(reason=reason)
    review._history_user = by
    review.save()
    timeline_record(incident, TimelineEvent.Kind.RAPID_REVIEW_RETURNED, by=by, details={"version": version.number})
    review_deadlines_refresh(incident=incident)
    return review


@transaction.atomic
def rapid_review_not_needed(*, incident, by, reasons):
    """The partnership records that further enquiry found no abuse or neglect, so no rapid review is needed."""
    incident = incident_lock(incident)
    if incident.status != Incident.Status.NOTIFIED:
        raise TransitionNotAllowed("Only a notified case can be closed without a rapid review.")
    if not rules.can_send_rapid_review(incident, by):
        raise PermissionDenied("Only the partnership says whether a rapid review is needed.")
    review, _ = RapidReview.objects.select_for_update().get_or_create(
        incident=incident, defaults={"partnership_id": incident.notifying_la.partnership_id}
    )
    transition_check(review, review.propose_not_needed, by=by, permitted=rules.can_propose_not_needed, done="closed")
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "Say what further enquiry found."})
    review.propose_not_needed(reasons=reasons)
    review._history_user = by
    review.save()
    timeline_record(incident, TimelineEvent.Kind.NO_RAPID_REVIEW_PROPOSED, by=by)
    return review


@transaction.atomic
def rapid_review_not_needed_decide(*, incident, by, accept, view=""):
    """The Panel accepts that no rapid review is needed (its deadline is cancelled), or asks for one."""
    incident = incident_lock(incident)
    review = _review_for_update(incident)
    method = review.accept_not_needed if accept else review.decline_not_needed
    transition_check(review, method, by=by, permitted=rules.can_decide_not_needed, done="decided")
    view = (view or "").strip()
    if not accept and not view:
        raise ValidationError({"view": "Say why the Panel still expects a rapid review."})
    if accept:
        review.accept_not_needed(on=today(), view=view)
    else:
        review.decline_not_needed(view=view)
    review._history_user = by
    review.save()
    kind = TimelineEvent.Kind.NO_RAPID_REVIEW_ACCEPTED if accept else TimelineEvent.Kind.NO_RAPID_REVIEW_DECLINED
    timeline_record(incident, kind, by=by)
    review_deadlines_refresh(incident=incident)
    return review


def _check_not_withdrawn(incident):
    if incident.status == Incident.Status.WITHDRAWN:
        raise TransitionNotAllowed("This notification was withdrawn: nothing more is done on it.")


def _review_for_update(incident):
    _check_not_withdrawn(incident)
    try:
        return RapidReview.objects.select_for_update().get(incident=incident)
    except RapidReview.DoesNotExist:
        raise TransitionNotAllowed("No rapid review has been sent for this case.") from None


# Local reviews ----------------------------------------------------------------------------------------


def _lcspr_for_update(incident):
    _check_not_withdrawn(incident)
    try:
        return Lcspr.objects.select_for_update().get(incident=incident)
    except Lcspr.DoesNotExist:
        raise TransitionNotAllowed("This case has no local review.") from None


def _lcspr_step(incident, by, method_name, done):
    incident = incident_lock(incident)
    lcspr = _lcspr_for_update(incident)
    transition_check(lcspr, getattr(lcspr, method_name), by=by, permitted=rules.can_run_lcspr, done=done)
    return incident, lcspr


def _lcspr_saved(incident, lcspr, *, by, kind, details=None):
    lcspr._history_user = by
    lcspr.save()
    timeline_record(incident, kind, by=by, details=details or {})
    review_deadlines_refresh(incident=incident)
    return lcspr


LCSPR_FIELDS = ("reviewer", "terms_of_reference", "decision_on", "planned_publication_on")


@transaction.atomic
def lcspr_update(*, incident, by, panel_view=None, **fields):
    """Change the review's details. The Panel records its view; the partnership the rest."""
    incident = incident_lock(incident)
    lcspr = _lcspr_for_update(incident)
    if panel_view is not None and not rules.can_give_panel_view(lcspr, by):
        raise PermissionDenied("Only the Panel records its view.")
    if fields and not rules.can_run_lcspr(lcspr, by):
        raise PermissionDenied("Your role does not allow changing this local review.")
    if lcspr.status in (Lcspr.Status.PUBLISHED, Lcspr.Status.NOT_PUBLISHED) and fields:
        raise TransitionNotAllowed("This local review has ended.")
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
        _lcspr_saved(incident, lcspr, by=by, kind=TimelineEvent.Kind.LCSPR_CHANGED, details={"fields": changed})
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
    return _lcspr_saved(incident, lcspr, by=by, kind=TimelineEvent.Kind.LCSPR_PAUSED, details={"reason": reason})


@transaction.atomic
def lcspr_resume(*, incident, by):
    incident, lcspr = _lcspr_step(incident, by, "resume", "resumed")
    lcspr.resume()
    lcspr.pauses.filter(ended_on__isnull=True).update(ended_on=today())
    return _lcspr_saved(incident, lcspr, by=by, kind=TimelineEvent.Kind.LCSPR_RESUMED)


@transaction.atomic
def lcspr_final_report(*, incident, by, document, planned_publication_on):
    """The final report reaches the Panel; it is late if it came within 7 working days of publication."""
    incident, lcspr = _lcspr_step(incident, by, "receive_final_report", "given a final report")
    on = today()
    if planned_publication_on is None or planned_publication_on < on:
        raise ValidationError({"planned_publication_on": "Enter the planned publication date, today or later."})
    document_check(field="document", upload=document, allowed_types=REVIEW_DOCUMENT_TYPES)
    lcspr.final_report.save(document.name, document, save=False)
    lcspr.receive_final_report(received_on=on, planned_publication_on=planned_publication_on)
    due = WorkingCalendar.from_database().add_working_days(planned_publication_on, -FINAL_REPORT_WORKING_DAYS_BEFORE)
    return _lcspr_saved(
        incident,
        lcspr,
        by=by,
        kind=TimelineEvent.Kind.FINAL_REPORT_RECEIVED,
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
        incident,
        lcspr,
        by=by,
        kind=TimelineEvent.Kind.LCSPR_PUBLISHED,
        details={"published_on": published_on.isoformat()},
    )


@transaction.atomic
def lcspr_not_published(*, incident, by, reasons):
    incident, lcspr = _lcspr_step(incident, by, "record_not_published", "closed as not published")
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "Give the reasons the Panel was told."})
    lcspr.record_not_published(on=today(), reasons=reasons)
    return _lcspr_saved(incident, lcspr, by=by, kind=TimelineEvent.Kind.LCSPR_NOT_PUBLISHED)


@transaction.atomic
def lcspr_milestone_add(*, incident, by, happened_on, description):
    incident = incident_lock(incident)
    lcspr = _lcspr_for_update(incident)
    if not rules.can_run_lcspr(lcspr, by):
        raise PermissionDenied("Your role does not allow changing this local review.")
    if happened_on is None or happened_on > today():
        raise ValidationError({"happened_on": "Enter when it happened, not in the future."})
    milestone = LcsprMilestone.objects.create(
        lcspr=lcspr, happened_on=happened_on, description=description, recorded_by=by
    )
    timeline_record(incident, TimelineEvent.Kind.MILESTONE, by=by, details={"happened_on": happened_on.isoformat()})
    return milestone


def _check_recommendation(values):
    errors = {}
    if (
        values.get("status") == Recommendation.Status.COMPLETED
        and not (values.get("completion_evidence") or "").strip()
    ):
        errors["completion_evidence"] = "Give the evidence that it was completed."
    if errors:
        raise ValidationError(errors)


def _closing_dates(recommendation):
    done = recommendation.status == Recommendation.Status.COMPLETED
    closed = recommendation.status in (Recommendation.Status.COMPLETED, Recommendation.Status.NOT_COMPLETED)
    recommendation.completed_on = today() if done else None
    recommendation.closed_on = today() if closed else None


@transaction.atomic
def recommendation_add(*, incident, by, **values):
    incident = incident_lock(incident)
    lcspr = _lcspr_for_update(incident)
    if not rules.can_run_lcspr(lcspr, by):
        raise PermissionDenied("Your role does not allow changing this local review.")
    _check_recommendation(values)
    recommendation = Recommendation(lcspr=lcspr, **values)
    _closing_dates(recommendation)
    recommendation._history_user = by
    recommendation.save()
    timeline_record(
        incident, TimelineEvent.Kind.RECOMMENDATION_ADDED, by=by, details={"recommendation": recommendation.pk}
    )
    review_deadlines_refresh(incident=incident)
    return recommendation


@transaction.atomic
def recommendation_update(*, incident, by, recommendation, **values):
    incident = incident_lock(incident)
    lcspr = _lcspr_for_update(incident)
    if not rules.can_run_lcspr(lcspr, by):
        raise PermissionDenied("Your role does not allow changing this local review.")
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk, lcspr=lcspr)
    merged = {name: values.get(name, getattr(recommendation, name)) for name in Recommendation.EDITABLE}
    _check_recommendation(merged)
    changed = sorted(name for name, value in values.items() if getattr(recommendation, name) != value)
    for name in changed:
        setattr(recommendation, name, values[name])
    if "status" in changed:
        _closing_dates(recommendation)
    if changed:
        recommendation._history_user = by
        recommendation.save()
        timeline_record(
            incident,
            TimelineEvent.Kind.RECOMMENDATION_CHANGED,
            by=by,
            details={"recommendation": recommendation.pk, "fields": changed},
        )
        review_deadlines_refresh(incident=incident)
    return recommendation
