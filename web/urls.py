"""The service's pages for local authorities and partnerships (the API and admin are elsewhere)."""

from django.urls import path

from incidents.converters import CASE_REFERENCE

from .views import account, cases, lcspr, letters, notification, pages, panel, rapid_review, reports, search

app_name = "web"

case = f"cases/{CASE_REFERENCE}/"

urlpatterns = [
    path("cases/", cases.case_list, name="case-list"),
    path(case, cases.case_detail, name="case"),
    path("api-tokens/", account.tokens, name="tokens"),
    path("api-tokens/<str:token_key>/revoke/", account.token_revoke, name="token-revoke"),
    path("accessibility/", pages.AccessibilityView.as_view(), name="accessibility"),
    path("privacy/", pages.PrivacyView.as_view(), name="privacy"),
    *notification.urlpatterns,
    *rapid_review.urlpatterns,
    *lcspr.urlpatterns,
    *reports.urlpatterns,
    *panel.urlpatterns,
    *letters.urlpatterns,
    *search.urlpatterns,
]
