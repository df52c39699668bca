"""Pages: see web/urls.py."""

from django.urls import path

from incidents.converters import CASE_REFERENCE

from .cases import case_detail

case = f"cases/{CASE_REFERENCE}/"
urlpatterns = [
    path("notifications/new/", case_detail, name="notification-start"),
    path(f"{case}notification/check/", case_detail, name="notification-check"),
    path(f"{case}notification/retrospective/", case_detail, name="retrospective"),
    path(f"{case}notification/confirm/", case_detail, name="confirm-offline"),
    path(f"{case}notification/withdraw/", case_detail, name="withdraw"),
]
