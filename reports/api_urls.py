"""API paths for the national statistics."""

from django.urls import path

from .api import AnnualReportApi

urlpatterns = [path("reports/annual/", AnnualReportApi.as_view(), name="api-reports-annual")]
