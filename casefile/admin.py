"""What `purge` removed, in the admin: read-only, the record of records no longer held."""

from django.contrib import admin

from organisations.admin_mixins import ReadOnlyAdminMixin

from .models import PurgeRecord


@admin.register(PurgeRecord)
class PurgeRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "kind", "count", "before")
    list_filter = ("kind",)
    search_fields = ("identifiers",)
    date_hierarchy = "at"
