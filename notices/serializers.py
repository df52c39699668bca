"""API representations of what the service told people, and of the Panel's chasers."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deadlines.serializers import CaseDeadlineSerializer

from .models import Notice


class NoticeSerializer(serializers.ModelSerializer):
    incident = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    what = serializers.CharField(read_only=True)
    kind = serializers.SerializerMethodField()
    recipient = serializers.CharField(source="address", read_only=True, help_text="A person's or team mailbox's email.")

    class Meta:
        model = Notice
        fields = ["id", "incident", "kind", "what", "recipient", "due_on", "status", "attempts", "sent_at"]

    @extend_schema_field(serializers.ChoiceField(choices=["reminder", "message"]))
    def get_kind(self, notice) -> str:
        return "reminder" if notice.deadline_id else "message"


class ChaserSerializer(CaseDeadlineSerializer):
    """An open request the Panel is waiting on, with how long it has waited."""

    days_outstanding = serializers.SerializerMethodField()

    class Meta(CaseDeadlineSerializer.Meta):
        fields = [*CaseDeadlineSerializer.Meta.fields, "days_outstanding"]

    def get_days_outstanding(self, deadline) -> int:
        return (self.context["today"] - deadline.starts_on).days
