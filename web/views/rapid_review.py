"""The partnership's rapid review pages: the review at a glance, and the page that sends it (again).

The review page shows every version sent with its document, the Panel's return and its reason, the
Panel's decision once its letter is issued, and the letters. The send page calls
reviews.services.rapid_review_send, as the API does; it is offered while the review is awaited or
returned, to the partnership's leads (the same permission and the same transition as the service).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path, reverse
from django.views.generic import TemplateView
from django_fsm import can_proceed

from deadlines.models import Deadline
from incidents.codes import QualityTheme
from incidents.converters import CASE_REFERENCE
from incidents.models import Incident
from incidents.workflow import today
from letters.models import Letter
from letters.selectors import letters_of
from reviews.models import RapidReview
from reviews.selectors import rapid_review_of
from reviews.services import rapid_review_send

from ..rapid_review_forms import RapidReviewForm
from .base import CaseFormView, CaseMixin

SEND_RAPID_REVIEW = "reviews.send_rapid_review"


def review_or_new(incident):
    """The case's rapid review, or the one expected of its partnership (unsaved) if none was started."""
    return rapid_review_of(incident) or RapidReview(
        incident=incident, partnership_id=incident.notifying_la.partnership_id
    )


def can_send(user, incident, review):
    """Whether the person may send the review now: as reviews.services checks, without the input."""
    return (
        incident.status in (Incident.Status.NOTIFIED, Incident.Status.NOT_NOTIFIED)
        and can_proceed(review.send)
        and user.has_perm(SEND_RAPID_REVIEW, incident)
    )


def review_deadline(incident, review):
    """The deadline the partnership works to now: the Panel's date for a returned review, otherwise
    the rapid review's own (15 working days from the notification; none for a retrospective case)."""
    deadlines = list(incident.deadlines.all())
    if review.status == RapidReview.Status.RETURNED:
        kind = Deadline.Kind.RAPID_REVIEW_RESUBMISSION
        returned = [d for d in deadlines if d.kind == kind and d.status == Deadline.Status.OPEN]
        if returned:
            return max(returned, key=lambda d: d.due_on)
    return next((d for d in deadlines if d.kind == Deadline.Kind.RAPID_REVIEW), None)


class RapidReviewView(CaseMixin, TemplateView):
    """The rapid review at a glance. Anyone who sees the case sees it; only its leads see "send"."""

    template_name = "web/rapid_review/review.html"

    def get_context_data(self, **kwargs):
        incident, user = self.incident, self.request.user
        review = review_or_new(incident)
        versions = list(review.versions.select_related("sent_by")) if review.pk else []
        # The partnership's view: issued letters only, even for the Panel's caseworkers who see drafts.
        letters = letters_of(user=user, incident=incident).filter(status=Letter.Status.ISSUED)
        letters = list(letters.order_by("issued_on", "pk"))
        quality = [QualityTheme(code).label for code in review.quality_themes if code in QualityTheme.values]
        return super().get_context_data(
            review=review if review.pk else None,
            versions=versions,
            current=versions[-1] if versions else None,
            letters=letters,
            quality_themes=quality,
            deadline=review_deadline(incident, review),
            can_send=can_send(user, incident, review),
            today=today(),
            **kwargs,
        )


class RapidReviewSendView(CaseFormView):
    """Send the rapid review, or send it again after the Panel returned it (the Panel's reason on top)."""

    template_name = "web/rapid_review/send.html"
    form_class = RapidReviewForm

    def send_check(self):
        """404 for a case the person cannot see (CaseMixin), then 403 for anyone but its partnership's leads."""
        if not self.request.user.has_perm(SEND_RAPID_REVIEW, self.incident):
            raise PermissionDenied("Only a lead of the case's safeguarding partnership sends its rapid review.")
        self.review = review_or_new(self.incident)
        self.returned = self.review.status == RapidReview.Status.RETURNED
        self.previous = self.review.current_version if self.review.pk else None

    def get(self, request, *args, **kwargs):
        self.send_check()
        if not can_send(request.user, self.incident, self.review):
            # Nothing to send now (the Panel has it, or none is needed): say so rather than offer a form.
            return self.render_to_response(self.get_context_data(cannot_send=True), status=409)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.send_check()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        previous = self.previous if self.returned else None
        return {**super().get_form_kwargs(), "incident": self.incident, "previous": previous}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            review=self.review,
            returned=self.returned,
            previous=self.previous,
            deadline=review_deadline(self.incident, self.review),
            review_url=reverse("web:rapid-review", args=[self.incident.reference]),
            today=today(),
            **kwargs,
        )

    def form_invalid(self, form):
        form.file_not_kept()
        return super().form_invalid(form)

    def perform(self, form):
        try:
            review = rapid_review_send(
                incident=self.incident,
                by=self.request.user,
                document=form.cleaned_data["document"],
                index_child=form.index_child_changes(),
                **form.findings(),
            )
        except ValidationError:
            form.file_not_kept()
            raise
        number = review.current_version.number
        self.success_message = f"Rapid review sent to the Panel (version {number})"
        return reverse("web:rapid-review", args=[self.incident.reference])


case = f"cases/{CASE_REFERENCE}/"
urlpatterns = [
    path(f"{case}rapid-review/", RapidReviewView.as_view(), name="rapid-review"),
    path(f"{case}rapid-review/send/", RapidReviewSendView.as_view(), name="rapid-review-send"),
]
