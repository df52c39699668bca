"""Request bodies every API reads: bounded in size like Django's own forms, and JSON bounded in depth.

REST framework reads JSON and urlencoded bodies straight from the request stream, so Django's
DATA_UPLOAD_MAX_MEMORY_SIZE (which guards request.POST and the non-file parts of a multipart form)
does not apply to them; these parsers apply it. JSON nested deeper than any request of ours needs is
refused before anything walks it: deep nesting exhausts the recursion limit of whatever reads it next.
"""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.http import parse_header_parameters
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# The deepest request is a list of children, each an object of scalars: three levels. Room to spare.
MAX_JSON_DEPTH = 10


class JSONTooDeep(ValueError):
    def __init__(self):
        super().__init__(f"JSON may be nested at most {MAX_JSON_DEPTH} levels deep.")


def json_depth_exceeds(value, limit=MAX_JSON_DEPTH):
    """Whether lists and objects are nested deeper than `limit`, found without recursion."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            items = item.values()
        elif isinstance(item, list):
            items = item
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in items)
    return False


def json_loads_bounded(text):
    """JSON as the API accepts it: standard (no NaN or Infinity) and at most MAX_JSON_DEPTH deep.

    Raises JSONTooDeep, or ValueError for text that is not JSON.
    """
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        # The decoder guards its own recursion; what it refuses is far deeper than we allow.
        raise JSONTooDeep from None
    if json_depth_exceeds(value):
        raise JSONTooDeep
    return value


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON number.")


def body_read_bounded(stream):
    """The request body, refused (RequestDataTooBig, answered 413) past DATA_UPLOAD_MAX_MEMORY_SIZE."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(body) > limit:
        raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
    return body


class BoundedJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            return json_loads_bounded(body_read_bounded(stream).decode(encoding))
        except ValueError as exc:  # UnicodeDecodeError and JSONTooDeep are ValueErrors too
            raise ParseError(f"JSON parse error - {exc}") from None


class StrictMultiPartParser(parsers.MultiPartParser):
    """Multipart, refusing a body none of whose parts is a named field or file.

    Django's parser skips a part without a name, so a malformed body would read as an empty form, and a
    request whose fields are all optional (a confirmation, a change to one's preferences) would succeed on
    nothing. An empty form is only its closing boundary (`--boundary--`); anything longer must name a part.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        if result.data or result.files:
            return result
        request = parser_context["request"]
        _, params = parse_header_parameters(media_type or "")
        closing = len(f"--{params.get('boundary', '')}--\r\n")
        if int(request.META.get("CONTENT_LENGTH") or 0) > closing + 2:
            raise ParseError("The multipart body has no named part.")
        return result
