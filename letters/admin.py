"""Admin for letters: records to read, with their history; every change goes through the services."""

from django.contrib import admin

from incidents.admin import NeverDeleted, ReadOnlyHistoryAdmin

from .models import Letter


@admin.register(Letter)
class LetterAdmin(NeverDeleted, ReadOnlyHistoryAdmin):
    list_display = ["incident", "kind", "status", "issued_on", "panel_position", "national_review"]
    list_filter = ["kind", "status", "panel_position", "national_review"]
    list_select_related = ["incident"]
    search_fields = ["incident__reference"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields]
