"""Admin for cases: read-only records, history, and transition buttons that go through the services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed
from django_fsm.admin import FSMAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from deadlines.models import Deadline

from . import services
from .models import Child, Incident, ReferenceSequence, TimelineEvent


class LateReasonForm(forms.Form):
    late_reason = forms.CharField(required=False, widget=forms.Textarea, help_text="Needed if it is late.")


class WithdrawForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class ChildInline(ReadOnlyInline):
    model = Child
    fields = ["is_index", "age_years", "sex", "ethnicity", "looked_after"]


class DeadlineInline(ReadOnlyInline):
    model = Deadline
    fields = ["kind", "responsible", "starts_on", "due_on", "status", "met_on", "cancelled_on"]
    show_change_link = False


class TimelineInline(ReadOnlyInline):
    model = TimelineEvent
    fields = ["at", "kind", "actor", "summary", "details"]
    show_change_link = False


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History to read, never to revert: SIMPLE_HISTORY_REVERT_DISABLED only hides the button, so a
    posted historical version is refused here."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("History is read-only.")
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Incident)
class IncidentAdmin(FSMAdminMixin, ReadOnlyHistoryAdmin):
    """Cases change only through the services, so that every change has its timeline event and deadlines."""

    fsm_fields = ["status"]
    fsm_forms = {"submit": LateReasonForm, "confirm": LateReasonForm, "withdraw": WithdrawForm}
    list_display = ["reference", "status", "channel", "notifying_la", "incident_date", "reason", "notified_on"]
    list_filter = ["status", "channel", "reason", "notifying_la__region"]
    search_fields = ["reference", "notifying_la__name"]
    list_select_related = ["notifying_la"]
    date_hierarchy = "incident_date"
    inlines = [ChildInline, DeadlineInline, TimelineInline]
    history_list_display = ["status", "reason"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields]

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None):
        service = {
            "submit": services.incident_submit,
            "withdraw": services.incident_withdraw,
            "confirm": services.incident_confirm,
        }.get(transition_name)
        if service is None:
            self.message_user(request, f"{transition_name} is not done from the admin.", level=messages.ERROR)
            return False
        try:
            service(incident=obj, by=request.user, **(kwargs or {}))
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), level=messages.ERROR)
            return False
        except (TransitionNotAllowed, PermissionDenied) as error:
            self.message_user(request, str(error) or "Not allowed.", level=messages.ERROR)
            return False
        self.message_user(request, f"{obj.reference}: {transition_name} done.", level=messages.SUCCESS)
        return True


@admin.register(Child)
class ChildAdmin(ReadOnlyHistoryAdmin):
    list_display = ["__str__", "incident", "is_index", "age_years", "sex"]
    list_select_related = ["incident"]
    search_fields = ["incident__reference"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields]


@admin.register(TimelineEvent)
class TimelineEventAdmin(admin.ModelAdmin):
    list_display = ["incident", "at", "kind", "actor", "summary"]
    list_filter = ["kind"]
    list_select_related = ["incident", "actor"]
    search_fields = ["incident__reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReferenceSequence)
class ReferenceSequenceAdmin(admin.ModelAdmin):
    list_display = ["year", "last_number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
