"""Reads of rapid reviews and local reviews. Cases are always found through incidents.selectors first."""

from .models import Lcspr, RapidReview


def rapid_review_of(incident):
    """The case's rapid review, if the partnership has done anything about one yet."""
    try:
        return incident.rapid_review
    except RapidReview.DoesNotExist:
        return None


def lcspr_of(incident):
    """The case's local review, if one was started."""
    try:
        return incident.lcspr
    except Lcspr.DoesNotExist:
        return None


def review_facts(*, incident):
    """The reason and likely cause recorded at rapid review: the ones the national statistics use.

    They come from the current version of the rapid review, never from the notification; a case with
    no rapid review has none.
    """
    review = rapid_review_of(incident)
    if review is None or not review.reason_at_review:
        return None
    return {"reason_at_review": review.reason_at_review, "likely_cause": review.likely_cause}
