"""API URLs for notices and chasers."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/notices/", api.MyNoticesApi.as_view(), name="api-my-notices"),
    path("chasers/", api.ChasersApi.as_view(), name="api-chasers"),
]
