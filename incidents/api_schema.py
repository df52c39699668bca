"""The API's OpenAPI schema, telling the truth about errors: every operation lists the error responses
the service gives (incidents.workflow.api_exception_handler) with the shape of their bodies."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from organisations.serializers import PlausibleDateField, StrictSerializer

from .workflow import OFFLINE_NOTIFICATION_TYPES, REVIEW_DOCUMENT_TYPES

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# A message list for each field at fault; a nested field (a child, say) nests its own messages.
FIELD_ERRORS = {
    "type": "object",
    "description": "Messages for each field at fault, or `non_field_errors`.",
    "additionalProperties": True,
}
ERRORS = {
    "400": ("Bad input: messages for each field at fault.", FIELD_ERRORS),
    "401": ("No credentials, or credentials that are not valid.", DETAIL),
    "403": ("Your role may not do this.", DETAIL),
    "404": ("No such thing among your organisations' cases (whether or not it exists elsewhere).", DETAIL),
    "409": (
        "The case's state does not allow this step now; or the version you sent (If-Match or `version`) is no "
        "longer the current one, which `version` then gives: nothing was changed.",
        {**DETAIL, "properties": {**DETAIL["properties"], "version": {"type": "integer", "minimum": 1}}},
    ),
    "413": ("The request body or an uploaded file is too large.", FIELD_ERRORS),
    "415": ("The body's media type, or an uploaded file's type, is not taken here.", FIELD_ERRORS),
    "429": ("Too many requests: the API's rate limit for you (or, signed out, your address) is reached.", DETAIL),
}
# How long to wait before the rate limit lets a request through again (DRF's throttling sets it).
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 0}}}


# Optimistic version checks (incidents.workflow): what a client sends back of the ETag it was given.
IF_MATCH = OpenApiParameter(
    "If-Match",
    location=OpenApiParameter.HEADER,
    required=False,
    pattern=r'^((W/)?"[0-9]{1,10}"|\*)$',
    description=(
        'The ETag of the version you read, such as "3" (every response showing the record carries it, as '
        "does its `version`). If the record has changed since, nothing is changed and the answer is 409 "
        "with the current version. Optional, as the body's `version` is: without either, the change is "
        "made whatever changed since (clients written before versions keep working)."
    ),
)

# Text is stored in PostgreSQL, which holds no NUL character: a NUL is refused, and the schema says so.
NO_NUL = "^[^\\u0000]*$"
# Required text must be more than blank space, which is trimmed to nothing.
NOT_BLANK = "^[^\\u0000]*\\S[^\\u0000]*$"


class CaseApiSchema(AutoSchema):
    def _error_codes(self):
        changes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        codes = ["401", "403", "404"]
        if changes or self.method == "GET":
            codes.append("400")  # bad input, or a bad filter or page
        if changes and "{" in self.path:
            codes.append("409")
        if changes:
            codes += ["413", "415"]  # a body or an upload too large, or of a type not taken here
        codes.append("429")  # every operation is throttled (REST_FRAMEWORK's DEFAULT_THROTTLE_CLASSES)
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                description, schema = ERRORS[code]
                responses[code] = {"content": {"application/json": {"schema": schema}}, "description": description}
                if code == "429":
                    responses[code]["headers"] = RETRY_AFTER
        return responses

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and not field.allow_blank
            and field.trim_whitespace
            and schema.get("type") == "string"
            and "pattern" not in schema
        ):
            schema["pattern"] = NOT_BLANK
        elif direction == "request" and isinstance(field, serializers.CharField) and "pattern" not in schema:
            schema["pattern"] = NO_NUL
        if direction == "request" and isinstance(field, serializers.FileField):
            schema["minLength"] = 1  # an empty file is refused
        if direction == "request" and isinstance(field, PlausibleDateField):
            schema["pattern"] = years_pattern(field.earliest.year, field.latest.year)
        return schema

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and isinstance(serializer, StrictSerializer):
            schema["additionalProperties"] = False  # a field it does not know is a 400
        # Fields a serializer shows only to some readers (its Meta's omitted_for_some_readers) are not required.
        omitted = getattr(getattr(serializer, "Meta", None), "omitted_for_some_readers", ())
        if direction == "response" and omitted and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in omitted]
        for name, field_schema in schema.get("properties", {}).items():
            # drf-spectacular offers blank text as a second choice beside a pattern; NO_NUL already
            # matches it, and "one of" two choices that both match would refuse it.
            choices = field_schema.get("oneOf", [])
            if len(choices) == 2 and choices[0].get("pattern") == NO_NUL and choices[1].get("maxLength") == 0:
                schema["properties"][name] = {**{k: v for k, v in field_schema.items() if k != "oneOf"}, **choices[0]}
        return schema


def error_responses(*codes):
    """Error responses an operation gives beyond those CaseApiSchema adds for its method, for extend_schema:
    a GET refused by the record's state (409), say."""
    return {int(code): OpenApiResponse(response=ERRORS[code][1], description=ERRORS[code][0]) for code in codes}


def document_responses(types):
    """A download's 200 in each type it can be (see incidents.workflow.document_download)."""
    return {(200, mime): OpenApiTypes.BINARY for mime in sorted(types)} | {
        (200, "application/octet-stream"): OpenApiTypes.BINARY
    }


REVIEW_DOCUMENT_RESPONSES = document_responses(REVIEW_DOCUMENT_TYPES)
OFFLINE_DOCUMENT_RESPONSES = document_responses(OFFLINE_NOTIFICATION_TYPES)


def years_pattern(first, last):
    """A date (YYYY-MM-DD) with its year from `first` to `last` as a pattern (PlausibleDateField's bounds are
    whole years). The whole date is spelled out, not only its year, so that a client generating dates from the
    schema (a fuzzer, say) draws real dates rather than filtering a year followed by anything."""
    years = "|".join(str(year) for year in range(first, last + 1))
    return f"^({years})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


def query_parameters_as_served(result, generator, request, public):
    """A drf-spectacular postprocessing hook: filters are text fields of a form, so an empty value means
    no filter, and text holds no NUL."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                parameter["allowEmptyValue"] = True
                schema = parameter.get("schema", {})
                if schema.get("type") == "string" and not ({"enum", "format", "pattern"} & set(schema)):
                    schema["pattern"] = NO_NUL
    return result
