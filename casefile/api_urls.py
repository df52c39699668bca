"""API URLs for cases, each shown in full."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import CaseFileUnnotifiedRapidReviewApi, CaseFileViewSet

router = SimpleRouter()
router.register("incidents", CaseFileViewSet, basename="incident")

urlpatterns = [
    path("rapid-reviews/", CaseFileUnnotifiedRapidReviewApi.as_view(), name="api-rapid-reviews"),
    *router.urls,
]
