"""The national statistics page: the annual report's figures as tables and charts, for a period."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path

from audit.services import Action, access_record
from incidents.workflow import today
from organisations.spreadsheets import csv_response
from reports.charts import bar_chart
from reports.figures import annual_report
from reports.rules import VIEW_STATISTICS
from reports.tables import lag_distributions, last_complete_year, newest_comparator, report_tables

from ..forms import GovDateField, GovForm


class PeriodForm(GovForm):
    period_from = GovDateField(
        label="From", not_future=False, help_text="The first incident date. For example, 1 4 2022."
    )
    period_to = GovDateField(label="To", not_future=False, help_text="The last incident date, included.")

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            self.add_error("period_to", "To must be the same as or after From")
        return data


def _period(request):
    """The period asked for (both dates, or neither: then the last complete April to March year)."""
    start, end = last_complete_year(today())
    asked = any(key.startswith("period_") for key in request.GET)
    form = PeriodForm(request.GET if asked else None, initial={"period_from": start, "period_to": end})
    if asked and form.is_valid():
        start = form.cleaned_data["period_from"] or start
        end = form.cleaned_data["period_to"] or end
    return form, start, end


@login_required
def annual(request):
    if not request.user.has_perm(VIEW_STATISTICS):
        raise PermissionDenied("Only the Panel's caseworkers and analysts see the national statistics.")
    form, start, end = _period(request)
    if form.is_bound and form.errors:
        return render(request, "web/reports/annual.html", {"form": form}, status=400)
    report = annual_report(date_from=start, date_to=end)
    tables = report_tables(
        report, distributions=lag_distributions(date_from=start, date_to=end), comparator=newest_comparator()
    )
    wanted = request.GET.get("download")
    if wanted:
        table = next((t for t in tables if t.name == wanted), None)
        if table is None:
            raise Http404("No such table.")
        filename = f"{table.name}-{start}-to-{end}.csv"
        access_record(
            request=request,
            action=Action.EXPORTED,
            kind="statistics_table",
            identifier=filename,
            detail={"filters": {"table": table.name, "period_from": str(start), "period_to": str(end)}},
        )
        return csv_response(filename, [column or "Item" for column in table.columns], table.rows)
    charts = {t.name: bar_chart(**t.chart) for t in tables if t.chart}
    query = request.GET.copy()
    query.pop("download", None)
    return render(
        request,
        "web/reports/annual.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "report": report,
            "tables": [(table, charts.get(table.name)) for table in tables],
            "query": query.urlencode(),
        },
    )


urlpatterns = [path("statistics/", annual, name="statistics")]
