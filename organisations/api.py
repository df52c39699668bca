"""API views: the organisations directory and the signed-in person."""

import django_filters
from rest_framework import generics

from .models import Organisation
from .selectors import organisation_list, user_with_memberships
from .serializers import MeSerializer, OrganisationSerializer


class OrganisationFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__name")

    class Meta:
        model = Organisation
        fields = ["kind", "region"]


class OrganisationListApi(generics.ListAPIView):
    """Every organisation; the directory is not sensitive and any signed-in person may read it."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self):
        return organisation_list()


class MeApi(generics.RetrieveAPIView):
    """The signed-in person and their roles."""

    serializer_class = MeSerializer

    def get_object(self):
        return user_with_memberships(user=self.request.user)
