"""The partnership's local review (LCSPR) pages: the review at a glance, and a question page for each step.

The review page shows the decision, the six-month publication deadline and the final report's, the
pauses, the log of milestones and the recommendations, and offers the steps the review's state allows
and the person's role may take (the same can_proceed and the same permission as the services). Each
step is a question page that calls one service in reviews.services and comes back to the review page.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.generic import TemplateView
from django_fsm import can_proceed

from deadlines.models import Deadline
from incidents.converters import CASE_REFERENCE
from incidents.models import Incident
from incidents.workflow import today
from reviews import services
from reviews.models import Lcspr, Recommendation
from reviews.selectors import lcspr_of

from .. import lcspr_forms as lf
from ..actions import Action
from .base import CaseFormView, CaseMixin, VersionedFormMixin

RUN_LCSPR = "reviews.run_lcspr"
ENDED = (Lcspr.Status.PUBLISHED, Lcspr.Status.NOT_PUBLISHED)
STATUS_COLOURS = {
    Lcspr.Status.IN_PROGRESS: "blue",
    Lcspr.Status.PAUSED: "yellow",
    Lcspr.Status.FINAL_REPORT_RECEIVED: "purple",
    Lcspr.Status.PUBLISHED: "green",
    Lcspr.Status.NOT_PUBLISHED: "grey",
}
RECOMMENDATION_COLOURS = {
    Recommendation.Status.OPEN: "blue",
    Recommendation.Status.IN_PROGRESS: "light-blue",
    Recommendation.Status.COMPLETED: "green",
    Recommendation.Status.NOT_COMPLETED: "red",
}


def lcspr_or_404(incident):
    lcspr = lcspr_of(incident)
    if lcspr is None:
        raise Http404("This case has no local review.")
    return lcspr


def can_change(user, incident, lcspr):
    """Whether the review page offers any change: an ended review, or a withdrawn case, takes none."""
    return (
        lcspr.status not in ENDED and incident.status != Incident.Status.WITHDRAWN and user.has_perm(RUN_LCSPR, lcspr)
    )


def can_follow_up(user, incident, lcspr):
    """Recommendations are followed up after publication too (their due dates often come later); not
    once the case is withdrawn."""
    return incident.status != Incident.Status.WITHDRAWN and user.has_perm(RUN_LCSPR, lcspr)


def lcspr_steps(user, incident, lcspr):
    """The steps the review's state allows and the person's role may take, in the order a review goes."""
    if not can_change(user, incident, lcspr):
        return []
    url = lambda name: reverse(f"web:{name}", args=[incident.reference])  # noqa: E731
    steps = []
    if can_proceed(lcspr.resume):
        steps.append(Action("Resume the review", url("lcspr-resume")))
    if can_proceed(lcspr.receive_final_report):
        steps.append(Action("Upload the final report", url("lcspr-final-report")))
    if can_proceed(lcspr.publish):
        steps.append(Action("Record publication", url("lcspr-publish")))
    steps.append(Action("Add a recommendation", url("lcspr-recommendation-add")))
    steps.append(Action("Record a milestone", url("lcspr-milestone-add")))
    if can_proceed(lcspr.pause):
        steps.append(Action("Pause the review", url("lcspr-pause")))
    if can_proceed(lcspr.record_not_published):
        steps.append(Action("Record that it will not be published", url("lcspr-not-published"), warning=True))
    return steps


def recommendation_moves(recommendation):
    """The statuses a recommendation can move to from its own (none once completed or not completed)."""
    return [
        Recommendation.Status(status)
        for status, method_name in services.RECOMMENDATION_MOVES.items()
        if can_proceed(getattr(recommendation, method_name))
    ]


class LcsprView(CaseMixin, TemplateView):
    """The local review at a glance. Anyone who sees the case sees it; only its runners see its steps."""

    template_name = "web/lcspr/review.html"

    def get_context_data(self, **kwargs):
        incident, user = self.incident, self.request.user
        lcspr = lcspr_or_404(incident)
        all_deadlines = list(incident.deadlines.all())
        deadlines = {d.kind: d for d in all_deadlines if not d.subject}
        # Each recommendation's deadline, by the subject reviews.services gives it.
        recommendation_deadlines = {d.subject: d for d in all_deadlines if d.kind == Deadline.Kind.RECOMMENDATION}
        changes = can_change(user, incident, lcspr)
        follow_up = can_follow_up(user, incident, lcspr)
        pauses = list(lcspr.pauses.all())
        recommendations = [
            {
                "record": recommendation,
                "colour": RECOMMENDATION_COLOURS[recommendation.status],
                "deadline": recommendation_deadlines.get(f"recommendation {recommendation.pk}"),
                "can_update": follow_up and bool(recommendation_moves(recommendation)),
            }
            for recommendation in lcspr.recommendations.all()
        ]
        return super().get_context_data(
            lcspr=lcspr,
            status_colour=STATUS_COLOURS[lcspr.status],
            open_pause=next((pause for pause in pauses if pause.ended_on is None), None),
            publication_deadline=deadlines.get(Deadline.Kind.LCSPR_PUBLICATION),
            final_report_deadline=deadlines.get(Deadline.Kind.FINAL_REPORT),
            pauses=pauses,
            milestones=list(lcspr.milestones.select_related("recorded_by")),
            recommendations=recommendations,
            can_change=changes,
            steps=lcspr_steps(user, incident, lcspr),
            today=today(),
            **kwargs,
        )


class LcsprStepView(CaseFormView):
    """A question page for one step of the local review, for those who run it (403 for anyone else)."""

    template_name = "web/lcspr/question.html"
    title = ""
    # The field whose label is the page's h1 on a single-question page; otherwise the title is.
    heading_field = None
    multipart = False
    submit = "Continue"

    def lcspr_check(self):
        self.lcspr = lcspr_or_404(self.incident)
        if not self.request.user.has_perm(RUN_LCSPR, self.lcspr):
            raise PermissionDenied("Your role does not allow this.")

    def get(self, request, *args, **kwargs):
        self.lcspr_check()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.lcspr_check()
        return super().post(request, *args, **kwargs)

    def review_url(self):
        return reverse("web:lcspr", args=[self.incident.reference])

    def service_kwargs(self):
        return {"incident": self.incident, "by": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            lcspr=self.lcspr,
            title=self.title,
            fields=[(bound, bound.name == self.heading_field) for bound in form],
            heading_field=self.heading_field,
            multipart=self.multipart,
            submit=self.submit,
            review_url=self.review_url(),
        )
        return context


class LcsprChangeView(VersionedFormMixin, LcsprStepView):
    """A page that changes the review's details: it sends the version of the review it showed, which
    lcspr_update checks (the form's `version` goes to the service with the answers)."""

    def versioned(self):
        return self.lcspr


class DetailsView(LcsprChangeView):
    form_class = lf.LcsprDetailsForm
    title = "Change the review's details"
    success_message = "The review's details were saved."

    def get_initial(self):
        return {name: getattr(self.lcspr, name) for name in ("reviewer", "terms_of_reference", "decision_on")}

    def perform(self, form):
        services.lcspr_update(**self.service_kwargs(), **form.cleaned_data)
        return self.review_url()


class PlannedPublicationView(LcsprChangeView):
    form_class = lf.PlannedPublicationForm
    title = "When do you plan to publish the review?"
    heading_field = "planned_publication_on"
    success_message = "The planned publication date was saved."

    def get_initial(self):
        return {"planned_publication_on": self.lcspr.planned_publication_on}

    def perform(self, form):
        services.lcspr_update(**self.service_kwargs(), **form.cleaned_data)
        return self.review_url()


class PauseView(LcsprStepView):
    form_class = lf.PauseForm
    title = "Pause the review"
    submit = "Pause the review"
    success_message = "The review is paused. The 6-month deadline for publication still applies."

    def perform(self, form):
        services.lcspr_pause(**self.service_kwargs(), **form.cleaned_data)
        return self.review_url()


class ResumeView(LcsprStepView):
    form_class = lf.ResumeForm
    title = "Why is the review resuming?"
    heading_field = "reason"
    submit = "Resume the review"
    success_message = "The review has resumed."

    def perform(self, form):
        services.lcspr_resume(**self.service_kwargs(), reason=form.cleaned_data["reason"])
        return self.review_url()


class FinalReportView(LcsprStepView):
    form_class = lf.FinalReportForm
    title = "Upload the final report"
    multipart = True
    submit = "Upload the final report"
    success_message = "The final report was received."

    def get_initial(self):
        return {"planned_publication_on": self.lcspr.planned_publication_on}

    def perform(self, form):
        services.lcspr_final_report(**self.service_kwargs(), **form.cleaned_data)
        return self.review_url()


class PublishView(LcsprStepView):
    form_class = lf.PublishForm
    title = "Record publication"
    submit = "Record publication"
    success_message = "The review is recorded as published."

    def perform(self, form):
        services.lcspr_publish(**self.service_kwargs(), **form.cleaned_data)
        return self.review_url()


class NotPublishedView(LcsprStepView):
    form_class = lf.NotPublishedForm
    template_name = "web/lcspr/not_published.html"
    title = "Why will the review not be published?"
    heading_field = "reasons"
    submit = "Record that it will not be published"
    success_message = "The review is recorded as not published."

    def perform(self, form):
        services.lcspr_not_published(**self.service_kwargs(), **form.cleaned_data)
        return self.review_url()


class MilestoneView(LcsprStepView):
    form_class = lf.MilestoneForm
    title = "Record a milestone"
    submit = "Save the milestone"
    success_message = "The milestone was recorded."

    def perform(self, form):
        services.lcspr_milestone_add(**self.service_kwargs(), **form.cleaned_data)
        return self.review_url()


class RecommendationAddView(LcsprStepView):
    form_class = lf.RecommendationForm
    title = "Add a recommendation"
    submit = "Add the recommendation"
    success_message = "The recommendation was added."

    def perform(self, form):
        services.recommendation_add(**self.service_kwargs(), **form.cleaned_data)
        return self.review_url()


class RecommendationStatusView(LcsprStepView):
    form_class = lf.RecommendationStatusForm
    template_name = "web/lcspr/recommendation_status.html"
    title = "Update the recommendation's status"
    submit = "Save the status"
    success_message = "The recommendation's status was saved."

    def lcspr_check(self):
        super().lcspr_check()
        self.recommendation = get_object_or_404(Recommendation, pk=self.kwargs["pk"], lcspr=self.lcspr)

    def get_form_kwargs(self):
        # A closed recommendation offers every status, so a stale page hears from the service why not (409).
        moves = recommendation_moves(self.recommendation) or list(services.RECOMMENDATION_MOVES)
        statuses = [Recommendation.Status(status) for status in moves]
        return {**super().get_form_kwargs(), "statuses": statuses}

    def get_initial(self):
        return {"completion_evidence": self.recommendation.completion_evidence}

    def get_context_data(self, **kwargs):
        return super().get_context_data(recommendation=self.recommendation, **kwargs)

    def perform(self, form):
        values = form.cleaned_data
        services.recommendation_update(
            **self.service_kwargs(),
            recommendation=self.recommendation,
            status=values["status"],
            completion_evidence=values["completion_evidence"],
        )
        return self.review_url()


review = f"cases/{CASE_REFERENCE}/local-review/"
urlpatterns = [
    path(review, LcsprView.as_view(), name="lcspr"),
    path(f"{review}details/", DetailsView.as_view(), name="lcspr-details"),
    path(f"{review}planned-publication/", PlannedPublicationView.as_view(), name="lcspr-planned-publication"),
    path(f"{review}pause/", PauseView.as_view(), name="lcspr-pause"),
    path(f"{review}resume/", ResumeView.as_view(), name="lcspr-resume"),
    path(f"{review}final-report/", FinalReportView.as_view(), name="lcspr-final-report"),
    path(f"{review}publication/", PublishView.as_view(), name="lcspr-publish"),
    path(f"{review}not-published/", NotPublishedView.as_view(), name="lcspr-not-published"),
    path(f"{review}milestones/new/", MilestoneView.as_view(), name="lcspr-milestone-add"),
    path(f"{review}recommendations/new/", RecommendationAddView.as_view(), name="lcspr-recommendation-add"),
    path(
        f"{review}recommendations/<int:pk>/status/",
        RecommendationStatusView.as_view(),
        name="lcspr-recommendation-status",
    ),
]
