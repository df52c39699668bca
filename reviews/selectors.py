"""Reads of rapid reviews and local reviews. Cases are always found through incidents.selectors first."""

from django.db import models
from django.db.models import Exists, Max, OuterRef, Prefetch, Subquery

from incidents.selectors import incident_list

from .models import Lcspr, LcsprMilestone, RapidReview, RapidReviewVersion
from .search import passages, version_match


def with_reviews(cases, *, in_full=False):
    """The cases (already scoped) with their rapid review and its versions, and their local review, fetched
    alongside: a fixed number of queries however many versions there are. `in_full` adds the local review's
    pauses, milestones and recommendations, as the case file shows them (casefile.serializers)."""
    cases = cases.select_related("rapid_review__partnership", "lcspr__partnership").prefetch_related(
        Prefetch("rapid_review__versions", queryset=RapidReviewVersion.objects.select_related("sent_by"))
    )
    if in_full:
        cases = cases.prefetch_related(
            "lcspr__pauses",
            Prefetch("lcspr__milestones", queryset=LcsprMilestone.objects.select_related("recorded_by")),
            "lcspr__recommendations",
        )
    return cases


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


# Search ----------------------------------------------------------------------------------------------


class SearchOrder(models.TextChoices):
    RELEVANCE = "relevance", "Best match"
    NEWEST = "newest", "Incident date, newest first"
    OLDEST = "oldest", "Incident date, oldest first"
    REFERENCE = "reference", "Case reference"


def case_search(
    *,
    user,
    words="",
    reference="",
    local_authority=None,
    partnership=None,
    region=None,
    reason_at_notification="",
    reason_at_review="",
    likely_cause="",
    practice_theme="",
    status="",
    incident_from=None,
    incident_to=None,
    order=SearchOrder.RELEVANCE,
):
    """The cases this person may see that match every criterion given, one row per case.

    Scoped by incidents.selectors.incident_list, so nobody finds a case they may not see. `words`
    searches the text of each rapid review version's document and its findings (reviews.search):
    only cases with a matching version are kept, and each row carries its latest matching version as
    `matched_version_id` and `matched_version_number` (for search_passages and the page) and, on
    PostgreSQL, its `rank` (for the order): the best rank of its matching versions. The local
    authority, partnership and region are the notifying authority's; the reason at review, likely
    cause and practice theme are the current rapid review version's.
    """
    # The authorities, regions, partnerships and reviews shown are fetched for the rows read (a page, or
    # the rows of a download), not joined to every match before the matches are sorted and counted.
    cases = (
        incident_list(user=user)
        .select_related(None)
        .prefetch_related(None)
        .prefetch_related("notifying_la__region", "notifying_la__partnership", "home_la", "placing_la", "rapid_review")
    )
    if reference.strip():
        cases = cases.filter(reference__icontains=reference.strip())
    if local_authority is not None:
        cases = cases.filter(notifying_la=local_authority)
    if partnership is not None:
        cases = cases.filter(notifying_la__partnership=partnership)
    if region is not None:
        cases = cases.filter(notifying_la__region=region)
    if reason_at_notification:
        cases = cases.filter(reason_at_notification=reason_at_notification)
    if reason_at_review:
        cases = cases.filter(rapid_review__reason_at_review=reason_at_review)
    if likely_cause:
        cases = cases.filter(rapid_review__likely_cause=likely_cause)
    if status:
        cases = cases.filter(status=status)
    if incident_from:
        cases = cases.filter(incident_date__gte=incident_from)
    if incident_to:
        cases = cases.filter(incident_date__lte=incident_to)
    if practice_theme:
        current = RapidReviewVersion.objects.filter(rapid_review__incident=OuterRef("pk")).order_by("-number")
        # A JSON list of codes, matched as its text: `"babies"` (codes never contain one another).
        themed = RapidReviewVersion.objects.filter(
            pk=OuterRef("current_version_id"), practice_themes__icontains=f'"{practice_theme}"'
        )
        cases = cases.annotate(current_version_id=Subquery(current.values("pk")[:1])).filter(Exists(themed))
    ranked = False
    if words.strip():
        # One join to the matching versions (found in the full-text index), grouped by case: the latest
        # matching version (versions are numbered in the order they are made, so the highest id is the
        # highest number) and the best rank among them. Each case's figures are worked out once in the
        # join, not by a subquery for each case; the filter comes first, so the annotations count only
        # the matching versions.
        versions = "rapid_review__versions__"
        match, rank = version_match(words.strip(), prefix=versions)
        cases = cases.filter(match).annotate(
            matched_version_id=Max(f"{versions}id"),
            matched_version_number=Max(f"{versions}number"),
        )
        if rank is not None:
            cases = cases.annotate(rank=Max(rank))
            ranked = True
    orders = {
        SearchOrder.RELEVANCE: (("-rank",) if ranked else ()) + ("-incident_date", "-pk"),
        SearchOrder.NEWEST: ("-incident_date", "-pk"),
        SearchOrder.OLDEST: ("incident_date", "pk"),
        SearchOrder.REFERENCE: ("reference",),
    }
    return cases.order_by(*orders.get(order, orders[SearchOrder.RELEVANCE]))


def search_passages(*, cases, words):
    """The passage matching `words` of each case shown, by case id: reviews.search.Passage (one query)."""
    versions = {case.matched_version_id: case.pk for case in cases if getattr(case, "matched_version_id", None)}
    found = passages(version_ids=list(versions), words=words.strip())
    return {versions[version_id]: passage for version_id, passage in found.items()}
