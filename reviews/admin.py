"""Admin for rapid reviews and local reviews: records to read, with their history; changes go through the services."""

from django.contrib import admin

from incidents.admin import NeverDeleted, ReadOnlyHistoryAdmin, ReadOnlyInline

from .models import (
    Lcspr,
    LcsprMilestone,
    LcsprPause,
    RapidReview,
    RapidReviewText,
    RapidReviewVersion,
    Recommendation,
)


class ReadOnlyAdmin(NeverDeleted, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VersionInline(ReadOnlyInline):
    model = RapidReviewVersion
    fields = ["number", "sent_on", "reason_at_review", "likely_cause", "lcspr_decision", "panel_responded_on"]


@admin.register(RapidReview)
class RapidReviewAdmin(NeverDeleted, ReadOnlyHistoryAdmin):
    list_display = ["incident", "partnership", "status", "first_sent_on", "reason_at_review", "likely_cause"]
    list_filter = ["status", "reason_at_review", "lcspr_decision"]
    list_select_related = ["incident", "partnership"]
    search_fields = ["incident__reference", "partnership__name"]
    inlines = [VersionInline]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields]


@admin.register(RapidReviewVersion)
class RapidReviewVersionAdmin(ReadOnlyAdmin):
    list_display = ["rapid_review", "number", "sent_on", "sent_by"]
    list_select_related = ["rapid_review__incident", "sent_by"]
    search_fields = ["rapid_review__incident__reference"]


class PauseInline(ReadOnlyInline):
    model = LcsprPause
    fields = ["reason", "panel_told_on", "started_on", "ended_on"]


class MilestoneInline(ReadOnlyInline):
    model = LcsprMilestone
    fields = ["happened_on", "description", "recorded_by"]


class RecommendationInline(ReadOnlyInline):
    model = Recommendation
    fields = ["text", "owner_organisation", "due_on", "status"]


@admin.register(Lcspr)
class LcsprAdmin(NeverDeleted, ReadOnlyHistoryAdmin):
    list_display = ["incident", "partnership", "status", "decision_on", "planned_publication_on", "published_on"]
    list_filter = ["status"]
    list_select_related = ["incident", "partnership"]
    search_fields = ["incident__reference", "partnership__name"]
    inlines = [PauseInline, MilestoneInline, RecommendationInline]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields]


@admin.register(LcsprPause)
class LcsprPauseAdmin(ReadOnlyAdmin):
    list_display = ["lcspr", "reason", "started_on", "ended_on", "panel_told_on"]
    list_filter = ["reason"]


@admin.register(LcsprMilestone)
class LcsprMilestoneAdmin(ReadOnlyAdmin):
    list_display = ["lcspr", "happened_on", "recorded_by"]


@admin.register(Recommendation)
class RecommendationAdmin(NeverDeleted, ReadOnlyHistoryAdmin):
    list_display = ["lcspr", "owner_organisation", "due_on", "status"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields]


@admin.register(RapidReviewText)
class RapidReviewTextAdmin(ReadOnlyAdmin):
    """The text read from each version's document for search: to check what a search can find."""

    list_display = ["version", "truncated", "indexed_at"]
    list_select_related = ["version__rapid_review__incident"]
    search_fields = ["version__rapid_review__incident__reference"]
    exclude = ["search_vector"]
