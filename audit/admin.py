"""The access log in the admin: administrators search it, filter it and download what they found as CSV.

Read-only: no one adds, changes or deletes a recorded access here (the model and, on PostgreSQL, a trigger
refuse it too). Every administrator may read it.
"""

import json

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone

from organisations.admin_mixins import ReadOnlyAdminMixin
from organisations.spreadsheets import csv_lines

from .models import AccessEvent
from .services import Action, access_filters, access_record

CSV_HEADINGS = (
    "When",
    "Email",
    "Organisations",
    "Action",
    "Kind",
    "Identifier",
    "Case reference",
    "Detail",
    "Via",
    "Method",
    "Path",
    "IP address",
    "User agent",
    "Request id",
)


def _csv_row(event):
    return [
        timezone.localtime(event.at).isoformat(),
        event.user_email,
        event.organisations,
        event.action,
        event.kind,
        event.identifier,
        event.case_reference,
        json.dumps(event.detail, sort_keys=True) if event.detail else "",
        event.via,
        event.method,
        event.path,
        event.ip_address,
        event.user_agent,
        event.request_id,
    ]


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "user_email", "action", "kind", "identifier", "via", "ip_address", "request_id"]
    # No filter by kind: listing its values would read the whole log on every page. Search finds a kind.
    list_filter = ["action", "via", "at"]
    search_fields = ["user_email", "identifier", "case_reference", "request_id", "path", "kind"]
    list_per_page = 100
    show_full_result_count = False  # the log grows without end: no second COUNT(*) over all of it

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def get_urls(self):
        csv_view = self.admin_site.admin_view(self.csv_download)
        return [path("csv/", csv_view, name="audit_accessevent_csv"), *super().get_urls()]

    def csv_download(self, request):
        """The changelist's rows as CSV, with the search and filters it was opened with (its query string)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # As the changelist does with a filter it does not know: back to it, saying so.
            return HttpResponseRedirect(f"{reverse('admin:audit_accessevent_changelist')}?{ERROR_FLAG}=1")
        rows = changelist.get_queryset(request).select_related(None)
        # Downloading the log is itself an access worth knowing about.
        access_record(
            request=request,
            action=Action.EXPORTED,
            kind="access_log",
            identifier="access-log.csv",
            detail={"filters": access_filters(request.GET)},
        )
        response = StreamingHttpResponse(csv_lines(_lines(rows)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="access-log-{timezone.localdate().isoformat()}.csv"'
        response["Cache-Control"] = "no-store"
        return response

    def changelist_view(self, request, extra_context=None):
        query = request.GET.copy()
        query.pop(PAGE_VAR, None)
        extra = {"csv_url": f"{reverse('admin:audit_accessevent_csv')}?{query.urlencode()}"}
        return super().changelist_view(request, extra_context={**extra, **(extra_context or {})})


def _lines(rows):
    yield list(CSV_HEADINGS)
    for event in rows.iterator(chunk_size=2000):
        yield _csv_row(event)
