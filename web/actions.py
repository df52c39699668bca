"""The steps a case page offers: those its state allows and the person's role may take, and no others.

Each step asks the same permission (django-rules) and the same transition condition (django-fsm-2's
can_proceed) as the service it leads to, so a page never offers a step its service would refuse.
"""

from dataclasses import dataclass

from django.urls import reverse
from django_fsm import can_proceed

from incidents.models import Incident
from reviews.models import Lcspr, RapidReview, Recommendation
from reviews.selectors import lcspr_of, rapid_review_of

# A recommendation still being worked on, followed up after the review is published.
FOLLOWED_UP = (Recommendation.Status.OPEN, Recommendation.Status.IN_PROGRESS)


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    warning: bool = False


def _review(incident):
    return rapid_review_of(incident) or RapidReview(
        incident=incident, partnership_id=incident.notifying_la.partnership_id
    )


def case_actions(user, incident):
    """What this person can do to this case now, as (label, page) pairs for its case page."""
    ref = incident.reference
    actions = []
    has = user.has_perm
    if incident.status == Incident.Status.DRAFT and has("incidents.submit_notification", incident):
        actions.append(Action("Continue the notification", reverse("web:notification-check", args=[ref])))
    if incident.status == Incident.Status.NOT_NOTIFIED and has("incidents.submit_notification", incident):
        actions.append(Action("Make the retrospective notification", reverse("web:retrospective", args=[ref])))
    if (
        incident.status == Incident.Status.NOTIFIED
        and can_proceed(incident.confirm)
        and has("incidents.confirm_notification", incident)
    ):
        actions.append(Action("Confirm the offline notification", reverse("web:confirm-offline", args=[ref])))
    if incident.status in (Incident.Status.NOTIFIED, Incident.Status.NOT_NOTIFIED):
        review = _review(incident)
        if can_proceed(review.send) and has("reviews.send_rapid_review", incident):
            label = (
                "Send the rapid review again"
                if review.status == RapidReview.Status.RETURNED
                else ("Send the rapid review")
            )
            actions.append(Action(label, reverse("web:rapid-review-send", args=[ref])))
        lcspr = lcspr_of(incident)
        ended = (Lcspr.Status.PUBLISHED, Lcspr.Status.NOT_PUBLISHED)
        if lcspr is not None and has("reviews.run_lcspr", lcspr):
            if lcspr.status not in ended:
                actions.append(Action("Update the local review", reverse("web:lcspr", args=[ref])))
            elif any(r.status in FOLLOWED_UP for r in lcspr.recommendations.all()):
                actions.append(Action("Follow up the recommendations", reverse("web:lcspr", args=[ref])))
        if can_proceed(review.return_for_information) and has("reviews.return_rapid_review", incident):
            actions.append(Action("Return the rapid review", reverse("web:rapid-review-return", args=[ref])))
    if incident.status != Incident.Status.DRAFT and has("letters.draft_letter", incident):
        actions.append(Action("Draft a letter", reverse("web:letter-new", args=[ref])))
    if can_proceed(incident.withdraw) and has("incidents.withdraw_notification", incident):
        actions.append(Action("Withdraw the notification", reverse("web:withdraw", args=[ref]), warning=True))
    return actions
