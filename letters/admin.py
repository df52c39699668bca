"""Admin for letters: a draft's text and decision can be changed, and its steps taken, always through the
services (so four eyes and the timeline hold here too); an issued or discarded letter is read-only."""

from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed
from django_fsm.admin import FSMAdminMixin

from incidents.admin import NeverDeleted, ReadOnlyHistoryAdmin

from . import services
from .models import Letter

EDITABLE = ["subject", "body_markdown", "panel_position", "national_review", "quality_themes", "practice_themes"]
STEPS = {
    "ask_for_approval": services.letter_ask_for_approval,
    "approve": services.letter_approve,
    "issue": services.letter_issue,
    "discard": services.letter_discard,
}
HELP_TEXTS = {
    "ask_for_approval": "Put the letter forward: a Panel member or colleague other than its writer approves it.",
    "approve": "Approve the letter as it stands. Any later change takes it back to draft.",
    "issue": "Issue the letter: its PDF is stored and it can never change again.",
    "discard": "Discard the letter: it is kept, but never issued.",
    "reopen": "Back to draft (happens by itself when the letter is changed).",
}


@admin.register(Letter)
class LetterAdmin(NeverDeleted, FSMAdminMixin, ReadOnlyHistoryAdmin):
    fsm_fields = ["status"]
    list_display = ["incident", "kind", "status", "issued_on", "panel_position", "national_review"]
    list_filter = ["kind", "status", "panel_position", "national_review"]
    list_select_related = ["incident"]
    search_fields = ["incident__reference"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        frozen = obj is None or obj.status in (Letter.Status.ISSUED, Letter.Status.DISCARDED)
        return [f.name for f in self.model._meta.concrete_fields if frozen or f.name not in EDITABLE]

    def save_model(self, request, obj, form, change):
        """Changes go through the service: a letter put forward or approved goes back to draft."""
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE}
        if not changed:
            return
        try:
            services.letter_update(letter=obj, by=request.user, **changed)
        except (ValidationError, TransitionNotAllowed, PermissionDenied, ObjectDoesNotExist) as error:
            message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, message or "Not allowed.", level=messages.ERROR)

    def get_help_text(self, transition):
        return super().get_help_text(transition) or HELP_TEXTS.get(transition.name, "")

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None):
        service = STEPS.get(transition_name)
        if service is None:
            self.message_user(request, f"{transition_name} is not done from the admin.", level=messages.ERROR)
            return False
        try:
            service(letter=obj, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), level=messages.ERROR)
            return False
        except (TransitionNotAllowed, PermissionDenied, ObjectDoesNotExist) as error:
            self.message_user(request, str(error) or "Not allowed.", level=messages.ERROR)
            return False
        self.message_user(request, f"Letter {transition_name.replace('_', ' ')}: done.", level=messages.SUCCESS)
        return True
