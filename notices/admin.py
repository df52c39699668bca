"""Admin for reminders: the ladders are edited here; what was sent (or failed, and why) is shown."""

from django.contrib import admin

from organisations.admin_mixins import ReadOnlyAdminMixin

from .models import EventTold, Notice, Rung
from .services import deadlines_look_again


@admin.register(Rung)
class RungAdmin(admin.ModelAdmin):
    """A changed ladder applies to the deadlines already open: the engine works out again when to look at
    each of them (deadlines_look_again), as its next date was worked out on the old ladder."""

    list_display = ["__str__", "deadline_kind", "offset", "unit", "escalate", "repeat_every"]
    list_filter = ["deadline_kind", "unit", "escalate"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A rung moved to another kind changes its old kind's ladder too.
        deadlines_look_again(kinds={obj.deadline_kind, form.initial.get("deadline_kind", obj.deadline_kind)})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        deadlines_look_again(kinds=[obj.deadline_kind])

    def delete_queryset(self, request, queryset):
        kinds = set(queryset.values_list("deadline_kind", flat=True))
        super().delete_queryset(request, queryset)
        deadlines_look_again(kinds=kinds)


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


@admin.register(EventTold)
class EventToldAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Which timeline events the reminder engine has told (notices.services.messages_make); its own record."""

    list_display = ["event", "told_at"]
    list_select_related = ["event"]
    search_fields = ["event__incident__reference"]
