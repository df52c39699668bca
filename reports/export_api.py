"""The analysts' exports over the API: the pseudonymised case-level CSV and the DfE-shaped tables.

For the Panel and analysts (reports.view_statistics); both stream CSV. The case-level file is refused
(503) while the service has no PSEUDONYM_KEY outside development: its pseudonyms would not be secret.
"""

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import Action, access_record
from incidents.api_schema import DETAIL
from organisations.serializers import EARLIEST_DATE, StrictSerializer

from .exports import PseudonymKeyMissing, case_export, dfe_export, latest_reporting_year
from .rules import VIEW_STATISTICS

CSV = "text/csv; charset=utf-8"


def require_statistics_reader(user):
    if not user.has_perm(VIEW_STATISTICS):
        raise PermissionDenied("Exports are for the Panel and analysts.")


def csv_download(lines, *, filename):
    response = StreamingHttpResponse(lines, content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class ExportApi(APIView):
    """Answers in CSV whatever the client asks for (text/csv, say), so it never refuses an Accept header: the
    CSV is streamed by the view itself, and what goes through a renderer is only an error, in JSON like every
    error of the API."""

    renderer_classes = [renderers.JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        return renderers.JSONRenderer(), renderers.JSONRenderer.media_type


CSV_RESPONSE = {(200, "text/csv"): OpenApiResponse(response=OpenApiTypes.BINARY, description="CSV, UTF-8.")}
KEY_MISSING_RESPONSE = {
    503: OpenApiResponse(
        response=DETAIL, description="The service has no PSEUDONYM_KEY, so it makes no pseudonymised export."
    )
}


class CaseExportApi(ExportApi):
    @extend_schema(operation_id="reports_cases_csv", responses={**CSV_RESPONSE, **KEY_MISSING_RESPONSE})
    def get(self, request):
        """Every counted case (notified, withdrawn, or awaiting its retrospective notification) as one row per
        child: codes, months and a keyed pseudonym in place of the reference; no names, no dates of birth."""
        require_statistics_reader(request.user)
        try:
            lines = case_export()
        except PseudonymKeyMissing as error:
            return Response({"detail": str(error)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        filename = "cases-pseudonymised.csv"
        access_record(request=request, action=Action.EXPORTED, kind="cases_pseudonymised", identifier=filename)
        return csv_download(lines, filename=filename)


class DfeQuerySerializer(StrictSerializer):
    from_year = serializers.IntegerField(
        min_value=EARLIEST_DATE.year, help_text="The first reporting year, by the April it starts in: 2022 is 2022-23."
    )
    to_year = serializers.IntegerField(
        required=False, min_value=EARLIEST_DATE.year, help_text="The last reporting year; the first if not given."
    )

    def validate(self, data):
        data.setdefault("to_year", data["from_year"])
        latest = latest_reporting_year(timezone.localdate())
        errors = {
            name: [f"Give a reporting year from {EARLIEST_DATE.year} to {latest}."]
            for name in ("from_year", "to_year")
            if data[name] > latest
        }
        if not errors and data["from_year"] > data["to_year"]:
            errors["to_year"] = ["The last reporting year cannot come before the first."]
        if errors:
            raise serializers.ValidationError(errors)
        return data


class DfeExportApi(ExportApi):
    @extend_schema(operation_id="reports_dfe_csv", parameters=[DfeQuerySerializer], responses=CSV_RESPONSE)
    def get(self, request):
        """Notifications by notification date over reporting years ending 31 March, by nature (death, serious
        harm, other) against the index child's characteristics: one table per characteristic, every code listed."""
        require_statistics_reader(request.user)
        query = DfeQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        years = query.validated_data
        lines = dfe_export(from_year=years["from_year"], to_year=years["to_year"])
        filename = f"sin-statistics-{years['from_year']}-{years['to_year']}.csv"
        detail = {"filters": {name: str(value) for name, value in years.items()}}
        access_record(request=request, action=Action.EXPORTED, kind="dfe_tables", identifier=filename, detail=detail)
        return csv_download(lines, filename=filename)
