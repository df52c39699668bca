"""API URLs for deadlines."""

from django.urls import path

from .api import DeadlineListApi

urlpatterns = [path("deadlines/", DeadlineListApi.as_view(), name="api-deadlines")]
