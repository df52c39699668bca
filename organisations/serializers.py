"""API representations of organisations and the signed-in person."""

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
