"""API views: the organisations directory and the signed-in person."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from .models import Organisation
from .selectors import organisation_list, user_with_memberships
from .serializers import MeSerializer, OrganisationSerializer, StrictSerializer
from .services import user_preferences_update


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


class MePreferencesSerializer(StrictSerializer):
    wants_case_messages = serializers.BooleanField()


class MeApi(generics.RetrieveAPIView):
    """The signed-in person and their roles; PATCH chooses whether they are emailed about their cases."""

    serializer_class = MeSerializer

    def get_object(self):
        return user_with_memberships(user=self.request.user)

    @extend_schema(request=MePreferencesSerializer, responses=MeSerializer)
    def patch(self, request):
        serializer = MePreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user_preferences_update(user=request.user, **serializer.validated_data)
        return Response(MeSerializer(self.get_object()).data)
