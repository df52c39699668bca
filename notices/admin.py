"""Admin for reminders: the ladders are edited here; what was sent (or failed, and why) is shown."""

from django.contrib import admin

from .models import Notice, Rung


@admin.register(Rung)
class RungAdmin(admin.ModelAdmin):
    list_display = ["__str__", "deadline_kind", "offset", "unit", "escalate", "repeat_every"]
    list_filter = ["deadline_kind", "unit", "escalate"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """A record of what the service told whom, reminders and messages; made and sent by the engine, never by hand."""

    list_display = ["incident", "what", "recipient", "due_on", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "rung__deadline_kind"]
    list_select_related = ["incident", "deadline", "event", "recipient"]
    search_fields = ["incident__reference", "recipient__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
