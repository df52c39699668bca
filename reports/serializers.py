"""The annual report's query (its period) as the API takes it."""

from rest_framework import serializers

from organisations.serializers import PlausibleDateField


class AnnualReportQuerySerializer(serializers.Serializer):
    """`from` and `to`: the period of incident dates, both included. (`from` is a Python keyword, so the
    fields are declared in get_fields.)"""

    def get_fields(self):
        return {
            "from": PlausibleDateField(help_text="The first incident date of the period (YYYY-MM-DD)."),
            "to": PlausibleDateField(help_text="The last incident date of the period, included (YYYY-MM-DD)."),
        }

    def validate(self, attrs):
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": ["The end of the period must not be before its start."]})
        return attrs
