"""The Panel's letters as pages, and its members' lists.

A letter is composed from its template for a case, then changed on its page (the decision first, then the
subject and the text), previewed as a PDF, put forward, approved or sent back with a comment by someone
other than its writer, and issued: each step calls the letters.services function the API calls, and each is
offered only when the letter's state allows it and the person's role may take it (django-fsm-2's
can_proceed and the same django-rules permission as the service, as web/actions.py does for a case).

The members' pages list the letters awaiting their approval, the cases by practice theme and the Panel's
decisions on national reviews; each filters, sorts, pages and downloads as CSV, in a number of queries that
does not grow with the rows shown.
"""

from csp.decorators import csp_exempt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Exists, F, JSONField, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.views import View
from django_fsm import TransitionNotAllowed, can_proceed

from audit.services import Action, access_filters, access_record
from incidents.codes import NationalReview, PracticeTheme, QualityTheme
from incidents.converters import CASE_REFERENCE
from incidents.selectors import incident_list
from incidents.workflow import VersionConflict, today
from letters import rendering, services
from letters.models import Letter
from letters.selectors import letter_get, letter_list
from organisations.spreadsheets import csv_response
from reviews.models import RapidReviewVersion
from reviews.selectors import rapid_review_of

from .. import letter_forms as lf
from .base import OUT_OF_DATE, CaseFormView, ServiceFormView, VersionedFormMixin, version_field

DRAFT_LETTER = "letters.draft_letter"
APPROVE_LETTER = "letters.approve_letter"
ISSUE_LETTER = "letters.issue_letter"
# Asked with no letter, letters.view_letter is the Panel's caseworkers' (who see every letter of their
# cases): they see a letter's working (its writer, approver and comments), and the members' lists.
PANEL_CASEWORK = "letters.view_letter"
ROWS_PER_PAGE = 25
# A download is a list, bounded like any other: far more rows than the Panel has in a decade.
CSV_MAX_ROWS = 20_000
STATUS_COLOURS = {
    Letter.Status.DRAFT: "grey",
    Letter.Status.AWAITING_APPROVAL: "yellow",
    Letter.Status.APPROVED: "blue",
    Letter.Status.ISSUED: "green",
    Letter.Status.DISCARDED: "red",
}


def letter_url(letter):
    return reverse("web:letter", args=[letter.pk])


def letter_or_404(request, pk):
    """The letter among those the person may see (letters.selectors): a draft does not exist for the case's
    authority and partnership, nor any letter for anyone outside the case."""
    try:
        return letter_get(user=request.user, pk=pk)
    except Letter.DoesNotExist:
        raise Http404("No such letter.") from None


# Composing ------------------------------------------------------------------------------------------------


class LetterNewView(CaseFormView):
    """Draft a letter on a case from its template: the kind, and for a response the version it answers."""

    template_name = "web/letters/new.html"
    form_class = lf.LetterNewForm

    def role_check(self):
        """404 for a case the person cannot see (CaseMixin), then 403 for anyone but the secretariat."""
        if not self.request.user.has_perm(DRAFT_LETTER, self.incident):
            raise PermissionDenied("Only the Panel's secretariat drafts letters.")

    def get(self, request, *args, **kwargs):
        self.role_check()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.role_check()
        return super().post(request, *args, **kwargs)

    def versions(self):
        review = rapid_review_of(self.incident)
        return list(review.versions.all()) if review else []

    def get_form_kwargs(self):
        versions = self.versions()
        answered = set(
            Letter.objects.filter(rapid_review_version__in=versions)
            .exclude(status=Letter.Status.DISCARDED)
            .values_list("rapid_review_version_id", flat=True)
        )
        return {**super().get_form_kwargs(), "versions": versions, "answered": answered}

    def perform(self, form):
        letter = services.letter_draft(
            incident=self.incident,
            by=self.request.user,
            kind=form.cleaned_data["kind"],
            rapid_review_version=form.chosen_version(),
        )
        self.success_message = "Letter drafted from its template"
        return letter_url(letter)


# The letter's page ----------------------------------------------------------------------------------------


def letter_view_record(request, letter, *, kind="letter"):
    """The access log's row for a page or PDF that shows a letter (audit.services)."""
    access_record(
        request=request,
        action=Action.VIEWED_LETTER,
        kind=kind,
        identifier=letter.pk,
        case_reference=letter.incident.reference,
    )


class LetterMixin(LoginRequiredMixin):
    """A view of one letter, found among those the person may see (404 for any other). Each page of it that
    is shown (a GET answered 200) is recorded in the access log before it is rendered.

    A POST is refused (403) before anything posted is read if the person's role may not take the step:
    `permission` is the rule its service asks, and `reviewed` what a reviewer does (its writer may not).
    """

    permission = None
    reviewed = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.letter = letter_or_404(request, kwargs["pk"])
            refusal = self.refusal() if request.method == "POST" else None
            if refusal is not None:
                return refusal
        response = super().dispatch(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200 and hasattr(self, "letter"):
            letter_view_record(request, self.letter)
        return response

    def refusal(self):
        """The letter's page saying why the person's role may not do this (the service would say the same)."""
        try:
            if self.reviewed:
                services.letter_reviewer_check(letter=self.letter, by=self.request.user, done=self.reviewed)
            if self.permission is not None and not self.request.user.has_perm(self.permission, self.letter):
                raise PermissionDenied("Your role does not allow this.")
        except PermissionDenied as error:
            return _letter_page_with_error(self.request, self.letter, str(error), 403)
        return None


def letter_steps(user, letter):
    """What this person can do to this letter now: only what its state allows and their role may take,
    as the services check it (a writer is never offered approval: the rule says ~wrote_it)."""
    steps = {}
    changeable = services.letter_changeable(letter)
    steps["edit"] = changeable and user.has_perm(DRAFT_LETTER, letter)
    steps["ask"] = can_proceed(letter.ask_for_approval) and user.has_perm(DRAFT_LETTER, letter)
    steps["preview"] = changeable and user.has_perm(PANEL_CASEWORK)
    steps["approve"] = can_proceed(letter.approve) and user.has_perm(APPROVE_LETTER, letter)
    steps["send_back"] = can_proceed(letter.send_back) and user.has_perm(APPROVE_LETTER, letter)
    steps["issue"] = can_proceed(letter.issue) and user.has_perm(ISSUE_LETTER, letter)
    steps["discard"] = can_proceed(letter.discard) and user.has_perm(DRAFT_LETTER, letter)
    return steps


def letter_context(request, letter, **extra):
    """What the letter's page shows: the letter, its decision, the steps offered, and the text as it reads."""
    user = request.user
    version = letter.rapid_review_version
    sentences = []
    if letter.kind == Letter.Kind.RAPID_REVIEW_RESPONSE and version is not None:
        sentences = rendering.decision_sentences(
            lcspr_decision=version.lcspr_decision,
            panel_position=letter.panel_position,
            national_review=letter.national_review,
        )
    quality = dict(QualityTheme.choices)
    themes = dict(PracticeTheme.choices)
    return {
        "letter": letter,
        "incident": letter.incident,
        "version": version,
        "status_colour": STATUS_COLOURS.get(letter.status, "grey"),
        "panel": user.has_perm(PANEL_CASEWORK),
        "steps": letter_steps(user, letter),
        "decision_sentences": sentences,
        "quality_themes": [quality.get(code, code) for code in letter.quality_themes],
        "practice_themes": [themes.get(code, code) for code in letter.practice_themes],
        # nh3 has sanitised it to an allow-list of plain tags (letters.rendering): safe to show unescaped.
        "body_html": mark_safe(rendering.markdown_to_html(letter.body_markdown)),  # noqa: S308
        "step": None,
        **extra,
    }


class LetterView(LetterMixin, VersionedFormMixin, ServiceFormView):
    """The letter: its state, the decision and the text (a form for its writers), and the steps offered."""

    template_name = "web/letters/letter.html"
    form_class = lf.LetterForm
    permission = DRAFT_LETTER  # putting it forward (then=ask) asks the same rule

    def versioned(self):
        return self.letter

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs() | {"letter": self.letter}
        if self.request.method == "GET":
            kwargs["initial"] = lf.LetterForm.initial_from(self.letter)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | letter_context(self.request, self.letter)

    def perform(self, form):
        by = self.request.user
        values = {name: value for name, value in form.values().items() if name != "version"}
        self.letter = services.letter_update(letter=self.letter, by=by, version=self.version_sent(form), **values)
        if self.request.POST.get("then") != "ask":
            self.success_message = "Letter saved"
            return letter_url(self.letter)
        try:
            self.letter = services.letter_ask_for_approval(letter=self.letter, by=by)
        except (ValidationError, TransitionNotAllowed, PermissionDenied):
            # The changes are kept; the page says so, and why the letter cannot go forward yet.
            self.letter = letter_get(user=by, pk=self.letter.pk)
            form.add_error(None, "Your changes are saved, but the letter cannot be put forward for approval yet.")
            # The page shown again is of the letter as saved: its next save starts from this version.
            form.data = form.data.copy()
            form.data[form.add_prefix("version")] = str(self.letter.version)
            raise
        self.success_message = "Letter saved and put forward for approval"
        return letter_url(self.letter)


def _letter_page_with_error(request, letter, message, status):
    """The letter's page with the service's refusal at the top, as a GOV.UK error summary."""
    letter = letter_get(user=request.user, pk=letter.pk)
    step = lf.StepForm(data={})
    step.is_valid()
    step.add_error(None, message)
    form = lf.LetterForm(letter=letter, initial=lf.LetterForm.initial_from(letter))
    form.fields["version"] = version_field(letter)
    context = letter_context(request, letter, form=form, step=step, forms_with_errors=True)
    return render(request, "web/letters/letter.html", context, status=status)


class LetterStepView(LetterMixin, View):
    """One button on the letter's page (approve, issue): the service takes the step or says why not.

    The button sends the version of the letter the page showed: a letter changed since is refused (409), so
    nobody approves or issues words they have not read.
    """

    http_method_names = ["post"]
    service = None
    done = ""
    verb = ""

    def post(self, request, pk):
        sent = lf.StepForm(data=request.POST)
        sent.fields["version"] = version_field(self.letter)
        if not sent.is_valid():
            return _letter_page_with_error(request, self.letter, OUT_OF_DATE, 400)
        try:
            letter = self.service(letter=self.letter, by=request.user, version=sent.cleaned_data["version"])
        except VersionConflict:
            message = (
                f"This letter was changed by someone else since you opened this page, so it has not been "
                f"{self.verb}d. Read it as it is now before you {self.verb} it."
            )
            return _letter_page_with_error(request, self.letter, message, 409)
        except PermissionDenied as error:
            return _letter_page_with_error(request, self.letter, str(error) or "Your role does not allow this.", 403)
        except TransitionNotAllowed as error:
            return _letter_page_with_error(request, self.letter, str(error), 409)
        except ValidationError as error:
            return _letter_page_with_error(request, self.letter, " ".join(error.messages), 400)
        except ObjectDoesNotExist:
            raise Http404("No such letter.") from None
        messages.success(request, self.done)
        return HttpResponseRedirect(letter_url(letter))


class LetterApproveView(LetterStepView):
    service = staticmethod(services.letter_approve)
    permission = APPROVE_LETTER
    reviewed = "approved"
    verb = "approve"
    done = "Letter approved: the secretariat can now issue it"


class LetterIssueView(LetterStepView):
    service = staticmethod(services.letter_issue)
    permission = ISSUE_LETTER
    verb = "issue"
    done = "Letter issued: the local authority and partnership can now read it"


class LetterQuestionView(LetterMixin, ServiceFormView):
    """A question about the letter before a step (send back, discard), offered as the letter's page offers it."""

    step = ""

    def get(self, request, *args, **kwargs):
        if not letter_steps(request.user, self.letter)[self.step]:
            # Not offered now (the state or the role): the letter's page says what can be done. A POST from
            # a role that may not take the step is refused first (LetterMixin); otherwise the service says why not.
            return HttpResponseRedirect(letter_url(self.letter))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            letter=self.letter, incident=self.letter.incident, letter_url=letter_url(self.letter), **kwargs
        )


class LetterSendBackView(LetterQuestionView):
    template_name = "web/letters/send_back.html"
    form_class = lf.SendBackForm
    step = "send_back"
    permission = APPROVE_LETTER
    reviewed = "sent back"
    success_message = "Letter sent back to its writer with your comment"

    def perform(self, form):
        services.letter_send_back(letter=self.letter, by=self.request.user, comment=form.cleaned_data["comment"])
        return letter_url(self.letter)


class LetterDiscardView(LetterQuestionView):
    template_name = "web/letters/discard.html"
    form_class = lf.DiscardForm
    step = "discard"
    permission = DRAFT_LETTER

    def perform(self, form):
        if form.cleaned_data["confirm"] != "yes":
            return letter_url(self.letter)
        services.letter_discard(letter=self.letter, by=self.request.user)
        self.success_message = "Letter discarded"
        return letter_url(self.letter)


@login_required
def letter_preview(request, pk):
    """The letter as it would be issued today, shown in the browser (inline), not saved as a download."""
    letter = letter_or_404(request, pk)
    try:
        pdf = services.letter_preview(letter=letter, by=request.user)
    except TransitionNotAllowed as error:
        return _letter_page_with_error(request, letter, str(error), 409)
    except PermissionDenied as error:
        return _letter_page_with_error(request, letter, str(error) or "Your role does not allow this.", 403)
    except ObjectDoesNotExist:
        raise Http404("No such letter.") from None
    letter_view_record(request, letter, kind="letter_preview")
    return _pdf_shown(request, pdf, filename=f"{letter.incident.reference}-letter-{letter.pk}-preview.pdf")


@csp_exempt()
def _pdf_shown(request, pdf, *, filename):
    """A PDF for the browser's own viewer, which a policy of `object-src 'none'` would stop in Chromium.
    Only the PDF goes without the policy: the pages around it keep it."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# The members' lists ------------------------------------------------------------------------------------------


def panel_check(user):
    """The members' lists are the Panel's caseworkers' (403 for anyone else, who sees no such list)."""
    if not user.has_perm(PANEL_CASEWORK):
        raise PermissionDenied("Only the Panel's members and secretariat see this list.")


def _list_page(request, form_class, rows, *, template, context, csv_name, csv_header, csv_row, shown=None):
    """A list's page: its filters read (400 with an error summary if they are wrong), its order, the page
    asked for, or every row (bounded) as CSV. `shown(row)` readies a row shown on the page."""
    form = form_class(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, template, {**context, "form": form, "page": None, "query": ""}, status=400)
    rows = rows(form.cleaned_data if form.is_bound else {}, form.ordering())
    if request.GET.get("download") == "csv":
        access_record(
            request=request,
            action=Action.EXPORTED,
            kind=request.resolver_match.url_name,
            identifier=f"{csv_name}.csv",
            detail={"filters": access_filters(request.GET)},
        )
        return csv_response(f"{csv_name}.csv", csv_header, (csv_row(row) for row in rows[:CSV_MAX_ROWS]))
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    for row in page.object_list if shown else ():
        shown(row)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("download", None)
    download = query.copy()
    download["download"] = "csv"
    return render(
        request,
        template,
        {**context, "form": form, "page": page, "query": query.urlencode(), "download": download.urlencode()},
    )


def _filtered_cases(cases, data, *, prefix=""):
    if data.get("reference"):
        cases = cases.filter(**{f"{prefix}reference__icontains": data["reference"].strip()})
    if data.get("local_authority"):
        cases = cases.filter(**{f"{prefix}notifying_la__name__icontains": data["local_authority"].strip()})
    return cases


def _scoped_cases(user):
    """The cases the person sees (incidents.selectors), without the children and deadlines the case pages
    prefetch: these lists show neither."""
    return incident_list(user=user).prefetch_related(None)


# Letters awaiting approval

LETTER_ORDER = {
    "": ("updated_at", "pk"),
    "newest": ("-updated_at", "-pk"),
    "reference": ("incident__reference", "pk"),
}


def letters_to_approve(*, user):
    """Letters put forward for approval that this person did not write: those they may approve. (While a
    letter awaits approval nothing changes it, so its last change is when it was put forward.)"""
    return (
        letter_list(user=user)
        .filter(status=Letter.Status.AWAITING_APPROVAL)
        .exclude(drafted_by=user)
        .select_related("incident__notifying_la", "drafted_by")
    )


@login_required
def letters_awaiting_approval(request):
    panel_check(request.user)

    def rows(data, order):
        letters = _filtered_cases(letters_to_approve(user=request.user), data, prefix="incident__")
        if data.get("kind"):
            letters = letters.filter(kind=data["kind"])
        return letters.order_by(*LETTER_ORDER[order])

    return _list_page(
        request,
        lf.LettersToApproveForm,
        rows,
        template="web/letters/to_approve.html",
        context={"count": letters_to_approve(user=request.user).count()},
        csv_name=f"letters-awaiting-approval-{today()}",
        csv_header=["Case", "Local authority", "Kind", "Subject", "Written by", "Put forward"],
        csv_row=lambda letter: [
            letter.incident.reference,
            letter.incident.notifying_la.name,
            letter.get_kind_display(),
            letter.subject,
            letter.drafted_by.email if letter.drafted_by else "",
            letter.updated_at.date().isoformat(),
        ],
    )


# Cases by practice theme


def practice_theme_filter(theme, *, prefix=""):
    """Versions whose practice_themes (a JSON list of codes) include this theme.

    PostgreSQL asks jsonb containment (`@>`), which an index on the column can serve. SQLite has no JSON
    containment lookup, so it matches the code with its quotes in the list's JSON text: every code is a
    distinct word of lower-case letters and underscores, and with its quotes none matches inside another.
    """
    if connection.vendor == "postgresql":
        return Q(**{f"{prefix}practice_themes__contains": [theme]})
    return Q(**{f"{prefix}practice_themes__icontains": f'"{theme}"'})


def latest_versions(*, user):
    """The newest version of each rapid review of the cases this person sees: what the partnership last said."""
    later = RapidReviewVersion.objects.filter(rapid_review=OuterRef("rapid_review"), number__gt=OuterRef("number"))
    return RapidReviewVersion.objects.filter(rapid_review__incident__in=_scoped_cases(user).values("pk")).filter(
        ~Exists(later)
    )


def practice_theme_counts(*, user):
    """How many cases each practice theme is found in, over the latest versions: one query."""
    counts = latest_versions(user=user).aggregate(
        **{theme: Count("pk", filter=practice_theme_filter(theme)) for theme in PracticeTheme.values}
    )
    return [(PracticeTheme(theme), counts[theme]) for theme in PracticeTheme.values]


CASE_ORDER = {
    "": (F("rapid_review__first_sent_on").desc(nulls_last=True), "-pk"),
    "oldest": (F("rapid_review__first_sent_on").asc(nulls_last=True), "pk"),
    "reference": ("reference",),
    "local_authority": ("notifying_la__name", "reference"),
}


def cases_with_theme(*, user, theme=None):
    """The cases whose latest rapid review version names the theme (any theme if none is given), each with
    the themes of that version."""
    versions = latest_versions(user=user)
    versions = versions.filter(practice_theme_filter(theme)) if theme else versions.exclude(practice_themes=[])
    newest = RapidReviewVersion.objects.filter(rapid_review__incident=OuterRef("pk")).order_by("-number")
    return (
        _scoped_cases(user)
        .filter(pk__in=versions.values("rapid_review__incident_id"))
        .select_related("rapid_review", "notifying_la")
        .annotate(latest_themes=Subquery(newest.values("practice_themes")[:1], output_field=JSONField()))
    )


def _theme_labels(codes):
    labels = dict(PracticeTheme.choices)
    return [labels.get(code, code) for code in codes or ()]


@login_required
def practice_themes(request):
    panel_check(request.user)

    def rows(data, order):
        cases = _filtered_cases(cases_with_theme(user=request.user, theme=data.get("theme")), data)
        if data.get("reason"):
            cases = cases.filter(rapid_review__reason_at_review=data["reason"])
        return cases.order_by(*CASE_ORDER[order])

    chosen = request.GET.get("theme") if request.GET.get("theme") in PracticeTheme.values else None
    return _list_page(
        request,
        lf.PracticeThemeForm,
        rows,
        template="web/letters/practice_themes.html",
        context={
            "counts": practice_theme_counts(user=request.user),
            "theme": PracticeTheme(chosen) if chosen else None,
        },
        csv_name=f"cases-by-practice-theme-{chosen or 'any'}-{today()}",
        csv_header=["Case", "Local authority", "Reason at rapid review", "Rapid review received", "Practice themes"],
        csv_row=lambda case: [
            case.reference,
            case.notifying_la.name,
            case.rapid_review.get_reason_at_review_display(),
            case.rapid_review.first_sent_on.isoformat() if case.rapid_review.first_sent_on else "",
            "; ".join(_theme_labels(case.latest_themes)),
        ],
        shown=lambda case: setattr(case, "theme_labels", _theme_labels(case.latest_themes)),
    )


# National review decisions

DECISION_ORDER = {
    "": (F("decided_on").desc(nulls_last=True), "-pk"),
    "oldest": (F("decided_on").asc(nulls_last=True), "pk"),
    "reference": ("reference",),
    "local_authority": ("notifying_la__name", "reference"),
}


def national_review_decisions(*, user):
    """The cases with the Panel's decision on a national review (from its issued response), and the day its
    latest response was issued."""
    issued = Letter.objects.filter(
        incident=OuterRef("pk"), kind=Letter.Kind.RAPID_REVIEW_RESPONSE, status=Letter.Status.ISSUED
    ).order_by("-issued_on", "-pk")
    return (
        _scoped_cases(user)
        .filter(rapid_review__national_review__in=NationalReview.values)
        .select_related("rapid_review", "notifying_la")
        .annotate(decided_on=Subquery(issued.values("issued_on")[:1]))
    )


def national_review_counts(*, user):
    counts = national_review_decisions(user=user).aggregate(
        **{code: Count("pk", filter=Q(rapid_review__national_review=code)) for code in NationalReview.values}
    )
    return [(NationalReview(code), counts[code]) for code in NationalReview.values]


@login_required
def national_reviews(request):
    panel_check(request.user)

    def rows(data, order):
        cases = _filtered_cases(national_review_decisions(user=request.user), data)
        if data.get("decision"):
            cases = cases.filter(rapid_review__national_review=data["decision"])
        return cases.order_by(*DECISION_ORDER[order])

    return _list_page(
        request,
        lf.NationalReviewForm,
        rows,
        template="web/letters/national_reviews.html",
        context={"counts": national_review_counts(user=request.user)},
        csv_name=f"national-review-decisions-{today()}",
        csv_header=["Case", "Local authority", "Decision", "The Panel's view of the local review decision", "Decided"],
        csv_row=lambda case: [
            case.reference,
            case.notifying_la.name,
            case.rapid_review.get_national_review_display(),
            case.rapid_review.get_panel_position_display(),
            case.decided_on.isoformat() if case.decided_on else "",
        ],
    )


case = f"cases/{CASE_REFERENCE}/"
urlpatterns = [
    path(f"{case}letters/new/", LetterNewView.as_view(), name="letter-new"),
    path("letters/<int:pk>/", LetterView.as_view(), name="letter"),
    path("letters/<int:pk>/preview/", letter_preview, name="letter-preview"),
    path("letters/<int:pk>/approve/", LetterApproveView.as_view(), name="letter-approve"),
    path("letters/<int:pk>/send-back/", LetterSendBackView.as_view(), name="letter-send-back"),
    path("letters/<int:pk>/issue/", LetterIssueView.as_view(), name="letter-issue"),
    path("letters/<int:pk>/discard/", LetterDiscardView.as_view(), name="letter-discard"),
    path("letters/awaiting-approval/", letters_awaiting_approval, name="letters-awaiting-approval"),
    path("practice-themes/", practice_themes, name="practice-themes"),
    path("national-reviews/", national_reviews, name="national-reviews"),
]
