"""Filters for the case list: status, local authority, reason, channel, overdue and incident dates."""

import django_filters

from deadlines.filters import StrictBooleanFilter

from .models import Incident
from .selectors import incident_overdue_filter


class IncidentFilter(django_filters.FilterSet):
    local_authority = django_filters.CharFilter(field_name="notifying_la__code", label="Notifying LA's GSS code")
    incident_date = django_filters.DateFromToRangeFilter(label="Incident date range (_after, _before)")
    overdue = StrictBooleanFilter(method="filter_overdue", label="Has an open deadline past its due date")

    class Meta:
        model = Incident
        fields = ["status", "local_authority", "reason", "channel", "incident_date", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return incident_overdue_filter(queryset, overdue=value)
