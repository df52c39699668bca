"""When the database goes away in the middle of a request: 503 with Retry-After, never a 500.

A connection lost, a server shutting down or failing over, or no connection to be had: the request
cannot finish, but nothing is wrong with what was sent, and what was committed before is safe (a
service's writes are one transaction: one lost half-way is rolled back by the server). So the person is
told to try again shortly, as load balancers and API clients understand: 503 and Retry-After. The next
request connects afresh: Django closes a connection that failed when the request ends
(django.db.close_old_connections), and CONN_HEALTH_CHECKS tests a kept one before its first query.
"""

import sys

import structlog
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

from incidents.workflow import error_server as server_error

logger = structlog.get_logger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Long enough for a managed database to restart or fail over; short enough for a person to wait.
RETRY_AFTER_SECONDS = 30
UNAVAILABLE = "The service is briefly unavailable. Try again in a few moments: what was saved before is safe."


def database_unavailable(request, error):
    """The 503 for a request the database could not serve: JSON under /api/, a GOV.UK page elsewhere."""
    logger.error("database_unavailable", error=type(error).__name__, method=request.method, path=request.path)
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": UNAVAILABLE}, status=503)
    else:
        # Rendered without the request, so no context processor runs: nothing on it needs the database.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database error raised by a view (a page or the API) into the 503 above.

    One raised by another middleware (a session saved as the response leaves) reaches Django's
    handler500 instead, which is `server_error` below for the same reason.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request, exception)
        return None


def error_server(request):
    """handler500: Django calls it while handling the exception, so the exception is still at hand."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return database_unavailable(request, error)
    return server_error(request)
