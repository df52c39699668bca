"""The tools every app uses to change a case, in one public module.

Lock the case, check who may act and what its state allows (always in one order: outside the
person's scope 404, a role that may never do it 403, a state that does not allow it 409, bad input
400), record the step on the timeline, keep uploaded documents safe, and turn what services raise into
API responses. incidents, reviews and every app above them use these; none borrows another's privates.
"""

import contextvars
import functools
import uuid
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import FileResponse, JsonResponse
from django.utils import timezone
from django.views import defaults
from django_fsm import TransitionNotAllowed, can_proceed
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .models import Incident, TimelineEvent
from .rules import VIEW_CASE


def today():
    """Today in England: every statutory date is a local date in Europe/London."""
    return timezone.localdate()


def local_date(moment):
    """The date in England of a stored moment (stored in UTC): never `moment.date()`."""
    return timezone.localdate(moment)


# Locks and checks -----------------------------------------------------------------------------------


def case_lock(incident):
    """Re-read the case under a row lock, so two people acting at once act one after the other."""
    return Incident.objects.select_for_update().get(pk=incident.pk)


def permission_check(*, by, permission, record):
    """404 if the person cannot see the record's case, then 403 if their role may not do this to it."""
    if not by.has_perm(VIEW_CASE, record):
        raise Incident.DoesNotExist("No such case.")
    if not by.has_perm(permission, record):
        raise PermissionDenied("Your role does not allow this.")


class ImproperlyDeclared(Exception):
    """A transition without exactly one permission: a mistake in the code, never the caller's."""


def transition_permission(transition_method):
    """The permission a transition declares (one for all its source states)."""
    permissions = {t.permission for t in transition_method._django_fsm.transitions.values()}
    if len(permissions) != 1:
        raise ImproperlyDeclared(f"{transition_method.__name__} must declare one permission.")
    return permissions.pop()


def transition_check(record, transition_method, *, by, done):
    """404, 403, then 409: the person sees the case, may take this step, and the state allows it."""
    permission_check(by=by, permission=transition_permission(transition_method), record=record)
    if not can_proceed(transition_method):
        raise TransitionNotAllowed(f"This is {record.get_status_display().lower()}: it cannot be {done}.")


# Timeline ---------------------------------------------------------------------------------------------


def timeline_record(incident, kind, *, by, summary="", details=None):
    """Add an event to the case's timeline: who did what, when. Details hold codes and dates, never names.

    `kind` is a choice from the app that records it (TimelineEvent.Kind for the case itself).
    """
    return TimelineEvent.objects.create(
        incident=incident, kind=kind, actor=by, summary=summary or kind.label, details=details or {}
    )


# Documents ------------------------------------------------------------------------------------------
# Uploaded documents are about children. Their type is judged from their content, never their name;
# they are stored under MEDIA_ROOT with a random name and the extension of that type, outside the web
# root, and served only through views that check who may see the case.

PDF = "application/pdf"
DOC = "application/msword"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
JPEG = "image/jpeg"
PNG = "image/png"

DOCUMENT_TYPES = {
    PDF: ("a PDF", ".pdf"),
    DOC: ("a Word document", ".doc"),
    DOCX: ("a Word document", ".docx"),
    ODT: ("an OpenDocument text", ".odt"),
    JPEG: ("a JPEG image", ".jpg"),
    PNG: ("a PNG image", ".png"),
}

REVIEW_DOCUMENT_TYPES = frozenset({PDF, DOC, DOCX, ODT})
# A notification that came by post may be a scan.
OFFLINE_NOTIFICATION_TYPES = REVIEW_DOCUMENT_TYPES | {JPEG, PNG}


class DocumentRejected(Exception):
    status_code = 400

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


class DocumentTooLarge(DocumentRejected):
    status_code = 413


class DocumentTypeNotAllowed(DocumentRejected):
    status_code = 415


def _size(limit):
    """A size limit as people read it: 25 MB, 1.5 MB, 512 KB."""
    megabytes = limit / (1024 * 1024)
    return f"{megabytes:.3g} MB" if megabytes >= 1 else f"{max(1, round(limit / 1024))} KB"


def document_check(*, field, upload, allowed_types):
    """Refuse a file that is too large (413) or whose content is not an allowed type (415); return its type."""
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise DocumentTooLarge(field, f"The file must be smaller than {_size(limit)}.")
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime not in allowed_types:
        names = sorted({DOCUMENT_TYPES[mime][0] for mime in allowed_types})
        raise DocumentTypeNotAllowed(field, f"The file must be {', '.join(names[:-1])} or {names[-1]}.")
    return kind.mime


_stored_documents = contextvars.ContextVar("stored_documents", default=None)


def document_store(field_file, upload, *, mime):
    """Store a checked upload in a FileField under a random name with its real type's extension.

    Inside a service wrapped in `documents_discarded_on_error`, the file is deleted again if the
    service fails after this, so a refused request leaves nothing under MEDIA_ROOT.
    """
    field_file.save(f"{uuid.uuid4().hex}{DOCUMENT_TYPES[mime][1]}", upload, save=False)
    stored = _stored_documents.get()
    if stored is not None:
        stored.append((field_file.storage, field_file.name))


def document_download(field_file, *, name):
    """A stored document as an attachment named `name`, with the type its stored extension says.

    Stored names carry the extension of the type sniffed on upload; anything else is served as bytes,
    never as something a browser would render.
    """
    suffix = Path(field_file.name).suffix.lower()
    mime = next((m for m, (_label, ext) in DOCUMENT_TYPES.items() if ext == suffix), "application/octet-stream")
    return FileResponse(field_file.open("rb"), as_attachment=True, filename=f"{name}{suffix}", content_type=mime)


def documents_discarded_on_error(service):
    """Wrap a service that stores documents (outside its transaction): on any error, delete what it stored."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        if _stored_documents.get() is not None:
            return service(*args, **kwargs)  # an outer service collects, and discards if it fails
        stored = []
        token = _stored_documents.set(stored)
        try:
            return service(*args, **kwargs)
        except BaseException:
            for storage, name in stored:
                storage.delete(name)
            raise
        finally:
            _stored_documents.reset(token)

    return wrapper


# API errors -----------------------------------------------------------------------------------------


def validation_error_body(error):
    if hasattr(error, "error_dict"):
        return {field: [m for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
    return {"non_field_errors": error.messages}


TOO_LARGE = "The request is too large: send documents as files, and text within the limits the API states."
TOO_MANY_FIELDS = "The request has more fields than any request of this API needs."


def api_exception_handler(exc, context):
    """What services raise becomes a clear status: 400 with field messages, 404, 409, 413 or 415.

    So does a body Django refuses to read (too large, too many fields), which it would answer with a page.
    """
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": TOO_LARGE}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return Response({"detail": TOO_MANY_FIELDS}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ValidationError):
        return Response(validation_error_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TransitionNotAllowed):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DocumentRejected):
        return Response({exc.field: [exc.message]}, status=exc.status_code)
    if isinstance(exc, ObjectDoesNotExist):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    return exception_handler(exc, context)


# Django's own error views (csprp.urls), for what fails outside an API view: a path no URL matches, a
# body refused before the view reads it, a bug. The API answers in JSON; pages keep Django's pages.


def _for_api(request):
    return request.path_info.startswith("/api/")


def error_bad_request(request, exception):
    if not _for_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse({"detail": TOO_LARGE}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return JsonResponse({"detail": TOO_MANY_FIELDS}, status=status.HTTP_400_BAD_REQUEST)
    return JsonResponse({"detail": "Bad request."}, status=status.HTTP_400_BAD_REQUEST)


def error_permission_denied(request, exception):
    if not _for_api(request):
        return defaults.permission_denied(request, exception)
    return JsonResponse(
        {"detail": "You do not have permission to perform this action."}, status=status.HTTP_403_FORBIDDEN
    )


def error_not_found(request, exception):
    if not _for_api(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)


def error_server(request):
    if not _for_api(request):
        return defaults.server_error(request)
    return JsonResponse({"detail": "Server error."}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
