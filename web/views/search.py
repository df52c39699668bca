"""Pages: see web/urls.py."""

urlpatterns = []
