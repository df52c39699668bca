"""API error responses shared by every app: what services raise becomes a clear status and message.

ValidationError from a service is a 400 with field messages; a transition the state does not allow is a
409; a rejected upload is a 413 or 415. Anything outside a person's scope was already a 404.
"""

from django.core.exceptions import ValidationError
from django_fsm import TransitionNotAllowed
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from incidents.documents import DocumentRejected


def validation_error_body(error):
    if hasattr(error, "error_dict"):
        return {field: [m for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
    return {"non_field_errors": error.messages}


def api_exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        return Response(validation_error_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TransitionNotAllowed):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DocumentRejected):
        return Response({exc.field: [exc.message]}, status=exc.status_code)
    return exception_handler(exc, context)
