"""API paths for the national statistics."""

urlpatterns = []
