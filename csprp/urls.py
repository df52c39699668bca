"""The service's URLs: pages, the API under /api/v1/, its schema and docs, admin and health."""

from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from web.views.cases import home

admin.site.site_header = "Child Safeguarding Practice Review Panel: administration"
admin.site.site_title = "CSPRP administration"

api_v1 = [
    path("", include("organisations.api_urls")),
    path("", include("reviews.api_urls")),
    path("", include("letters.api_urls")),
    path("", include("notices.api_urls")),
    path("", include("casefile.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("incidents.api_urls")),
]

# JSON for paths under /api/, Django's pages elsewhere.
handler400 = "incidents.workflow.error_bad_request"
handler403 = "incidents.workflow.error_permission_denied"
handler404 = "incidents.workflow.error_not_found"
# A database gone away is a 503 (health.middleware), whatever raised it.
handler500 = "health.middleware.error_server"

urlpatterns = [
    path("", home, name="home"),
    path("", include("organisations.urls")),
    path("", include("web.urls")),
    path("healthz", include("health.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so the docs need no inline script;
    # Swagger UI writes inline styles, which its page alone allows.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
]
