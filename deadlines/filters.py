"""Filters for lists of deadlines: status, kind, overdue and case."""

import django_filters
from django import forms
from django.utils import timezone

from .models import Deadline


class StrictBooleanField(forms.NullBooleanField):
    """true or false (or nothing): anything else is an error, not silently no filter at all."""

    widget = forms.TextInput  # the raw text, not a select that turns what it does not know into nothing

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "True", "1"):
            return True
        if value in ("false", "False", "0"):
            return False
        raise forms.ValidationError("Enter true or false.", code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class DeadlineFilter(django_filters.FilterSet):
    overdue = StrictBooleanFilter(method="filter_overdue", label="Open and past its due date")
    incident = django_filters.CharFilter(field_name="incident__reference")

    class Meta:
        model = Deadline
        fields = ["status", "kind", "overdue", "incident"]

    def filter_overdue(self, queryset, name, value):
        # On the deadlines listed, not a subquery over every deadline: the open ones past due are found in
        # deadline_open_due_idx.
        today = timezone.localdate()
        return queryset.overdue(today=today) if value else queryset.not_overdue(today=today)
