"""Writes that span apps: one step of the case that the apps below each do a part of."""

from django.db import transaction

from incidents.workflow import documents_discarded_on_error
from letters.models import Letter
from letters.services import letter_draft
from reviews.services import rapid_review_send_unnotified


@documents_discarded_on_error
@transaction.atomic
def unnotified_rapid_review_receive(**values):
    """A rapid review for an incident nobody notified (reviews.services.rapid_review_send_unnotified),
    with the Panel's letter asking the authority for its retrospective notification drafted for the
    secretariat to check and send."""
    review = rapid_review_send_unnotified(**values)
    letter_draft(incident=review.incident, by=None, kind=Letter.Kind.RETROSPECTIVE_REQUEST)
    return review
