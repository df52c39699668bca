"""The cases API: list, read, start, key offline, change, submit, withdraw and confirm.

Views are thin: they find the case through the scoped selector (404 outside scope), ask the rule the service
asks (403 for a role that may not act), then check the input's shape, call a service and show the case as it
now is. The service asks again, and decides what the state allows (409).
"""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from audit.services import Action, access_record
from deadlines.filters import DeadlineFilter
from deadlines.models import Deadline
from deadlines.serializers import CaseDeadlineSerializer
from organisations.models import Organisation
from organisations.parsers import BoundedJSONParser, StrictMultiPartParser
from organisations.selectors import user_scope
from organisations.serializers import request_data

from . import services
from .api_schema import IF_MATCH, OFFLINE_DOCUMENT_RESPONSES
from .codes import Channel
from .converters import REFERENCE_PATTERN
from .filters import IncidentFilter
from .models import Incident
from .rules import START_CASE
from .selectors import case_deadline_list, incident_get, incident_list, incident_timeline
from .serializers import (
    IncidentCreateSerializer,
    IncidentDetailSerializer,
    IncidentSerializer,
    IncidentUpdateSerializer,
    SubmitSerializer,
    WithdrawSerializer,
    case_fields,
    show_names,
)
from .workflow import document_download, permission_check, transition_permission, version_from_request, with_entity_tag


def require_case_reader(user):
    """Analysts see statistics, not cases: 403 for every list and read of cases."""
    if not user.has_perm("incidents.read_cases"):
        raise PermissionDenied("Your role sees statistics, not cases.")


def case_request_data(request):
    return request_data(request, structured=("children",), lists=("children",))


class IncidentViewSet(viewsets.GenericViewSet):
    """Cases. Every response that shows one case uses `detail_serializer_class`, which the case file
    (casefile.api) widens with what the apps above incidents know."""

    detail_serializer_class = IncidentDetailSerializer
    lookup_field = "reference"
    lookup_value_regex = REFERENCE_PATTERN
    filterset_class = IncidentFilter
    serializer_class = IncidentSerializer
    parser_classes = [BoundedJSONParser, StrictMultiPartParser]
    queryset = Incident.objects.none()  # the real one is always the scoped selector's

    def get_queryset(self):
        return incident_list(user=self.request.user)

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "today": timezone.localdate(),
            "show_names": show_names(self.request.user),
        }

    def _case(self, *, permission=None):
        """The case, if the person can see it (404); given a permission, their role must have it on the case
        (403), asked before anything sent is read, so a refusal never depends on the body."""
        try:
            incident = incident_get(user=self.request.user, reference=self.kwargs["reference"])
        except Incident.DoesNotExist:
            raise Http404 from None
        if permission is not None:
            permission_check(by=self.request.user, permission=permission, record=incident)
        return incident

    def _case_to_show(self, reference):
        """The case in full, in one read: what the detail serializer shows is fetched with it (404 outside scope)."""
        cases = self.detail_serializer_class.cases_to_show(incident_list(user=self.request.user))
        try:
            return cases.get(reference=reference)
        except Incident.DoesNotExist:
            raise Http404 from None

    def _show(self, incident, status_code=status.HTTP_200_OK):
        """The case as the detail serializer shows it: read by _case_to_show (after a change, read again)."""
        context = {**self.get_serializer_context(), "timeline": incident_timeline(incident=incident)}
        response = Response(self.detail_serializer_class(incident, context=context).data, status=status_code)
        return with_entity_tag(response, incident)

    def list(self, request):
        require_case_reader(request.user)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=IncidentDetailSerializer)
    def retrieve(self, request, reference=None):
        incident = self._case_to_show(self.kwargs["reference"])
        access_record(
            request=request,
            action=Action.VIEWED_CASE,
            kind="case",
            identifier=incident.reference,
            case_reference=incident.reference,
        )
        return self._show(incident)

    @extend_schema(request=IncidentCreateSerializer, responses={201: IncidentDetailSerializer})
    def create(self, request):
        if not request.user.has_perm(START_CASE):
            raise PermissionDenied("Only a local authority notifier or the Panel secretariat starts a notification.")
        serializer = IncidentCreateSerializer(data=case_request_data(request))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        channel = data.pop("channel")
        notifying_la = data.pop("local_authority", None) or self._own_local_authority()
        fields = case_fields(data)
        if channel == Channel.OFFLINE:
            incident = services.incident_key_offline(by=request.user, notifying_la=notifying_la, **fields)
        else:
            incident = services.incident_create(by=request.user, notifying_la=notifying_la, **fields)
        return self._show(self._case_to_show(incident.reference), status.HTTP_201_CREATED)

    def _own_local_authority(self):
        """A notifier in one authority need not name it; anyone else must."""
        scope = user_scope(user=self.request.user)
        if len(scope.notifier_la_ids) == 1:
            return Organisation.objects.get(pk=next(iter(scope.notifier_la_ids)))
        raise ValidationError({"local_authority": ["Give the notifying local authority's GSS code."]})

    @extend_schema(request=IncidentUpdateSerializer, responses=IncidentDetailSerializer, parameters=[IF_MATCH])
    def partial_update(self, request, reference=None):
        """Change a case's details. Send the version you read (If-Match with its ETag, or `version`) and a
        case changed since is refused with 409; without either, the change is made whatever changed since."""
        incident = self._case(permission="incidents.change_case")
        serializer = IncidentUpdateSerializer(data=case_request_data(request), partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        version = version_from_request(request, given=values.pop("version", None))
        services.incident_update(incident=incident, by=request.user, version=version, **case_fields(values))
        return self._show(self._case_to_show(incident.reference))

    @extend_schema(request=SubmitSerializer, responses=IncidentDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, reference=None):
        incident = self._case(permission=transition_permission(Incident.submit))
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.incident_submit(incident=incident, by=request.user, **serializer.validated_data)
        return self._show(self._case_to_show(incident.reference))

    @extend_schema(request=WithdrawSerializer, responses=IncidentDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, reference=None):
        incident = self._case(permission=transition_permission(Incident.withdraw))
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.incident_withdraw(incident=incident, by=request.user, **serializer.validated_data)
        return self._show(self._case_to_show(incident.reference))

    @extend_schema(request=SubmitSerializer, responses=IncidentDetailSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, reference=None):
        incident = self._case(permission=transition_permission(Incident.confirm))
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.incident_confirm(incident=incident, by=request.user, **serializer.validated_data)
        return self._show(self._case_to_show(incident.reference))

    @extend_schema(responses=OFFLINE_DOCUMENT_RESPONSES)
    @action(detail=True, methods=["get"], url_path="offline-document")
    def offline_document(self, request, reference=None):
        """The original of an offline notification, for those who can see the case."""
        incident = self._case()
        if not incident.offline_document:
            raise Http404
        name = f"{incident.reference}-original"
        access_record(
            request=request,
            action=Action.VIEWED_DOCUMENT,
            kind="offline_notification",
            identifier=name,
            case_reference=incident.reference,
        )
        return document_download(incident.offline_document, name=name)


class DeadlineListApi(generics.ListAPIView):
    """Every deadline of the cases a person may see."""

    serializer_class = CaseDeadlineSerializer
    filterset_class = DeadlineFilter
    queryset = Deadline.objects.none()  # the real one is always scoped through the cases

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        require_case_reader(self.request.user)
        return case_deadline_list(user=self.request.user).order_by("due_on", "kind", "pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}
