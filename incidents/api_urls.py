"""API URLs for deadlines. The cases' own routes are the case file's (casefile.api_urls)."""

from django.urls import path

from .api import DeadlineListApi

urlpatterns = [path("deadlines/", DeadlineListApi.as_view(), name="api-deadlines")]
