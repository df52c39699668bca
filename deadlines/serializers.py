"""API representations of deadlines."""

from rest_framework import serializers

from .models import Deadline


class DeadlineSerializer(serializers.ModelSerializer):
    responsible = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_overdue = serializers.SerializerMethodField()
    met_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = Deadline
        fields = [
            "kind",
            "subject",
            "responsible",
            "starts_on",
            "due_on",
            "status",
            "met_on",
            "cancelled_on",
            "is_overdue",
            "met_late",
        ]

    def get_is_overdue(self, deadline) -> bool:
        return deadline.is_overdue(today=self.context["today"])


class CaseDeadlineSerializer(DeadlineSerializer):
    """A deadline in the deadlines list, with the case it belongs to."""

    incident = serializers.SlugRelatedField(slug_field="reference", read_only=True)

    class Meta(DeadlineSerializer.Meta):
        fields = ["incident", *DeadlineSerializer.Meta.fields]
