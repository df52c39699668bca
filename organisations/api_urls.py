"""API URLs for organisations and the signed-in person."""

from django.urls import path

from . import api

urlpatterns = [
    path("organisations/", api.OrganisationListApi.as_view(), name="api-organisations"),
    path("me/", api.MeApi.as_view(), name="api-me"),
]
