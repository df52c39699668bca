"""What `purge` removed, in the admin: read-only, the record of records no longer held."""

from django.contrib import admin

from .models import PurgeRecord


@admin.register(PurgeRecord)
class PurgeRecordAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "count", "before")
    list_filter = ("kind",)
    search_fields = ("identifiers",)
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
