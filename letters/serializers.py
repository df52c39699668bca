"""API representations of letters."""

from rest_framework import serializers

from incidents.codes import NationalReview, PanelPosition, PracticeTheme, QualityTheme
from organisations.serializers import StrictSerializer

from .models import BODY_MAX_LENGTH, Letter


class LetterSerializer(serializers.ModelSerializer):
    incident = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    rapid_review_version = serializers.IntegerField(
        source="rapid_review_version.number", read_only=True, allow_null=True
    )
    drafted_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    approved_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    issued_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
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
            "issued_by",
            "issued_on",
            "pdf_sha256",
            "has_pdf",
            "created_at",
            "updated_at",
        ]

    def get_has_pdf(self, letter) -> bool:
        return bool(letter.pdf)


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
