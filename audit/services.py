"""Recording accesses, and removing them once past their retention period.

`access_record` is called by every view that shows a case, a document, a letter, a search's results or an
export, after the person's right to see it is checked and before the response is returned. It is one INSERT
(and, once a request, one read of the person's organisations); if it fails, the exception fails the request
too, so nothing is shown that was not recorded.
"""

import ipaddress

import structlog
from django.db import connection, transaction

from organisations.models import Membership

from .models import PATH_MAX_LENGTH, USER_AGENT_MAX_LENGTH, AccessEvent

Action = AccessEvent.Action
Via = AccessEvent.Via

FILTER_VALUE_MAX_LENGTH = 100


def _text(value, max_length):
    """Text as a column holds it: bounded, and without NUL, which PostgreSQL refuses in text (a client may
    send one in a header)."""
    return str(value or "").replace("\x00", "")[:max_length]


def _client_address(request):
    """REMOTE_ADDR, as the server saw the connection. X-Forwarded-For is not read: the service has no setting
    naming a trusted proxy, and a client can write that header itself. Behind a proxy, the proxy's address is
    recorded (README, "The access log")."""
    address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _organisations_of(request, user):
    """The person's organisations and roles as text, read once per request."""
    cached = getattr(request, "_access_log_organisations", None)
    if cached is None:
        memberships = Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
        cached = "; ".join(f"{m.organisation.name} ({m.get_role_display()})" for m in memberships)[:500]
        request._access_log_organisations = cached
    return cached


def access_filters(params, *, free_text=()):
    """A query's filters as the log keeps them: coded values as given (bounded), free-text fields only as
    `True`, because words typed into a search may be a child's name. `page` and `download` are not filters."""
    filters = {}
    for name, value in params.items():
        if name in ("page", "download") or value in ("", None):
            continue
        kept = True if name in free_text else _text(value, FILTER_VALUE_MAX_LENGTH)
        filters[_text(name, FILTER_VALUE_MAX_LENGTH)] = kept
    return filters


def access_record(*, request=None, action, kind, identifier="", case_reference="", detail=None, user=None, via=None):
    """Record that the request's person (or a command, with no request) saw something.

    `kind` names what was seen (`case`, `rapid_review_document`, `letter`, `case_search`, an export's name),
    `identifier` which one (a case reference, a letter's number, a file name), never a child's details.
    """
    values = {
        "action": action,
        "kind": kind,
        "identifier": _text(identifier, 200),
        "case_reference": case_reference,
        "detail": detail or {},
        "request_id": _text(structlog.contextvars.get_contextvars().get("request_id"), 64),
    }
    if request is not None:
        person = getattr(request, "user", None)
        if user is None and person is not None and person.is_authenticated:
            user = person
        values.update(
            path=_text(request.path, PATH_MAX_LENGTH),
            method=_text(request.method, 10),
            ip_address=_client_address(request),
            user_agent=_text(request.META.get("HTTP_USER_AGENT"), USER_AGENT_MAX_LENGTH),
            via=via or (Via.API if request.path.startswith("/api/") else Via.PAGE),
        )
        if user is not None:
            values["organisations"] = _organisations_of(request, user)
    else:
        values["via"] = via or Via.COMMAND
    if user is not None:
        values.update(user=user, user_email=user.email)
    return AccessEvent.objects.create(**values)


def access_events_purge(*, before):
    """Delete the accesses recorded before `before`; returns how many.

    Only this deletes from the log. On PostgreSQL the table's trigger refuses any DELETE unless the
    transaction has set csprp.purging (SET LOCAL: it ends with the transaction). `_raw_delete` goes
    straight to one DELETE statement, past the queryset's guard, with no per-row signals.
    """
    purging = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if purging:
            cursor.execute("SET LOCAL csprp.purging = 'on'")
        old = AccessEvent.objects.filter(at__lt=before)
        count = old._raw_delete(old.db)
        if purging:
            # Off again at once, in case this runs inside a longer transaction that has more to do.
            cursor.execute("SET LOCAL csprp.purging = 'off'")
    return count
