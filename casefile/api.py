"""The cases API, showing each case in full (casefile.serializers.CaseFileSerializer)."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from incidents.api import IncidentViewSet
from incidents.serializers import (
    IncidentCreateSerializer,
    IncidentUpdateSerializer,
    SubmitSerializer,
    WithdrawSerializer,
)
from reviews.api import UnnotifiedRapidReviewApi

from . import services
from .serializers import CaseFileSerializer


class CaseFileUnnotifiedRapidReviewApi(UnnotifiedRapidReviewApi):
    service = staticmethod(services.unnotified_rapid_review_receive)


@extend_schema_view(
    retrieve=extend_schema(responses=CaseFileSerializer),
    create=extend_schema(request=IncidentCreateSerializer, responses={201: CaseFileSerializer}),
    partial_update=extend_schema(request=IncidentUpdateSerializer, responses=CaseFileSerializer),
    submit=extend_schema(request=SubmitSerializer, responses=CaseFileSerializer),
    withdraw=extend_schema(request=WithdrawSerializer, responses=CaseFileSerializer),
    confirm=extend_schema(request=SubmitSerializer, responses=CaseFileSerializer),
)
class CaseFileViewSet(IncidentViewSet):
    detail_serializer_class = CaseFileSerializer
