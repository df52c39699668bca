"""The tools every app uses to change a case, in one public module.

Lock the case, check who may act and what its state allows (always in one order: outside the
person's scope 404, a role that may never do it 403, a state that does not allow it 409, bad input
400), record the step on the timeline, keep uploaded documents safe, and turn what services raise into
API responses. incidents, reviews and every app above them use these; none borrows another's privates.
"""

import contextvars
import errno
import functools
import re
import uuid
from pathlib import Path

import filetype
import structlog
from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.db.models import F
from django.http import FileResponse, JsonResponse
from django.utils import timezone
from django.views import defaults
from django_fsm import TransitionNotAllowed, can_proceed
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .models import Incident, TimelineEvent
from .rules import VIEW_CASE
from .virus_scan import ScanFailed, VirusFound, document_scan

logger = structlog.get_logger(__name__)


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


# Versions ---------------------------------------------------------------------------------------------
# Optimistic version checks: a case, a local review and a letter carry a version, one on with every
# change. Someone who changes one says which version they read (a page's hidden field, the API's If-Match
# or `version`); the service compares it with the current version under the row lock it already holds
# (case_lock), so of two people who read the same version and change it at once, the second waits for the
# first to commit, then finds a newer version and is refused (409). Nobody's change is silently overwritten.

# What people call each versioned record.
VERSIONED_NAMES = {"incident": "case", "lcspr": "local review", "letter": "letter"}


class VersionConflict(Exception):
    """The record changed since the person read it: 409, with the version it is now."""

    def __init__(self, record):
        self.what = VERSIONED_NAMES.get(record._meta.model_name, "record")
        self.message = (
            f"This {self.what} was changed by someone else since you opened it. Nothing you sent has been "
            f"saved: read it as it is now (version {record.version}), then make your change again."
        )
        super().__init__(self.message)
        self.current = record.version


def version_check(record, *, expected):
    """Refuse a change made from a version that is no longer current. Call with the record's row locked.

    `expected` None: the caller gave no version (an API client from before versions), and is not checked.
    """
    if expected is not None and expected != record.version:
        raise VersionConflict(record)


def version_next(record):
    """One version on, once for each service call that changes the record, under the row lock it holds.

    An UPDATE of its own, so a change that saves nothing on the row itself (a child added to a case)
    still moves the case's version on; the instance is kept in step for whatever the service saves next.
    """
    type(record).objects.filter(pk=record.pk).update(version=F("version") + 1)
    record.version += 1


# An entity tag as the API sends it in ETag: the version, quoted; a weak tag (W/) is taken as well.
ENTITY_TAG = re.compile(r'(?:W/)?"(\d{1,10})"', re.ASCII)


def version_from_request(request, *, given=None):
    """The version an API client says it changes: `If-Match` (the ETag it was given) or `version` in the body.

    Neither: None, and the change is not checked (clients written before versions keep working).
    """
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return given
    match = ENTITY_TAG.fullmatch(header.strip())
    if match is None:
        raise ValidationError({"If-Match": 'Send the ETag of the version you read, such as "3".'})
    version = int(match.group(1))
    if given is not None and given != version:
        raise ValidationError({"version": "The version in the body and If-Match differ: send one of them."})
    return version


def with_entity_tag(response, record):
    """An API response showing one versioned record carries its version as its ETag, for If-Match."""
    response["ETag"] = f'"{record.version}"'
    return response


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
    """A document not taken, with the message for its field (`field` None: for the form as a whole)."""

    status_code = 400

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


class DocumentTooLarge(DocumentRejected):
    status_code = 413


class DocumentTypeNotAllowed(DocumentRejected):
    status_code = 415


class DocumentInfected(DocumentRejected):
    """clamd found a virus: the sender's file, so a 400 on its field, like any other bad input."""


class DocumentNotScanned(DocumentRejected):
    """clamd could not be reached: not the sender's fault, and worth trying again (503)."""

    status_code = 503


class DocumentNotStored(DocumentRejected):
    """The disk refused the file: 507 when it is full, 503 for any other failure of the storage."""

    status_code = 503


class StorageFull(DocumentNotStored):
    status_code = 507


VIRUS_FOUND = "The file contains a virus. Check the file with your organisation's IT team and send a clean copy."
NOT_SCANNED = "We could not check the file for viruses. Try again later."
NOT_STORED = (
    "The file could not be saved. Nothing was sent: try again later, and contact the service team if it happens again."
)


def _size(limit):
    """A size limit as people read it: 25 MB, 1.5 MB, 512 KB."""
    megabytes = limit / (1024 * 1024)
    return f"{megabytes:.3g} MB" if megabytes >= 1 else f"{max(1, round(limit / 1024))} KB"


def document_too_large(field):
    """The refusal of a file over DOCUMENT_MAX_BYTES, however it was found (incidents.uploads finds most)."""
    return DocumentTooLarge(field, f"The file must be smaller than {_size(settings.DOCUMENT_MAX_BYTES)}.")


def document_check(*, field, upload, allowed_types):
    """Refuse a file that is too large (413), whose content is not an allowed type (415), or in which
    clamd finds a virus (400; 503 if clamd cannot be reached), and return its type.

    Everything here comes before the case is changed or anything is stored.
    """
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise document_too_large(field)
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime not in allowed_types:
        names = sorted({DOCUMENT_TYPES[mime][0] for mime in allowed_types})
        raise DocumentTypeNotAllowed(field, f"The file must be {', '.join(names[:-1])} or {names[-1]}.")
    try:
        document_scan(upload, field=field)
    except VirusFound:
        raise DocumentInfected(field, VIRUS_FOUND) from None
    except ScanFailed:
        raise DocumentNotScanned(field, NOT_SCANNED) from None
    return kind.mime


_stored_documents = contextvars.ContextVar("stored_documents", default=None)


def document_store(field_file, upload, *, mime):
    """Store a checked upload in a FileField under a random name with its real type's extension.

    Inside a service wrapped in `documents_discarded_on_error`, the file is deleted again if the
    service fails after this, so a refused request leaves nothing under MEDIA_ROOT. A file the disk
    cannot hold is deleted at once and refused (DocumentNotStored): never half-written.
    """
    storage = field_file.storage
    name = field_file.field.generate_filename(field_file.instance, f"{uuid.uuid4().hex}{DOCUMENT_TYPES[mime][1]}")
    try:
        name = storage.save(name, upload, max_length=field_file.field.max_length)
    except OSError as error:
        # FileSystemStorage writes in place and leaves whatever reached the disk before it refused more
        # (a full disk, a quota). The name is random and new, so the file there is this request's own.
        storage.delete(name)
        logger.error("document_not_stored", errno=errno.errorcode.get(error.errno, error.errno), path=name)
        full = error.errno in (errno.ENOSPC, errno.EDQUOT)
        raise (StorageFull if full else DocumentNotStored)(None, NOT_STORED) from error
    # As FieldFile.save does, without saving the model: the service saves it once everything is done.
    field_file.name = name
    setattr(field_file.instance, field_file.field.attname, field_file)
    stored = _stored_documents.get()
    if stored is not None:
        stored.append((storage, name))


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
    """What services raise becomes a clear status: 400 with field messages, 404, 409, 413 or 415, and
    503 or 507 for a document that could not be scanned or stored.

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
    if isinstance(exc, VersionConflict):
        return Response({"detail": exc.message, "version": exc.current}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DocumentRejected):
        body = {exc.field: [exc.message]} if exc.field else {"detail": exc.message}
        return Response(body, status=exc.status_code)
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
