"""API URLs for cases, each shown in full."""

from rest_framework.routers import SimpleRouter

from .api import CaseFileViewSet

router = SimpleRouter()
router.register("incidents", CaseFileViewSet, basename="incident")

urlpatterns = router.urls
