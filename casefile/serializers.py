"""One case in full, as the API shows it: the case, its rapid review, its local review and its timeline."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents.serializers import IncidentDetailSerializer
from reviews.selectors import lcspr_of, rapid_review_of
from reviews.serializers import LcsprSerializer, RapidReviewSerializer


class CaseFileSerializer(IncidentDetailSerializer):
    rapid_review = serializers.SerializerMethodField()
    lcspr = serializers.SerializerMethodField()

    class Meta(IncidentDetailSerializer.Meta):
        fields = [*IncidentDetailSerializer.Meta.fields, "rapid_review", "lcspr"]

    @extend_schema_field(RapidReviewSerializer(allow_null=True))
    def get_rapid_review(self, incident):
        review = rapid_review_of(incident)
        return RapidReviewSerializer(review).data if review else None

    @extend_schema_field(LcsprSerializer(allow_null=True))
    def get_lcspr(self, incident):
        lcspr = lcspr_of(incident)
        return LcsprSerializer(lcspr).data if lcspr else None
