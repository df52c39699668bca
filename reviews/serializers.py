"""API representations of rapid reviews and local reviews."""

from rest_framework import serializers

from incidents.codes import ALL_CAUSES, LcsprDecision, PracticeTheme, Reason
from incidents.models import Child
from incidents.serializers import CHILD_INPUT_KWARGS, VersionField
from incidents.services import MAX_CHILDREN_PER_CASE
from organisations.serializers import (
    TEXT_MAX_LENGTH,
    BoundedListSerializer,
    LocalAuthorityField,
    ModelInputSerializer,
    PlausibleDateField,
    RequiredTextField,
    StrictSerializer,
)

from .models import Lcspr, LcsprMilestone, LcsprPause, RapidReview, RapidReviewVersion, Recommendation

INDEX_CHILD_FIELDS = Child.CHARACTERISTICS


class IndexChildSerializer(ModelInputSerializer):
    """The index child's characteristics as the partnership confirms or corrects them."""

    class Meta:
        model = Child
        fields = list(INDEX_CHILD_FIELDS)
        extra_kwargs = CHILD_INPUT_KWARGS
        list_serializer_class = BoundedListSerializer


class UnnotifiedChildSerializer(IndexChildSerializer):
    """A child of an incident nobody notified, as the partnership knows them."""

    class Meta(IndexChildSerializer.Meta):
        fields = ["is_index", "first_name", "last_name", *INDEX_CHILD_FIELDS]


class RapidReviewVersionSerializer(serializers.ModelSerializer):
    sent_by = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = RapidReviewVersion
        fields = [
            "number",
            "document_type",
            "sent_on",
            "sent_by",
            *RapidReviewVersion.FINDINGS,
            "panel_responded_on",
            "resubmit_by",
        ]


class RapidReviewSerializer(serializers.ModelSerializer):
    incident = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    partnership = serializers.SlugRelatedField(slug_field="name", read_only=True)
    versions = RapidReviewVersionSerializer(many=True, read_only=True)

    class Meta:
        model = RapidReview
        fields = [
            "incident",
            "partnership",
            "status",
            "first_sent_on",
            "reason_at_review",
            "likely_cause",
            "lcspr_decision",
            "returned_reason",
            "not_needed_reasons",
            "panel_not_needed_view",
            "not_needed_accepted_on",
            "versions",
        ]


class RapidReviewInputSerializer(StrictSerializer):
    """A rapid review as the partnership sends it: the document and what it found (multipart or JSON)."""

    document = serializers.FileField()
    completed_on = PlausibleDateField()
    reason_at_review = serializers.ChoiceField(choices=Reason.choices)
    likely_cause = serializers.ChoiceField(choices=sorted(ALL_CAUSES.items()))
    lcspr_decision = serializers.ChoiceField(choices=LcsprDecision.choices)
    lcspr_rationale = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    lines_of_enquiry = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    lcspr_decision_on = PlausibleDateField(required=False)
    national_review_recommended = serializers.BooleanField(required=False, default=False)
    immediate_actions = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    learning = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    practice_themes = serializers.ListField(
        child=serializers.ChoiceField(choices=PracticeTheme.choices),
        required=False,
        default=list,
        max_length=len(PracticeTheme.choices),
    )
    index_child = IndexChildSerializer(required=False)


class UnnotifiedRapidReviewInputSerializer(RapidReviewInputSerializer):
    """A rapid review for an incident nobody notified, with what is known of the incident."""

    local_authority = LocalAuthorityField()
    incident_date = PlausibleDateField()
    la_aware_date = PlausibleDateField(required=False)
    reason = serializers.ChoiceField(choices=Reason.choices, required=False)
    case_outline = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    children = UnnotifiedChildSerializer(many=True, required=False, max_length=MAX_CHILDREN_PER_CASE)


class ReturnSerializer(StrictSerializer):
    """The Panel returns a rapid review: what more it needs, and by when (10 working days if not given)."""

    reason = RequiredTextField(message="Say what more the Panel needs.")
    resubmit_by = PlausibleDateField(required=False)


class NotNeededSerializer(StrictSerializer):
    reasons = RequiredTextField(message="Say what further enquiry found.")


class ResumeInputSerializer(StrictSerializer):
    """Why the review resumes (optional): kept in its log of milestones."""

    reason = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)


class NotPublishedSerializer(StrictSerializer):
    reasons = RequiredTextField(message="Give the reasons the Panel was told.")


class PanelViewSerializer(StrictSerializer):
    """The Panel accepts that no rapid review is needed, with its view if it has one."""

    view = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)


class DeclineSerializer(StrictSerializer):
    view = RequiredTextField(message="Say why the Panel still expects a rapid review.")


class LcsprPauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = LcsprPause
        fields = ["reason", "details", "panel_told_on", "started_on", "ended_on"]


class LcsprMilestoneSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = LcsprMilestone
        fields = ["id", "happened_on", "description", "recorded_by", "recorded_at"]
        read_only_fields = ["id", "recorded_by", "recorded_at"]


class RecommendationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recommendation
        fields = ["id", *Recommendation.EDITABLE, "status", "completed_on"]
        read_only_fields = ["id", "completed_on"]


class RecommendationInputSerializer(ModelInputSerializer):
    class Meta(RecommendationSerializer.Meta):
        pass


class LcsprSerializer(serializers.ModelSerializer):
    incident = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    partnership = serializers.SlugRelatedField(slug_field="name", read_only=True)
    pauses = LcsprPauseSerializer(many=True, read_only=True)
    milestones = LcsprMilestoneSerializer(many=True, read_only=True)
    recommendations = RecommendationSerializer(many=True, read_only=True)
    has_final_report = serializers.SerializerMethodField()

    class Meta:
        model = Lcspr
        fields = [
            "incident",
            "partnership",
            "status",
            "decision_on",
            "reviewer",
            "terms_of_reference",
            "panel_view",
            "planned_publication_on",
            "final_report_received_on",
            "has_final_report",
            "published_on",
            "publication_url",
            "not_published_reasons",
            "pauses",
            "milestones",
            "recommendations",
            "version",
        ]

    def get_has_final_report(self, lcspr) -> bool:
        return bool(lcspr.final_report)


class LcsprUpdateSerializer(StrictSerializer):
    reviewer = serializers.CharField(
        required=False, allow_blank=True, max_length=Lcspr._meta.get_field("reviewer").max_length
    )
    terms_of_reference = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    panel_view = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    decision_on = PlausibleDateField(required=False)
    planned_publication_on = PlausibleDateField(required=False)
    version = VersionField()


class PauseInputSerializer(StrictSerializer):
    reason = serializers.ChoiceField(choices=LcsprPause.Reason.choices)
    panel_told_on = PlausibleDateField()
    details = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)


class FinalReportInputSerializer(StrictSerializer):
    document = serializers.FileField()
    planned_publication_on = PlausibleDateField()


class PublishInputSerializer(StrictSerializer):
    published_on = PlausibleDateField()
    url = serializers.URLField(max_length=Lcspr._meta.get_field("publication_url").max_length)


class MilestoneInputSerializer(StrictSerializer):
    happened_on = PlausibleDateField()
    description = serializers.CharField(max_length=TEXT_MAX_LENGTH)
