"""API paths for the national statistics."""

from django.urls import include, path

from .api import AnnualReportApi

urlpatterns = [
    path("reports/annual/", AnnualReportApi.as_view(), name="api-reports-annual"),
    path("", include("reports.export_urls")),
]
