"""A page of results whose total is counted in the same query as the page's rows.

Paginator counts with a query of its own, then reads the page: for a search that ranks every match (full
text), both queries find and rank every match, twice the work. Here the page's query carries the number of
rows as a window over them (COUNT(*) OVER (), worked out before LIMIT), so the matches are found once.
"""

from django.core.paginator import Paginator
from django.db.models import Count, Window

TOTAL = "rows_in_all"


def page_counted(queryset, number, per_page):
    """The page `number` of `queryset`, as Paginator.get_page gives it: the first page for a number that is
    not one, the last for one out of range. One query, or three for a page out of range."""
    paginator = Paginator(queryset, per_page)
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    if number < 1:
        return paginator.get_page(number)
    start = (number - 1) * per_page
    rows = list(queryset.annotate(**{TOTAL: Window(Count("pk"))})[start : start + per_page])
    if not rows and number > 1:
        return paginator.get_page(number)  # past the end: counted on its own, and the last page shown
    paginator.count = getattr(rows[0], TOTAL) if rows else 0
    return paginator._get_page(rows, number, paginator)
