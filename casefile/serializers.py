"""One case in full, as the API shows it: the case, its rapid review, its local review, its letters and its timeline."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents.serializers import IncidentDetailSerializer
from letters.selectors import letters_of
from letters.serializers import LetterSerializer
from notices.selectors import notices_on_case
from notices.serializers import NoticeSerializer
from reviews.selectors import lcspr_of, rapid_review_of, with_reviews
from reviews.serializers import LcsprSerializer, RapidReviewSerializer


class CaseFileSerializer(IncidentDetailSerializer):
    rapid_review = serializers.SerializerMethodField()
    lcspr = serializers.SerializerMethodField()
    letters = serializers.SerializerMethodField()
    notices = serializers.SerializerMethodField()

    class Meta(IncidentDetailSerializer.Meta):
        fields = [*IncidentDetailSerializer.Meta.fields, "rapid_review", "lcspr", "letters", "notices"]

    @staticmethod
    def cases_to_show(cases):
        """The rapid review with its versions and the local review with all it holds come with the case; the
        letters and the notices are one query each (their own selectors scope them)."""
        return with_reviews(cases, in_full=True)

    @extend_schema_field(RapidReviewSerializer(allow_null=True))
    def get_rapid_review(self, incident):
        review = rapid_review_of(incident)
        return RapidReviewSerializer(review).data if review else None

    @extend_schema_field(LcsprSerializer(allow_null=True))
    def get_lcspr(self, incident):
        lcspr = lcspr_of(incident)
        return LcsprSerializer(lcspr).data if lcspr else None

    @extend_schema_field(LetterSerializer(many=True))
    def get_letters(self, incident):
        """The letters this person may see: all for the Panel, issued ones for the authority and partnership."""
        return LetterSerializer(letters_of(user=self.context["request"].user, incident=incident), many=True).data

    @extend_schema_field(NoticeSerializer(many=True))
    def get_notices(self, incident):
        """Who was told what about the case, and when: for the Panel; empty for anyone else."""
        if not self.context["request"].user.has_perm("notices.see_case_notices"):
            return []
        return NoticeSerializer(notices_on_case(incident=incident), many=True).data
