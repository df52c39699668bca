"""Admin for cases: read-only records, history, and transition buttons that go through the services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import dateformat, timezone
from django_fsm import TransitionNotAllowed
from django_fsm.admin import FSMAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from deadlines.models import Deadline

from . import services
from .codes import Channel
from .models import Child, Incident, ReferenceSequence, TimelineEvent


class LateReasonForm(forms.Form):
    late_reason = forms.CharField(required=False, widget=forms.Textarea, help_text="Needed if it is late.")


class WithdrawForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea)


class NeverDeleted:
    """Cases, their children, deadlines and timeline, and the reviews' documents are the Panel's record of
    what happened, and are never deleted: a notification that did not meet the criteria is withdrawn.
    Without the delete permission the admin offers neither a delete button nor "Delete selected"."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows to read. A row is led by its record's label only where it links to the record's own page;
    otherwise its columns say what it is (see the template)."""

    template = "admin/edit_inline/read_only_tabular.html"
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


def timeline_event_label(event):
    """When, in England, and what: "1 Dec 2026 10:04 · Notification submitted"."""
    return f"{dateformat.format(timezone.localtime(event.at), 'j M Y H:i')} · {event.summary}"


class TimelineInline(ReadOnlyInline):
    model = TimelineEvent
    fields = ["event", "actor", "details"]
    show_change_link = False

    @admin.display(description="What happened")
    def event(self, event):
        return timeline_event_label(event)


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History to read, never to revert: SIMPLE_HISTORY_REVERT_DISABLED only hides the button, so a
    posted historical version is refused here."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("History is read-only.")
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Incident)
class IncidentAdmin(NeverDeleted, FSMAdminMixin, ReadOnlyHistoryAdmin):
    """Cases change only through the services, so that every change has its timeline event and deadlines."""

    fsm_fields = ["status"]
    fsm_forms = {"submit": LateReasonForm, "confirm": LateReasonForm, "withdraw": WithdrawForm}
    fsm_transition_form_template = "admin/incidents/incident/transition_form.html"
    # What each button does to the case, shown on the button and above its form.
    fsm_help_texts = {
        "submit": (
            "Submit the notification for the local authority: the case is notified today. Working Together "
            "asks for it within 5 working days of the authority becoming aware; a later one needs a reason."
        ),
        "withdraw": (
            "Withdraw a notification that turned out not to meet the criteria. The case is kept, with its "
            "timeline; every deadline still open is cancelled."
        ),
        "confirm": (
            "Confirm, for the local authority, the notification the Panel keyed: it stays an offline "
            "notification, made on the day it reached the Panel."
        ),
    }
    list_display = [
        "reference",
        "status",
        "how_it_reached_the_panel",
        "notifying_la",
        "incident_date",
        "reason",
        "notified_on",
    ]
    list_filter = ["status", "channel", "reason", "notifying_la__region"]
    search_fields = ["reference", "notifying_la__name"]
    list_select_related = ["notifying_la"]
    date_hierarchy = "incident_date"
    inlines = [ChildInline, DeadlineInline, TimelineInline]
    history_list_display = ["status", "reason"]
    # Shown as how_it_reached_the_panel, which says what the channel means for the case's status.
    exclude = ["channel"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["how_it_reached_the_panel" if f.name == "channel" else f.name for f in self.model._meta.concrete_fields]

    @admin.display(description="How it reached the Panel", ordering="channel")
    def how_it_reached_the_panel(self, incident):
        """The channel means something only once the notification reached the Panel: a draft, or a case
        opened from a rapid review nobody notified, has only the default channel, so it says what it awaits."""
        if incident.status == Incident.Status.DRAFT:
            return "Not yet notified (draft)"
        if incident.status == Incident.Status.NOT_NOTIFIED:
            return "Not yet notified (rapid review came first)"
        qualifiers = []
        if incident.channel == Channel.OFFLINE:
            if incident.offline_method:
                qualifiers.append(incident.get_offline_method_display().lower())
            if incident.status == Incident.Status.NOTIFIED and incident.awaits_confirmation:
                qualifiers.append("awaiting the authority's confirmation")
        if incident.retrospective:
            qualifiers.append("retrospective")
        how = "Offline" if incident.channel == Channel.OFFLINE else "Online"
        return f"{how} ({', '.join(qualifiers)})" if qualifiers else how

    def save_model(self, request, obj, form, change):
        """Nothing is saved from the form: every field is read-only, and a transition button (which posts
        the whole form) acts through its service. Saving here would add an empty version to the history."""

    def get_help_text(self, transition):
        # django-fsm-2 prints a missing help text as "None" above the transition's form.
        return super().get_help_text(transition) or self.fsm_help_texts.get(transition.name, "")

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
class ChildAdmin(NeverDeleted, ReadOnlyHistoryAdmin):
    list_display = ["__str__", "incident", "is_index", "age_years", "sex"]
    list_select_related = ["incident"]
    search_fields = ["incident__reference"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields]


@admin.register(TimelineEvent)
class TimelineEventAdmin(NeverDeleted, admin.ModelAdmin):
    list_display = ["event", "incident", "actor"]
    list_filter = ["kind"]
    list_select_related = ["incident", "actor"]
    search_fields = ["incident__reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="What happened", ordering="at")
    def event(self, event):
        return timeline_event_label(event)


@admin.register(ReferenceSequence)
class ReferenceSequenceAdmin(NeverDeleted, admin.ModelAdmin):
    """Deleting a year's row would start its numbering again, and give out references already used."""

    list_display = ["year", "last_number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
