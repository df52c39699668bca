"""API representations of organisations and the signed-in person, and the fields every API shares."""

import datetime
import re

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Membership, Organisation, User
from .parsers import JSONTooDeep, json_loads_bounded

# Free text (an outline, a rationale, a view) has a maximum like every other text: a few pages of
# prose, far more than any field needs and small enough to store, show and export.
TEXT_MAX_LENGTH = 10_000

# Every date the API accepts lies in a plausible range, so a mistyped year is a field error and not a
# date that breaks the working-day arithmetic. The service holds cases from 2000 on, well before the
# Panel began (2018); a child at an incident on the earliest date may have been born 18 years before it.
# Dates ahead are plans (a publication, a recommendation's due date): a few years at most.
EARLIEST_DATE = datetime.date(2000, 1, 1)
EARLIEST_BIRTH_DATE = datetime.date(EARLIEST_DATE.year - 18, 1, 1)
LATEST_YEARS_AHEAD = 5


class OrganisationSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    partnership = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["kind", "name", "code", "region", "partnership"]


class MembershipSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["role", "organisation"]


class MeSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["email", "full_name", "wants_case_messages", "memberships"]


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a misspelt field is an error and not silently dropped, text given
    as anything but text (REST framework would turn the number 0 into "0"), and true or false given as a
    number."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data.keys()) - writable)
            if unknown:
                raise serializers.ValidationError({name: ["This field is not recognised."] for name in unknown})
            not_text = sorted(
                name
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField)
                and name in data
                and data[name] is not None
                and not isinstance(data[name], str)
            )
            if not_text:
                raise serializers.ValidationError({name: ["Give this as text."] for name in not_text})
            # REST framework takes the numbers 0 and 1 (and 0.0) for false and true; the schema says a boolean.
            # A form's text ("true", "false") is read as REST framework reads it.
            not_boolean = sorted(
                name
                for name, field in self.fields.items()
                if isinstance(field, serializers.BooleanField)
                and name in data
                and data[name] is not None
                and not isinstance(data[name], bool | str)
            )
            if not_boolean:
                raise serializers.ValidationError({name: ["Give this as true or false."] for name in not_boolean})
        return super().to_internal_value(data)


class RequiredTextField(serializers.CharField):
    """Text a step cannot be taken without: required, and more than blank space, with the step's own message."""

    def __init__(self, *, message, **kwargs):
        super().__init__(
            max_length=TEXT_MAX_LENGTH,
            error_messages={"required": message, "blank": message, "null": message},
            **kwargs,
        )


class PlausibleDateField(serializers.DateField):
    """A date from EARLIEST_DATE (or `earliest`) to the end of the year LATEST_YEARS_AHEAD years from now."""

    default_error_messages = {
        "implausible": "Enter a date from {earliest} to {latest}.",
    }

    def __init__(self, *, earliest=EARLIEST_DATE, **kwargs):
        super().__init__(**kwargs)
        self.earliest = earliest

    @property
    def latest(self):
        return datetime.date(timezone.localdate().year + LATEST_YEARS_AHEAD, 12, 31)

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not self.earliest <= day <= self.latest:
            self.fail("implausible", earliest=self.earliest.isoformat(), latest=self.latest.isoformat())
        return day


class BoundedListSerializer(serializers.ListSerializer):
    """A list of nested inputs with a max_length: refused before any item is read, the bound in the schema.

    ListSerializer checks max_length itself; the validator is what the OpenAPI schema shows as maxItems.
    """

    def get_validators(self):
        validators = super().get_validators()
        if self.max_length is not None:
            validators.append(MaxLengthValidator(self.max_length))
        return validators


class ModelInputSerializer(StrictSerializer, serializers.ModelSerializer):
    """A model's fields as they come in: unknown fields refused, dates plausible, free text bounded.

    Model CharFields bring their own max_length; TextFields have none, so they get TEXT_MAX_LENGTH.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: PlausibleDateField,
    }

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.TextField) and not model_field.choices:
            kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
        return field_class, kwargs


# A unitary authority (E06), metropolitan district (E08), London borough (E09) or county (E10).
GSS_CODE_PATTERN = r"^E(06|08|09|10)[0-9]{6}$"


@extend_schema_field({"type": "string", "pattern": GSS_CODE_PATTERN, "maxLength": 9, "example": "E08000035"})
class LocalAuthorityField(serializers.SlugRelatedField):
    """A local authority by its GSS code, such as E08000035."""

    def __init__(self, **kwargs):
        super().__init__(
            slug_field="code", queryset=Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY), **kwargs
        )

    default_error_messages = {
        "does_not_exist": "No local authority has the GSS code {value}.",
        "invalid": "Give a local authority's GSS code, such as E08000035.",
    }

    def to_internal_value(self, data):
        # Checked before the lookup: PostgreSQL refuses a NUL in text outright.
        if not isinstance(data, str) or not re.fullmatch(GSS_CODE_PATTERN, data):
            self.fail("invalid")
        return super().to_internal_value(data)


def request_data(request, *, structured=(), lists=()):
    """JSON as it is; a multipart form as a dict, its `structured` fields given as JSON strings.

    Multipart is how a document travels with its details; nested details ride along as JSON. A field
    in `lists` is a list however it comes: one JSON array in one part, or one part per item (each item
    JSON or plain text), as OpenAPI's form encoding sends an array.
    """
    if not hasattr(request.data, "getlist"):
        return request.data
    data = {}
    for key in request.data:
        values = request.data.getlist(key)
        data[key] = values if len(values) > 1 or key in lists else values[0]
    for name in structured:
        if name in lists and name in data:
            items = [_json_or_text(name, item) for item in data[name]]
            data[name] = items[0] if len(items) == 1 and isinstance(items[0], list) else items
        elif isinstance(data.get(name), str):
            data[name] = _json_or_text(name, data[name])
    return data


def _json_or_text(name, text):
    if not isinstance(text, str):
        return text
    try:
        return json_loads_bounded(text)
    except JSONTooDeep as too_deep:
        raise serializers.ValidationError({name: [str(too_deep)]}) from None
    except ValueError:
        return text  # text that is not JSON is left as it is, for the field to judge
