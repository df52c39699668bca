"""The deadlines API: every deadline of the cases a person may see."""

import django_filters
from django.utils import timezone
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied

from organisations.selectors import user_scope

from .models import Deadline
from .selectors import deadline_list
from .serializers import CaseDeadlineSerializer


class DeadlineFilter(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Open and past its due date")
    incident = django_filters.CharFilter(field_name="incident__reference")

    class Meta:
        model = Deadline
        fields = ["status", "kind", "overdue", "incident"]

    def filter_overdue(self, queryset, name, value):
        overdue = Deadline.objects.overdue(today=timezone.localdate()).values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


class DeadlineListApi(generics.ListAPIView):
    serializer_class = CaseDeadlineSerializer
    filterset_class = DeadlineFilter
    queryset = Deadline.objects.none()  # the real one is always the scoped selector's

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        if not self.request.user.is_superuser and not user_scope(user=self.request.user).reads_cases:
            raise PermissionDenied("Your role sees statistics, not cases.")
        return deadline_list(user=self.request.user).order_by("due_on", "kind", "pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}
