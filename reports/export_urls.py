"""API paths for the analysts' exports (included by reports.api_urls)."""

from django.urls import path

from .export_api import CaseExportApi, DfeExportApi

urlpatterns = [
    path("reports/cases.csv", CaseExportApi.as_view(), name="api-reports-cases-csv"),
    path("reports/dfe.csv", DfeExportApi.as_view(), name="api-reports-dfe-csv"),
]
