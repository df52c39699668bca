"""Pages: see web/urls.py."""

from django.urls import path

from incidents.converters import CASE_REFERENCE

from .cases import case_detail

case = f"cases/{CASE_REFERENCE}/"
urlpatterns = [path(f"{case}letters/new/", case_detail, name="letter-new")]
