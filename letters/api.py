"""The letters API: list, draft, read, change, put forward, approve or send back, issue, discard, preview and the PDF.

Letters are found through the scoped selector (404 outside a person's cases, and for the case's LA
and partnership until a letter is issued); then the rule the service asks is asked before anything sent
is read (403); the services ask it again and decide what the state allows (409).
"""

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from audit.services import Action, access_record
from incidents.api import require_case_reader
from incidents.api_schema import IF_MATCH, error_responses
from incidents.models import Incident
from incidents.selectors import incident_get
from incidents.workflow import (
    document_download,
    permission_check,
    transition_permission,
    version_from_request,
    with_entity_tag,
)
from reviews.models import RapidReviewVersion

from . import services
from .models import Letter
from .selectors import letter_get, letter_list
from .serializers import LetterCreateSerializer, LetterSendBackSerializer, LetterSerializer, LetterUpdateSerializer

PDF_RESPONSE = {(200, "application/pdf"): OpenApiTypes.BINARY}
DRAFT_LETTER = "letters.draft_letter"


class LetterViewSet(viewsets.GenericViewSet):
    serializer_class = LetterSerializer
    queryset = Letter.objects.none()  # the real one is always the scoped selector's

    def get_queryset(self):
        return letter_list(user=self.request.user).order_by("-created_at", "-pk")

    def _letter(self, *, permission=None, reviewed=""):
        """The letter, if the person may see it (404); given a permission, their role must have it on the
        letter (403), and with `reviewed` (what a reviewer does) they must not have written it. All before
        anything sent is read, so a refusal never depends on the body; the service asks again."""
        try:
            letter = letter_get(user=self.request.user, pk=int(self.kwargs["pk"]))
        except (Letter.DoesNotExist, ValueError):
            raise Http404 from None
        if reviewed:
            services.letter_reviewer_check(letter=letter, by=self.request.user, done=reviewed)
        if permission is not None:
            permission_check(by=self.request.user, permission=permission, record=letter)
        return letter

    def _show(self, letter, status_code=status.HTTP_200_OK):
        letter = letter_get(user=self.request.user, pk=letter.pk)
        return with_entity_tag(Response(self.get_serializer(letter).data, status=status_code), letter)

    def _record(self, letter, *, kind="letter", identifier=None):
        """The access log's row for what this view shows of the letter (audit.services)."""
        access_record(
            request=self.request,
            action=Action.VIEWED_LETTER,
            kind=kind,
            identifier=identifier or letter.pk,
            case_reference=letter.incident.reference,
        )

    def list(self, request):
        require_case_reader(request.user)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        letter = self._letter()
        self._record(letter)
        return with_entity_tag(Response(self.get_serializer(letter).data), letter)

    @extend_schema(request=LetterCreateSerializer, responses={201: LetterSerializer})
    def create(self, request):
        # The case named in the body is looked for only once the role may draft at all (404 if unseen).
        if not request.user.has_perm(DRAFT_LETTER):
            raise PermissionDenied("Only the Panel's secretariat drafts letters.")
        serializer = LetterCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        try:
            incident = incident_get(user=request.user, reference=values["incident"])
        except Incident.DoesNotExist:
            raise Http404 from None
        version = None
        if "rapid_review_version" in values:
            version = RapidReviewVersion.objects.filter(
                rapid_review__incident=incident, number=values["rapid_review_version"]
            ).first()
            if version is None:
                return Response({"rapid_review_version": ["The case's rapid review has no such version."]}, 400)
        letter = services.letter_draft(
            incident=incident, by=request.user, kind=values["kind"], rapid_review_version=version
        )
        return self._show(letter, status.HTTP_201_CREATED)

    @extend_schema(request=LetterUpdateSerializer, responses=LetterSerializer, parameters=[IF_MATCH])
    def partial_update(self, request, pk=None):
        """Change the text or the decision. Send the version you read (If-Match with its ETag, or `version`)
        and a letter changed since is refused with 409; without either, the change is made whatever changed."""
        letter = self._letter(permission=DRAFT_LETTER)
        serializer = LetterUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        version = version_from_request(request, given=values.pop("version", None))
        return self._show(services.letter_update(letter=letter, by=request.user, version=version, **values))

    @extend_schema(request=None, responses=LetterSerializer)
    @action(detail=True, methods=["post"], url_path="ask-for-approval")
    def ask_for_approval(self, request, pk=None):
        letter = self._letter(permission=transition_permission(Letter.ask_for_approval))
        return self._show(services.letter_ask_for_approval(letter=letter, by=request.user))

    @extend_schema(request=None, responses=LetterSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the letter. With If-Match (the ETag of the letter you read), a letter changed since is refused
        with 409, so nobody approves words they have not read."""
        letter = self._letter(permission=transition_permission(Letter.approve), reviewed="approved")
        version = version_from_request(request)
        return self._show(services.letter_approve(letter=letter, by=request.user, version=version))

    @extend_schema(request=LetterSendBackSerializer, responses=LetterSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """Back to draft with a comment for its writer, by someone other than its writer (as approving is)."""
        letter = self._letter(permission=transition_permission(Letter.send_back), reviewed="sent back")
        serializer = LetterSendBackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._show(
            services.letter_send_back(letter=letter, by=request.user, comment=serializer.validated_data["comment"])
        )

    @extend_schema(request=None, responses=LetterSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """Issue the letter. With If-Match (the ETag of the letter you read), a letter changed since is refused."""
        letter = self._letter(permission=transition_permission(Letter.issue))
        version = version_from_request(request)
        return self._show(services.letter_issue(letter=letter, by=request.user, version=version))

    @extend_schema(request=None, responses=LetterSerializer)
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        letter = self._letter(permission=transition_permission(Letter.discard))
        return self._show(services.letter_discard(letter=letter, by=request.user))

    @extend_schema(responses={**PDF_RESPONSE, **error_responses("409")})  # an issued letter is not rendered again
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        """The letter as it would be issued today; never once it is issued."""
        letter = self._letter()
        pdf = services.letter_preview(letter=letter, by=request.user)
        self._record(letter, kind="letter_preview")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="preview.pdf"'
        return response

    @extend_schema(responses=PDF_RESPONSE)
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """The issued letter, exactly as it was issued."""
        letter = self._letter()
        if letter.status != Letter.Status.ISSUED:
            raise Http404
        name = f"{letter.incident.reference}-letter-{letter.pk}"
        self._record(letter, kind="letter_pdf", identifier=name)
        return document_download(letter.pdf, name=name)
