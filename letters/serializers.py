"""API representations of letters."""

from rest_framework import serializers

from incidents.codes import NationalReview, PanelPosition, PracticeTheme, QualityTheme
from incidents.serializers import VersionField
from organisations.serializers import StrictSerializer

from .models import BODY_MAX_LENGTH, COMMENT_MAX_LENGTH, Letter

# Asked with no letter, letters.view_letter is the Panel's caseworkers' (who see every letter of their cases).
SEES_THE_PANELS_WORKING = "letters.view_letter"
# Why a letter was sent back is the Panel's own deliberation: the case's authority and partnership, who see
# issued letters, never see it.
PANEL_ONLY = ("sent_back_comment", "sent_back_by", "sent_back_at")


class LetterSerializer(serializers.ModelSerializer):
    incident = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    rapid_review_version = serializers.IntegerField(
        source="rapid_review_version.number", read_only=True, allow_null=True
    )
    drafted_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    approved_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    issued_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    sent_back_by = serializers.SlugRelatedField(
        slug_field="email", read_only=True, allow_null=True, help_text="The Panel's caseworkers only."
    )
    sent_back_comment = serializers.CharField(
        read_only=True, help_text="Why it was last sent back to draft. The Panel's caseworkers only."
    )
    sent_back_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="The Panel's caseworkers only.")
    has_pdf = serializers.SerializerMethodField()

    class Meta:
        model = Letter
        fields = [
            "id",
            "incident",
            "kind",
            "status",
            "rapid_review_version",
            "template_version",
            "subject",
            "body_markdown",
            "panel_position",
            "national_review",
            "quality_themes",
            "practice_themes",
            "drafted_by",
            "approved_by",
            "approved_at",
            "sent_back_comment",
            "sent_back_by",
            "sent_back_at",
            "issued_by",
            "issued_on",
            "pdf_sha256",
            "has_pdf",
            "created_at",
            "updated_at",
            "version",
        ]
        # Left out for everyone else (to_representation), so the schema cannot say they are always there.
        omitted_for_some_readers = PANEL_ONLY

    def get_has_pdf(self, letter) -> bool:
        return bool(letter.pdf)

    def to_representation(self, letter):
        data = super().to_representation(letter)
        request = self.context.get("request")
        if request is None or not request.user.has_perm(SEES_THE_PANELS_WORKING):
            for name in PANEL_ONLY:
                data.pop(name, None)
        return data


class LetterCreateSerializer(StrictSerializer):
    incident = serializers.CharField(max_length=20, help_text="The case's reference.")
    kind = serializers.ChoiceField(choices=Letter.Kind.choices)
    rapid_review_version = serializers.IntegerField(
        required=False, min_value=1, max_value=1000, help_text="For a response: the version it answers."
    )


class LetterUpdateSerializer(StrictSerializer):
    subject = serializers.CharField(max_length=200)
    body_markdown = serializers.CharField(max_length=BODY_MAX_LENGTH)
    panel_position = serializers.ChoiceField(choices=PanelPosition.choices, allow_blank=True)
    national_review = serializers.ChoiceField(choices=NationalReview.choices, allow_blank=True)
    quality_themes = serializers.ListField(
        child=serializers.ChoiceField(choices=QualityTheme.choices), max_length=len(QualityTheme.values)
    )
    practice_themes = serializers.ListField(
        child=serializers.ChoiceField(choices=PracticeTheme.choices), max_length=len(PracticeTheme.values)
    )
    version = VersionField()


class LetterSendBackSerializer(StrictSerializer):
    comment = serializers.CharField(
        max_length=COMMENT_MAX_LENGTH, help_text="What should change: kept on the letter for its writer to see."
    )
