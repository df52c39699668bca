"""The annual report over the API: GET /api/v1/reports/annual/?from=YYYY-MM-DD&to=YYYY-MM-DD.

The same figures as `manage.py annual_report` (reports.figures.annual_report), for the Panel's
caseworkers and analysts. The checks come in the usual order: role 403, input 400.
"""

import datetime

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import Action, access_record

from .figures import annual_report, report_skeleton
from .rules import VIEW_STATISTICS
from .serializers import AnnualReportQuerySerializer


def _schema_of(value, *, name=""):
    """An OpenAPI schema for the report, read off its skeleton: every key required, counts as integers."""
    if isinstance(value, dict):
        if name == "by_month":
            month = next(iter(value.values()))
            return {
                "type": "object",
                "description": "Each month the period touches (YYYY-MM), by reason at notification.",
                "additionalProperties": _schema_of(month),
            }
        schema = {
            "type": "object",
            "properties": {key: _schema_of(item, name=key) for key, item in value.items()},
            "required": list(value),
        }
        if name == "by_region":
            schema["additionalProperties"] = {"type": "integer"}
        return schema
    if name == "lag_working_days_mean":
        return {"type": "number", "nullable": True, "description": "Null when no case has a notification date."}
    if name == "lag_working_days_p90":
        return {"type": "integer", "nullable": True, "description": "Nearest rank; null with no notification date."}
    if isinstance(value, int):
        return {"type": "integer", "minimum": 0}
    if name == "date_basis":
        return {"type": "string", "enum": [value], "description": "The date that places a case in the period."}
    return {"type": "string", "format": "date"}


REPORT_SCHEMA = _schema_of(report_skeleton(date_from=datetime.date(2023, 4, 1), date_to=datetime.date(2023, 4, 30)))


class AnnualReportApi(APIView):
    """The annual report's figures for a period of incident dates (data standard, "The annual report")."""

    @extend_schema(
        operation_id="reports_annual",
        parameters=[AnnualReportQuerySerializer],
        responses={200: REPORT_SCHEMA},
    )
    def get(self, request):
        if not request.user.has_perm(VIEW_STATISTICS):
            raise PermissionDenied("Only the Panel's caseworkers and analysts see the national statistics.")
        query = AnnualReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = query.validated_data
        access_record(
            request=request,
            action=Action.EXPORTED,
            kind="annual_report",
            identifier=f"{period['from']}-to-{period['to']}",
            detail={"filters": {"from": str(period["from"]), "to": str(period["to"])}},
        )
        return Response(annual_report(date_from=period["from"], date_to=period["to"]))
