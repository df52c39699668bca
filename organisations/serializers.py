"""API representations of organisations and the signed-in person, and the fields every API shares."""

import contextlib
import json

from rest_framework import serializers

from .models import Membership, Organisation, User


class OrganisationSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="name", read_only=True)
    partnership = serializers.SlugRelatedField(slug_field="name", read_only=True)

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
        fields = ["email", "full_name", "memberships"]


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a misspelt field is an error and not silently dropped."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data.keys()) - writable)
            if unknown:
                raise serializers.ValidationError({name: ["This field is not recognised."] for name in unknown})
        return super().to_internal_value(data)


class LocalAuthorityField(serializers.SlugRelatedField):
    """A local authority by its GSS code, such as E08000035."""

    def __init__(self, **kwargs):
        super().__init__(
            slug_field="code", queryset=Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY), **kwargs
        )

    default_error_messages = {"does_not_exist": "No local authority has the GSS code {value}."}


def request_data(request, *, structured=()):
    """JSON as it is; a multipart form as a dict, its `structured` fields given as JSON strings.

    Multipart is how a document travels with its details; nested details ride along as JSON.
    """
    if not hasattr(request.data, "getlist"):
        return request.data
    data = {}
    for key in request.data:
        values = request.data.getlist(key)
        data[key] = values if len(values) > 1 else values[0]
    for name in structured:
        if isinstance(data.get(name), str):
            # Text that is not JSON is left as it is, so the field reports it as invalid.
            with contextlib.suppress(json.JSONDecodeError):
                data[name] = json.loads(data[name])
    return data
