"""Search across cases: words in the text of rapid review documents and filters on the cases, with the
passage that matched; a page at a time, or as CSV.

Everyone who sees cases may search them (local authorities, partnerships, the Panel), and finds only the
cases they may see: reviews.selectors.case_search scopes them. Analysts see no case: 403.
"""

import itertools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path

from audit.services import Action, access_filters, access_record
from incidents.workflow import today
from organisations.spreadsheets import csv_response
from reviews.selectors import case_search, search_passages

from ..pagination import page_counted
from ..search_forms import SearchForm

RESULTS_PER_PAGE = 25
# A download holds at most this many cases, each with its passage; a narrower search gives the rest.
CSV_MAX_ROWS = 2_000
# Passages are worked out for this many cases at a time (one query each time).
CSV_PASSAGES_AT_ONCE = 200
CSV_HEADINGS = (
    "Case reference",
    "Local authority",
    "Safeguarding partnership",
    "Region",
    "Incident date",
    "Reason at notification",
    "Reason at rapid review",
    "Likely cause",
    "Status",
    "Rapid review",
    "Matching version",
    "Matching passage",
)
TEMPLATE = "web/search/search.html"


@login_required
def search(request):
    if not request.user.has_perm("incidents.read_cases"):
        raise PermissionDenied("Analysts see the national statistics, not cases.")
    asked = SearchForm.asked(request.GET)
    form = SearchForm(request.GET if asked else None)
    if not asked:
        return render(request, TEMPLATE, {"form": form})
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    criteria = form.criteria()
    cases = case_search(user=request.user, **criteria)
    # The words may be a child's name: the access log keeps only that words were given (audit.services).
    filters = access_filters(request.GET, free_text=("words",))
    if request.GET.get("download") == "csv":
        filename = f"case-search-{today().isoformat()}.csv"
        detail = {"filters": filters}
        access_record(request=request, action=Action.EXPORTED, kind="case_search", identifier=filename, detail=detail)
        return csv_response(filename, CSV_HEADINGS, _csv_rows(cases, criteria))
    page = page_counted(cases, request.GET.get("page"), RESULTS_PER_PAGE)
    access_record(
        request=request,
        action=Action.SEARCHED,
        kind="case_search",
        detail={"filters": filters, "results": page.paginator.count, "page": page.number},
    )
    shown = list(page.object_list)
    found = search_passages(cases=shown, words=criteria["words"])
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("download", None)
    csv_query = query.copy()
    csv_query["download"] = "csv"
    return render(
        request,
        TEMPLATE,
        {
            "form": form,
            "page": page,
            "results": [(case, found.get(case.pk)) for case in shown],
            "query": query.urlencode(),
            "csv_query": csv_query.urlencode(),
            "csv_max_rows": f"{CSV_MAX_ROWS:,}",
            "searched": True,
        },
    )


def _csv_rows(cases, criteria):
    rows = iter(cases[:CSV_MAX_ROWS])
    while chunk := list(itertools.islice(rows, CSV_PASSAGES_AT_ONCE)):
        found = search_passages(cases=chunk, words=criteria["words"])
        for case in chunk:
            passage = found.get(case.pk)
            review = getattr(case, "rapid_review", None)
            la = case.notifying_la
            yield (
                case.reference,
                la.name,
                la.partnership.name if la.partnership_id else "",
                la.region.name if la.region_id else "",
                case.incident_date.isoformat(),
                case.get_reason_at_notification_display(),
                review.get_reason_at_review_display() if review else "",
                review.get_likely_cause_display() if review else "",
                case.get_status_display(),
                review.get_status_display() if review else "",
                getattr(case, "matched_version_number", None) or "",
                passage.text if passage else "",
            )


urlpatterns = [path("search/", search, name="search")]
