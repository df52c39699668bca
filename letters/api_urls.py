"""API URLs for letters."""

from rest_framework.routers import SimpleRouter

from .api import LetterViewSet

router = SimpleRouter()
router.register("letters", LetterViewSet, basename="letter")

urlpatterns = router.urls
