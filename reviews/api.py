"""The rapid review and local review API, on the case they belong to.

Every view finds the case through the scoped selector first (404 outside a person's organisations), then
asks the rule the service will ask (403 for a role that may not act), and only then reads the input (400);
the services ask the rule again and decide what the state allows (409).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import Action, access_record
from incidents.api_schema import IF_MATCH, REVIEW_DOCUMENT_RESPONSES
from incidents.models import Incident
from incidents.selectors import incident_get
from incidents.workflow import (
    document_download,
    permission_check,
    transition_permission,
    version_from_request,
    with_entity_tag,
)
from organisations.serializers import request_data

from . import services
from .models import Lcspr, RapidReview, Recommendation
from .serializers import (
    DeclineSerializer,
    FinalReportInputSerializer,
    LcsprMilestoneSerializer,
    LcsprSerializer,
    LcsprUpdateSerializer,
    MilestoneInputSerializer,
    NotNeededSerializer,
    NotPublishedSerializer,
    PanelViewSerializer,
    PauseInputSerializer,
    PublishInputSerializer,
    RapidReviewInputSerializer,
    RapidReviewSerializer,
    RecommendationInputSerializer,
    RecommendationSerializer,
    ResumeInputSerializer,
    ReturnSerializer,
    UnnotifiedRapidReviewInputSerializer,
)

# The local review's rules (reviews.rules), as its services ask them.
RUN_LCSPR = "reviews.run_lcspr"
GIVE_PANEL_VIEW = "reviews.give_panel_view"
STRUCTURED = ("index_child", "practice_themes", "children")
LISTS = ("practice_themes", "children")


def _valid(serializer_class, request, **kwargs):
    data = request_data(request, structured=STRUCTURED, lists=LISTS)
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class CaseApi(APIView):
    """A view of one part of a case the person can see."""

    def case(self, reference, *, permission=None):
        """The case, if the person can see it (404); given a permission, their role must have it on the case
        (403). Both before anything sent is read, so a refusal never depends on the body."""
        try:
            incident = incident_get(user=self.request.user, reference=reference)
        except Incident.DoesNotExist:
            raise Http404 from None
        if permission is not None:
            permission_check(by=self.request.user, permission=permission, record=incident)
        return incident

    def record(self, incident, *, kind, action=Action.VIEWED_CASE, identifier=None):
        """The access log's row for what this view shows of the case (audit.services)."""
        access_record(
            request=self.request,
            action=action,
            kind=kind,
            identifier=identifier or incident.reference,
            case_reference=incident.reference,
        )


class RapidReviewApi(CaseApi):
    parser_classes = [MultiPartParser]  # the review travels as a document with its findings

    @extend_schema(responses=RapidReviewSerializer)
    def get(self, request, reference):
        incident = self.case(reference)
        review = get_object_or_404(RapidReview.objects.prefetch_related("versions"), incident=incident)
        self.record(incident, kind="rapid_review")
        return Response(RapidReviewSerializer(review).data)

    @extend_schema(request=RapidReviewInputSerializer, responses={201: RapidReviewSerializer})
    def post(self, request, reference):
        """The partnership sends its rapid review (multipart: `document` and the fields), or sends it again."""
        incident = self.case(reference, permission=transition_permission(RapidReview.send))
        values = _valid(RapidReviewInputSerializer, request)
        review = services.rapid_review_send(incident=incident, by=request.user, **values)
        return Response(RapidReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class UnnotifiedRapidReviewApi(APIView):
    parser_classes = [MultiPartParser]
    # What receives it; the case file widens it to draft the Panel's request letter too.
    service = staticmethod(services.rapid_review_send_unnotified)

    @extend_schema(request=UnnotifiedRapidReviewInputSerializer, responses={201: RapidReviewSerializer})
    def post(self, request):
        """A rapid review for an incident nobody notified; the authority is asked for a retrospective notification."""
        values = _valid(UnnotifiedRapidReviewInputSerializer, request)
        incident_fields = {
            name: values.pop(name) for name in ("incident_date", "la_aware_date", "case_outline") if name in values
        }
        incident_fields["reason"] = values.pop("reason", None) or values["reason_at_review"]
        review = self.service(
            by=request.user,
            local_authority=values.pop("local_authority"),
            incident_fields=incident_fields,
            **values,
        )
        return Response(RapidReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class RapidReviewDocumentApi(CaseApi):
    @extend_schema(responses=REVIEW_DOCUMENT_RESPONSES)
    def get(self, request, reference, number):
        incident = self.case(reference)
        review = get_object_or_404(RapidReview, incident=incident)
        version = get_object_or_404(review.versions, number=number)
        name = f"{incident.reference}-rapid-review-v{number}"
        self.record(incident, kind="rapid_review_document", action=Action.VIEWED_DOCUMENT, identifier=name)
        return document_download(version.document, name=name)


class RapidReviewReturnApi(CaseApi):
    @extend_schema(request=ReturnSerializer, responses=RapidReviewSerializer)
    def post(self, request, reference):
        incident = self.case(reference, permission=transition_permission(RapidReview.return_for_information))
        values = _valid(ReturnSerializer, request)
        review = services.rapid_review_return(incident=incident, by=request.user, **values)
        return Response(RapidReviewSerializer(review).data)


class RapidReviewNotNeededApi(CaseApi):
    @extend_schema(request=NotNeededSerializer, responses=RapidReviewSerializer)
    def post(self, request, reference):
        incident = self.case(reference, permission=transition_permission(RapidReview.propose_not_needed))
        values = _valid(NotNeededSerializer, request)
        review = services.rapid_review_not_needed(incident=incident, by=request.user, **values)
        return Response(RapidReviewSerializer(review).data)


class RapidReviewNotNeededAcceptApi(CaseApi):
    @extend_schema(request=PanelViewSerializer, responses=RapidReviewSerializer)
    def post(self, request, reference):
        incident = self.case(reference, permission=transition_permission(RapidReview.accept_not_needed))
        values = _valid(PanelViewSerializer, request)
        review = services.rapid_review_not_needed_accept(incident=incident, by=request.user, **values)
        return Response(RapidReviewSerializer(review).data)


class RapidReviewNotNeededDeclineApi(CaseApi):
    @extend_schema(request=DeclineSerializer, responses=RapidReviewSerializer)
    def post(self, request, reference):
        incident = self.case(reference, permission=transition_permission(RapidReview.decline_not_needed))
        values = _valid(DeclineSerializer, request)
        review = services.rapid_review_not_needed_decline(incident=incident, by=request.user, **values)
        return Response(RapidReviewSerializer(review).data)


class LcsprApiBase(CaseApi):
    def case_with_lcspr(self, reference, *, permission=None):
        """The case, if the person can see it and it has a local review; otherwise 404. Given a permission,
        403 unless their role has it (as `case`)."""
        incident = self.case(reference)
        if not Lcspr.objects.filter(incident=incident).exists():
            raise Http404
        if permission is not None:
            permission_check(by=self.request.user, permission=permission, record=incident)
        return incident

    def show(self, incident):
        lcspr = Lcspr.objects.prefetch_related("pauses", "milestones__recorded_by", "recommendations")
        lcspr = lcspr.get(incident=incident)
        return with_entity_tag(Response(LcsprSerializer(lcspr).data), lcspr)


class LcsprApi(LcsprApiBase):
    @extend_schema(responses=LcsprSerializer)
    def get(self, request, reference):
        incident = self.case_with_lcspr(reference)
        self.record(incident, kind="lcspr")
        return self.show(incident)

    @extend_schema(request=LcsprUpdateSerializer, responses=LcsprSerializer, parameters=[IF_MATCH])
    def patch(self, request, reference):
        """Change the review's details. Send the version you read (If-Match with its ETag, or `version`) and
        a review changed since is refused with 409; without either, the change is made whatever changed since."""
        incident = self.case_with_lcspr(reference)
        self.change_check(incident)
        values = _valid(LcsprUpdateSerializer, request)
        version = version_from_request(request, given=values.pop("version", None))
        services.lcspr_update(incident=incident, by=request.user, version=version, **values)
        return self.show(incident)

    def change_check(self, incident):
        """The Panel gives its view, the partnership changes the rest (reviews.services.lcspr_update). A role
        with neither rule is refused before the body is read at all; then the rule for each part sent."""
        user = self.request.user
        if not (user.has_perm(RUN_LCSPR, incident) or user.has_perm(GIVE_PANEL_VIEW, incident)):
            raise PermissionDenied("Your role does not allow this.")
        data = self.request.data
        # A body that is not an object names no part: the serializer refuses it, after the role is known.
        sent = set(data) - {"version"} if isinstance(data, dict) else set()
        if "panel_view" in sent:
            permission_check(by=user, permission=GIVE_PANEL_VIEW, record=incident)
        if sent - {"panel_view"} or not sent:
            permission_check(by=user, permission=RUN_LCSPR, record=incident)


class LcsprActionApi(LcsprApiBase):
    """A step in the local review: check the input, call the service, show the review."""

    input_serializer = None
    service = None

    def post(self, request, reference):
        incident = self.case_with_lcspr(reference, permission=RUN_LCSPR)
        values = _valid(self.input_serializer, request) if self.input_serializer else {}
        self.service(incident=incident, by=request.user, **values)
        return self.show(incident)


@extend_schema(request=PauseInputSerializer, responses=LcsprSerializer)
class LcsprPauseApi(LcsprActionApi):
    input_serializer = PauseInputSerializer
    service = staticmethod(services.lcspr_pause)


@extend_schema(request=ResumeInputSerializer, responses=LcsprSerializer)
class LcsprResumeApi(LcsprActionApi):
    input_serializer = ResumeInputSerializer
    service = staticmethod(services.lcspr_resume)


@extend_schema(request=PublishInputSerializer, responses=LcsprSerializer)
class LcsprPublishApi(LcsprActionApi):
    input_serializer = PublishInputSerializer
    service = staticmethod(services.lcspr_publish)


@extend_schema(request=NotPublishedSerializer, responses=LcsprSerializer)
class LcsprNotPublishedApi(LcsprActionApi):
    input_serializer = NotPublishedSerializer
    service = staticmethod(services.lcspr_not_published)


class LcsprFinalReportApi(LcsprActionApi):
    parser_classes = [MultiPartParser]
    input_serializer = FinalReportInputSerializer
    service = staticmethod(services.lcspr_final_report)

    @extend_schema(responses=REVIEW_DOCUMENT_RESPONSES)
    def get(self, request, reference):
        incident = self.case_with_lcspr(reference)
        lcspr = Lcspr.objects.get(incident=incident)
        if not lcspr.final_report:
            raise Http404
        name = f"{incident.reference}-final-report"
        self.record(incident, kind="final_report", action=Action.VIEWED_DOCUMENT, identifier=name)
        return document_download(lcspr.final_report, name=name)

    @extend_schema(request=FinalReportInputSerializer, responses=LcsprSerializer)
    def post(self, request, reference):
        return super().post(request, reference)


class LcsprMilestonesApi(LcsprApiBase):
    @extend_schema(request=MilestoneInputSerializer, responses={201: LcsprMilestoneSerializer})
    def post(self, request, reference):
        incident = self.case_with_lcspr(reference, permission=RUN_LCSPR)
        values = _valid(MilestoneInputSerializer, request)
        milestone = services.lcspr_milestone_add(incident=incident, by=request.user, **values)
        return Response(LcsprMilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)


class RecommendationsApi(LcsprApiBase):
    @extend_schema(responses=RecommendationSerializer(many=True))
    def get(self, request, reference):
        incident = self.case_with_lcspr(reference)
        recommendations = Recommendation.objects.filter(lcspr__incident=incident)
        self.record(incident, kind="recommendations")
        return Response(RecommendationSerializer(recommendations, many=True).data)

    @extend_schema(request=RecommendationInputSerializer, responses={201: RecommendationSerializer})
    def post(self, request, reference):
        incident = self.case_with_lcspr(reference, permission=RUN_LCSPR)
        values = _valid(RecommendationInputSerializer, request)
        recommendation = services.recommendation_add(incident=incident, by=request.user, **values)
        return Response(RecommendationSerializer(recommendation).data, status=status.HTTP_201_CREATED)


class RecommendationApi(LcsprApiBase):
    @extend_schema(request=RecommendationInputSerializer, responses=RecommendationSerializer)
    def patch(self, request, reference, pk):
        incident = self.case_with_lcspr(reference, permission=RUN_LCSPR)
        recommendation = get_object_or_404(Recommendation, pk=pk, lcspr__incident=incident)
        values = _valid(RecommendationInputSerializer, request, partial=True)
        recommendation = services.recommendation_update(
            incident=incident, by=request.user, recommendation=recommendation, **values
        )
        return Response(RecommendationSerializer(recommendation).data)
