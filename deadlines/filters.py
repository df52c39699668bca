"""Filters for lists of deadlines: status, kind, overdue and case."""

import django_filters
from django.utils import timezone

from .models import Deadline


class DeadlineFilter(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Open and past its due date")
    incident = django_filters.CharFilter(field_name="incident__reference")

    class Meta:
        model = Deadline
        fields = ["status", "kind", "overdue", "incident"]

    def filter_overdue(self, queryset, name, value):
        overdue = Deadline.objects.overdue(today=timezone.localdate()).values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)
