"""API URLs for rapid reviews and local reviews."""

from django.urls import path

from incidents.converters import CASE_REFERENCE

from . import api

case = f"incidents/{CASE_REFERENCE}/"

urlpatterns = [
    path(f"{case}rapid-review/", api.RapidReviewApi.as_view(), name="api-rapid-review"),
    path(
        f"{case}rapid-review/versions/<int:number>/document/",
        api.RapidReviewDocumentApi.as_view(),
        name="api-rapid-review-document",
    ),
    path(f"{case}rapid-review/return/", api.RapidReviewReturnApi.as_view(), name="api-rapid-review-return"),
    path(f"{case}rapid-review/not-needed/", api.RapidReviewNotNeededApi.as_view(), name="api-rapid-review-not-needed"),
    path(
        f"{case}rapid-review/not-needed/accept/",
        api.RapidReviewNotNeededAcceptApi.as_view(),
        name="api-rapid-review-not-needed-accept",
    ),
    path(
        f"{case}rapid-review/not-needed/decline/",
        api.RapidReviewNotNeededDeclineApi.as_view(),
        name="api-rapid-review-not-needed-decline",
    ),
    path(f"{case}lcspr/", api.LcsprApi.as_view(), name="api-lcspr"),
    path(f"{case}lcspr/pause/", api.LcsprPauseApi.as_view(), name="api-lcspr-pause"),
    path(f"{case}lcspr/resume/", api.LcsprResumeApi.as_view(), name="api-lcspr-resume"),
    path(f"{case}lcspr/final-report/", api.LcsprFinalReportApi.as_view(), name="api-lcspr-final-report"),
    path(f"{case}lcspr/publish/", api.LcsprPublishApi.as_view(), name="api-lcspr-publish"),
    path(f"{case}lcspr/not-published/", api.LcsprNotPublishedApi.as_view(), name="api-lcspr-not-published"),
    path(f"{case}lcspr/milestones/", api.LcsprMilestonesApi.as_view(), name="api-lcspr-milestones"),
    path(f"{case}lcspr/recommendations/", api.RecommendationsApi.as_view(), name="api-lcspr-recommendations"),
    path(
        f"{case}lcspr/recommendations/<int:pk>/",
        api.RecommendationApi.as_view(),
        name="api-lcspr-recommendation",
    ),
]
