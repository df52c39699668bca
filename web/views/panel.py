"""The Panel's pages: its queue of work across England, keying a notification that reached it another way,
returning a rapid review for more information, and the figures of each region and local authority.

The queue is the secretariat's and the Panel members' start page: counts at the top, then the first rows
of each list (rapid reviews awaiting a response, letters awaiting approval, overdue deadlines, chasers,
failed messages); each list has its own page that filters, sorts, paginates and downloads as CSV. Every
list is read through casefile.selectors, scoped to the person, in a fixed number of queries.

Keying and returning call incidents.services.incident_key_offline and reviews.services.rapid_review_return,
as the API does: these pages only ask, and show what the services say.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView
from django_fsm import can_proceed

from audit.services import Action, access_filters, access_record
from casefile import selectors
from deadlines.models import Deadline
from deadlines.workingdays import WorkingCalendar
from incidents.codes import OfflineMethod
from incidents.converters import CASE_REFERENCE
from incidents.models import Incident
from incidents.services import OFFLINE_CONFIRMATION_WORKING_DAYS, check_case_dates, incident_key_offline
from incidents.workflow import today
from organisations.models import Organisation, Region
from organisations.selectors import organisation_list, user_memberships, user_scope
from organisations.spreadsheets import csv_response
from reports.rules import VIEW_STATISTICS
from reviews.selectors import rapid_review_of
from reviews.services import RESUBMISSION_WORKING_DAYS, rapid_review_return

from .. import components
from .. import panel_forms as pf
from ..notification_forms import yes_no_initial
from ..templatetags.govuk import deadline_state
from .base import CaseFormView, CaseMixin, ServiceFormView

ROWS_PER_PAGE = 25
# The first rows of each list on the start page; the list's own page has the rest.
QUEUE_PREVIEW_ROWS = 5
# A CSV download holds at most this many rows (years of the Panel's work); filter for a narrower one.
CSV_MAX_ROWS = 10_000


def is_panel_caseworker(user):
    return user.is_superuser or user_scope(user=user).is_panel_caseworker


def _panel_only(user):
    if not is_panel_caseworker(user):
        raise PermissionDenied("Only the Panel's secretariat and members see the Panel's queue.")


def case_url(incident):
    return reverse("web:case", args=[incident.reference])


def letter_url(letter):
    return reverse("web:letter", args=[letter.pk])


def _date(value):
    return f"{value:%-d %B %Y}" if value else ""


def _moment(value):
    return f"{timezone.localtime(value):%-d %B %Y %-I:%M%p}".replace("AM", "am").replace("PM", "pm") if value else ""


def _plural(number, word):
    return f"{number} {word}{'' if number == 1 else 's'}"


# The queue's lists ----------------------------------------------------------------------------------------


@dataclass
class Context:
    """What rows need besides themselves: the person, today and, once, the service's calendar."""

    user: object
    today: datetime.date
    _calendar: WorkingCalendar | None = None

    @property
    def calendar(self):
        if self._calendar is None:
            self._calendar = WorkingCalendar.from_database()
        return self._calendar


def _case_cell(incident):
    return {"text": incident.reference, "href": case_url(incident)}


def _deadline_tag(deadline, ctx):
    return {"tag": deadline_state(deadline, ctx.today)}


def _deadline_name(deadline):
    name = deadline.get_kind_display()
    return f"{name} ({deadline.subject})" if deadline.subject else name


def _rapid_review_cells(deadline, ctx):
    lag = ctx.calendar.working_day_lag(deadline.starts_on, ctx.today)
    return [
        _case_cell(deadline.incident),
        {"text": deadline.incident.notifying_la.name, "hint": deadline.incident.notifying_la.partnership},
        {"text": _date(deadline.starts_on), "hint": deadline.subject.capitalize()},
        {"text": f"{lag} of {settings.PANEL_RESPONSE_WORKING_DAYS}", "numeric": True},
        {"text": _date(deadline.due_on)},
        _deadline_tag(deadline, ctx),
    ]


def _rapid_review_csv(deadline, ctx):
    incident = deadline.incident
    return [
        incident.reference,
        incident.notifying_la.name,
        incident.notifying_la.partnership or "",
        deadline.subject,
        deadline.starts_on,
        ctx.calendar.working_day_lag(deadline.starts_on, ctx.today),
        settings.PANEL_RESPONSE_WORKING_DAYS,
        deadline.due_on,
        deadline_state(deadline, ctx.today)[0],
    ]


def _drafter(letter):
    return letter.drafted_by.get_full_name() if letter.drafted_by_id else "The service"


def _letter_cells(letter, ctx):
    wrote_it = letter.drafted_by_id == ctx.user.pk
    return [
        _case_cell(letter.incident),
        {"text": letter.subject, "href": letter_url(letter), "hint": letter.get_kind_display()},
        {"text": _drafter(letter)},
        {"text": _date(timezone.localdate(letter.updated_at))},
        {"tag": ("You wrote it: someone else approves", "grey") if wrote_it else ("Awaiting approval", "blue")},
    ]


def _letter_csv(letter, ctx):
    return [
        letter.incident.reference,
        letter.get_kind_display(),
        letter.subject,
        _drafter(letter),
        timezone.localdate(letter.updated_at),
    ]


def _overdue_cells(deadline, ctx):
    return [
        _case_cell(deadline.incident),
        {"text": deadline.incident.notifying_la.name, "hint": deadline.incident.notifying_la.region},
        {"text": _deadline_name(deadline)},
        {"text": deadline.responsible.name},
        {"text": _date(deadline.due_on)},
        _deadline_tag(deadline, ctx),
    ]


def _overdue_csv(deadline, ctx):
    incident = deadline.incident
    return [
        incident.reference,
        incident.notifying_la.name,
        incident.notifying_la.region or "",
        _deadline_name(deadline),
        deadline.responsible.name,
        deadline.due_on,
        (ctx.today - deadline.due_on).days,
    ]


def _chaser_cells(deadline, ctx):
    return [
        _case_cell(deadline.incident),
        {"text": deadline.incident.notifying_la.name},
        {"text": deadline.get_kind_display()},
        {"text": _date(deadline.starts_on)},
        {"text": str((ctx.today - deadline.starts_on).days), "numeric": True},
        _deadline_tag(deadline, ctx),
    ]


def _chaser_csv(deadline, ctx):
    return [
        deadline.incident.reference,
        deadline.incident.notifying_la.name,
        deadline.get_kind_display(),
        deadline.starts_on,
        # As the chasers API counts them: calendar days since the Panel asked.
        (ctx.today - deadline.starts_on).days,
        deadline.due_on,
    ]


def _notice_kind(notice):
    return "Reminder" if notice.deadline_id else "Message"


def _failed_cells(notice, ctx):
    return [
        {"text": notice.address},
        _case_cell(notice.incident),
        {"text": notice.what, "hint": _notice_kind(notice)},
        {"text": _moment(notice.claimed_at) or _date(notice.due_on), "hint": notice.last_error},
        {"text": str(notice.attempts), "numeric": True},
    ]


def _failed_csv(notice, ctx):
    return [
        notice.address,
        notice.incident.reference,
        _notice_kind(notice),
        notice.what,
        notice.due_on,
        timezone.localtime(notice.claimed_at).isoformat(timespec="minutes") if notice.claimed_at else "",
        notice.attempts,
        notice.last_error,
    ]


@dataclass(frozen=True)
class QueueList:
    """One list of the queue: who sees it, its rows, its filters, and how a row reads on the page and in CSV."""

    slug: str
    title: str
    figure: str  # after the count, on the start page: "12 rapid reviews awaiting a response"
    empty: str
    form_class: type
    rows: Callable
    may_see: Callable
    headings: tuple
    cells: Callable
    csv_headings: tuple
    csv_row: Callable
    numeric: tuple = ()

    @property
    def url(self):
        return reverse(f"web:queue-{self.slug}")


QUEUE = (
    QueueList(
        slug="rapid-reviews",
        title="Rapid reviews awaiting the Panel's response",
        figure="rapid reviews awaiting a response",
        empty="No rapid review is waiting for the Panel's response.",
        form_class=pf.RapidReviewQueueForm,
        rows=lambda user, on: selectors.rapid_reviews_awaiting_response(user=user),
        may_see=is_panel_caseworker,
        headings=("Case", "Local authority", "Received", "Working days since receipt", "Response due", "Status"),
        numeric=(3,),
        cells=_rapid_review_cells,
        csv_headings=(
            "Case reference",
            "Local authority",
            "Safeguarding partnership",
            "Version",
            "Received on",
            "Working days since receipt",
            "Service level in working days",
            "Response due on",
            "Status",
        ),
        csv_row=_rapid_review_csv,
    ),
    QueueList(
        slug="letters",
        title="Letters awaiting approval",
        figure="letters awaiting approval",
        empty="No letter is awaiting approval.",
        form_class=pf.LetterQueueForm,
        rows=lambda user, on: selectors.letters_awaiting_approval(user=user),
        may_see=is_panel_caseworker,
        headings=("Case", "Letter", "Written by", "Put forward", "Status"),
        cells=_letter_cells,
        csv_headings=("Case reference", "Kind of letter", "Subject", "Written by", "Put forward on"),
        csv_row=_letter_csv,
    ),
    QueueList(
        slug="overdue",
        title="Overdue deadlines across England",
        figure="overdue deadlines",
        empty="No deadline is overdue.",
        form_class=pf.OverdueQueueForm,
        rows=lambda user, on: selectors.overdue_deadlines(user=user, today=on),
        may_see=is_panel_caseworker,
        headings=("Case", "Local authority", "Deadline", "Who must act", "Due", "Status"),
        cells=_overdue_cells,
        csv_headings=(
            "Case reference",
            "Local authority",
            "Region",
            "Deadline",
            "Who must act",
            "Due on",
            "Days overdue",
        ),
        csv_row=_overdue_csv,
    ),
    QueueList(
        slug="chasers",
        title="Retrospective and offline notifications to chase",
        figure="notifications to chase",
        empty="The Panel is waiting for no retrospective or offline notification.",
        form_class=pf.ChaserQueueForm,
        rows=lambda user, on: selectors.chasers_outstanding(user=user),
        may_see=lambda user: user.has_perm("notices.see_chasers"),
        headings=("Case", "Local authority", "Request", "Asked on", "Days outstanding", "Status"),
        numeric=(4,),
        cells=_chaser_cells,
        csv_headings=("Case reference", "Local authority", "Request", "Asked on", "Days outstanding", "Due on"),
        csv_row=_chaser_csv,
    ),
    QueueList(
        slug="failed-messages",
        title="Messages that failed",
        figure="messages that failed",
        empty="No message has failed.",
        form_class=pf.FailedNoticeQueueForm,
        rows=lambda user, on: selectors.failed_notices(user=user),
        may_see=lambda user: user.has_perm("notices.see_case_notices"),
        headings=("Recipient", "Case", "What", "Last tried", "Attempts"),
        numeric=(4,),
        cells=_failed_cells,
        csv_headings=(
            "Recipient",
            "Case reference",
            "Kind",
            "What",
            "Due on",
            "Last tried at",
            "Attempts",
            "Last error",
        ),
        csv_row=_failed_csv,
    ),
)
QUEUE_BY_SLUG = {queue.slug: queue for queue in QUEUE}


def _table(queue, items, ctx):
    return {
        "queue": queue,
        "headings": [{"text": text, "numeric": number in queue.numeric} for number, text in enumerate(queue.headings)],
        "rows": [queue.cells(item, ctx) for item in items],
    }


def queue_home(request):
    """The start page of the Panel's secretariat and members: counts, then the first rows of each list."""
    user = request.user
    ctx = Context(user=user, today=today())
    sections = []
    for queue in QUEUE:
        if not queue.may_see(user):
            continue
        rows = queue.rows(user, ctx.today).order_by(*queue.form_class.SORTS[""][1])
        sections.append({"count": rows.count(), **_table(queue, list(rows[:QUEUE_PREVIEW_ROWS]), ctx)})
    return render(
        request,
        "web/panel/queue.html",
        {
            "sections": sections,
            "memberships": user_memberships(user=user),
            "key_offline_url": reverse("web:offline-start") + "?new=1"
            if user.has_perm("incidents.key_offline")
            else None,
            "regions_url": reverse("web:regions") if user.has_perm(VIEW_STATISTICS) else None,
        },
    )


@login_required
def queue(request):
    _panel_only(request.user)
    return queue_home(request)


@login_required
def queue_list(request, slug):
    """One list of the queue in full: filtered, sorted, a page at a time, or all of it as CSV."""
    queue = QUEUE_BY_SLUG[slug]
    user = request.user
    _panel_only(user)
    if not queue.may_see(user):
        raise PermissionDenied("Your role does not show this list.")
    ctx = Context(user=user, today=today())
    asked = {key: value for key, value in request.GET.items() if key not in ("page", "download")}
    form = queue.form_class(request.GET if asked else None, regions=list(Region.objects.all()))
    rows = form.filtered(queue.rows(user, ctx.today), today=ctx.today)
    if request.GET.get("download") == "csv":
        filename = f"{queue.slug}-{ctx.today.isoformat()}.csv"
        access_record(
            request=request,
            action=Action.EXPORTED,
            kind=f"queue-{queue.slug}",
            identifier=filename,
            detail={"filters": access_filters(request.GET)},
        )
        items = (queue.csv_row(item, ctx) for item in rows[:CSV_MAX_ROWS].iterator(chunk_size=500))
        return csv_response(filename, queue.csv_headings, items)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("download", None)
    csv_query = query.copy()
    csv_query["download"] = "csv"
    return render(
        request,
        "web/panel/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "csv_url": f"{queue.url}?{csv_query.urlencode()}",
            **_table(queue, page.object_list, ctx),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# Keying an offline notification ---------------------------------------------------------------------------
# The answers are kept in the session, page by page, as text (dates as ISO dates). The original document is
# attached on the check-your-answers page, with the button that keys the notification: a file is checked
# and stored in the same request as the case it belongs to, and never held on the server between pages.

SESSION_KEY = "offline_notification"
DATES = ("offline_received_on", "incident_date", "la_aware_date")
FROM_CHECK = "check"
# Each question page, and the answer that says it was answered.
STEPS = (
    ("offline-start", "local_authority"),
    ("offline-received", "offline_method"),
    ("offline-dates", "incident_date"),
    ("offline-incident", "reason"),
    ("offline-child", "child"),
)


def _stored(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def answers_of(request):
    """The answers given so far, with dates as dates."""
    answers = dict(request.session.get(SESSION_KEY) or {})
    for name in DATES:
        if answers.get(name):
            answers[name] = datetime.date.fromisoformat(answers[name])
    if answers.get("child"):
        child = dict(answers["child"])
        if child.get("date_of_birth"):
            child["date_of_birth"] = datetime.date.fromisoformat(child["date_of_birth"])
        answers["child"] = child
    return answers


def answers_store(request, values):
    answers = dict(request.session.get(SESSION_KEY) or {})
    for name, value in values.items():
        answers[name] = {k: _stored(v) for k, v in value.items()} if isinstance(value, dict) else _stored(value)
    request.session[SESSION_KEY] = answers


def first_unanswered(answers):
    return next((name for name, key in STEPS if key not in answers), None)


def _local_authority(code):
    return organisation_list(kind=Organisation.Kind.LOCAL_AUTHORITY).filter(code=code).first() if code else None


class OfflineMixin:
    """A page for the Panel's secretariat only (403 for anyone else), asked in order."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("incidents.key_offline"):
            raise PermissionDenied("Only the Panel's secretariat keys offline notifications.")
        return super().dispatch(request, *args, **kwargs)


class OfflineStep(OfflineMixin, ServiceFormView):
    """One question of keying a notification: its answers go into the session, and on to the next."""

    template_name = "web/panel/offline_step.html"
    step = ""
    next_step = ""
    heading = ""
    single_question = False

    @property
    def from_check(self):
        return self.request.GET.get("from") == FROM_CHECK

    def get(self, request, *args, **kwargs):
        self.answers = answers_of(request)
        earlier = [name for name, _key in STEPS[: [name for name, _key in STEPS].index(self.step)]]
        missing = first_unanswered(self.answers)
        if missing in earlier:
            return HttpResponseRedirect(reverse(f"web:{missing}"))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.answers = answers_of(request)
        return super().post(request, *args, **kwargs)

    def back_url(self):
        if self.from_check:
            return reverse("web:offline-check")
        names = [name for name, _key in STEPS]
        index = names.index(self.step)
        return reverse(f"web:{names[index - 1]}") if index else reverse("home")

    def get_context_data(self, **kwargs):
        la = _local_authority(self.answers.get("local_authority"))
        return super().get_context_data(
            heading=self.heading,
            single_question=self.single_question,
            local_authority=la,
            back_url=self.back_url(),
            **kwargs,
        )

    def values(self, form):
        return form.cleaned_data

    def perform(self, form):
        answers_store(self.request, self.values(form))
        return reverse("web:offline-check") if self.from_check else reverse(f"web:{self.next_step}")


class OfflineLocalAuthorityView(OfflineStep):
    step, next_step = "offline-start", "offline-received"
    form_class = pf.OfflineLocalAuthorityForm
    heading = "Which local authority sent the notification?"
    single_question = True

    def get(self, request, *args, **kwargs):
        if "new" in request.GET:
            request.session.pop(SESSION_KEY, None)
            return HttpResponseRedirect(reverse("web:offline-start"))
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        authorities = list(organisation_list(kind=Organisation.Kind.LOCAL_AUTHORITY))
        return super().get_form_kwargs() | {"local_authorities": authorities}

    def get_initial(self):
        return {"local_authority": self.answers.get("local_authority")}


class OfflineReceivedView(OfflineStep):
    step, next_step = "offline-received", "offline-dates"
    form_class = pf.OfflineReceivedForm
    heading = "How and when did the notification arrive?"

    def get_initial(self):
        return {name: self.answers.get(name) for name in ("offline_method", "offline_received_on")}


class OfflineDatesView(OfflineStep):
    step, next_step = "offline-dates", "offline-incident"
    form_class = pf.OfflineDatesForm
    heading = "When did the incident happen?"

    def get_initial(self):
        return {name: self.answers.get(name) for name in ("incident_date", "la_aware_date")}

    def perform(self, form):
        # The service's own check of the two dates, asked now so the answer is fixed on this page.
        check_case_dates(**form.cleaned_data, on=today())
        return super().perform(form)


class OfflineIncidentView(OfflineStep):
    step, next_step = "offline-incident", "offline-child"
    form_class = pf.OfflineIncidentForm
    heading = "About the incident"

    def get_initial(self):
        if "reason" not in self.answers:
            return {}
        initial = {name: self.answers.get(name) for name in ("reason", "abuse_or_neglect", "case_outline")}
        return initial | {"looked_after_child_death": yes_no_initial(self.answers.get("looked_after_child_death"))}

    def values(self, form):
        return form.values()


class OfflineChildView(OfflineStep):
    step, next_step = "offline-child", "offline-check"
    form_class = pf.OfflineChildForm
    heading = "The index child"

    def get_initial(self):
        return self.answers.get("child") or {}

    def values(self, form):
        return {"child": form.values()}


def _summary_rows(answers, la):
    def row(key, value, step):
        return {"key": key, "value": value, "change": f"{reverse(f'web:{step}')}?from={FROM_CHECK}"}

    method = answers.get("offline_method")
    child = answers.get("child") or {}
    name = f"{child.get('first_name', '')} {child.get('last_name', '')}".strip()
    age = child.get("age_years")
    incident_fields = pf.OfflineIncidentForm.base_fields
    reason = dict(incident_fields["reason"].choices).get(answers.get("reason"), "Not given")
    abuse = dict(incident_fields["abuse_or_neglect"].choices).get(answers.get("abuse_or_neglect"), "Not given")
    sex = dict(pf.OfflineChildForm.base_fields["sex"].choices).get(child.get("sex"), "Not recorded")
    return {
        "authority": [row("Local authority", la.name if la else "Not given", "offline-start")],
        "received": [
            row("How it reached the Panel", OfflineMethod(method).label if method else "Not given", "offline-received"),
            row("Date the Panel received it", _date(answers.get("offline_received_on")), "offline-received"),
        ],
        "dates": [
            row("Date of the incident", _date(answers.get("incident_date")), "offline-dates"),
            row("Date the local authority became aware", _date(answers.get("la_aware_date")), "offline-dates"),
        ],
        "incident": [
            row("Reason", reason, "offline-incident"),
            row("Abuse or neglect", abuse, "offline-incident"),
            row(
                "Death of a looked-after child",
                "Yes" if answers.get("looked_after_child_death") else "No",
                "offline-incident",
            ),
            row("Outline of the case", answers.get("case_outline") or "Not given", "offline-incident"),
        ],
        "child": [
            row("Name", name or "Not given", "offline-child"),
            row("Date of birth", _date(child.get("date_of_birth")) or "Not recorded", "offline-child"),
            row("Age at the incident", "Not recorded" if age is None else str(age), "offline-child"),
            row("Sex", sex, "offline-child"),
        ],
    }


class OfflineCheckView(OfflineMixin, ServiceFormView):
    """Check your answers, attach the original, and key the notification."""

    template_name = "web/panel/offline_check.html"
    form_class = pf.OfflineKeyForm

    def dispatch(self, request, *args, **kwargs):
        self.answers = answers_of(request)
        return super().dispatch(request, *args, **kwargs)

    def unanswered(self):
        """A question not yet answered (or answers already keyed, then gone): back to that question."""
        missing = first_unanswered(self.answers)
        return HttpResponseRedirect(reverse(f"web:{missing}")) if missing else None

    def get(self, request, *args, **kwargs):
        return self.unanswered() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.unanswered() or super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form = kwargs.get("form")
        la = _local_authority(self.answers.get("local_authority"))
        errors = ""
        if form is not None and form.errors:
            errors = components.component(
                "error-summary", {"titleText": "There is a problem", "errorList": form.error_list()}
            )
        return super().get_context_data(
            rows=_summary_rows(self.answers, la),
            local_authority=la,
            errors=errors,
            confirmation_working_days=OFFLINE_CONFIRMATION_WORKING_DAYS,
            **kwargs,
        )

    def perform(self, form):
        answers = self.answers
        la = _local_authority(answers["local_authority"])
        if la is None:
            raise ValidationError({"local_authority": "Select the local authority that sent the notification"})
        fields = {
            name: answers[name]
            for name in ("incident_date", "la_aware_date", "reason", "abuse_or_neglect", "looked_after_child_death")
        }
        try:
            incident = incident_key_offline(
                by=self.request.user,
                notifying_la=la,
                offline_method=answers["offline_method"],
                offline_received_on=answers["offline_received_on"],
                offline_document=form.cleaned_data.get("offline_document"),
                children=[answers["child"]],
                case_outline=answers.get("case_outline") or "",
                **fields,
            )
        except ValidationError:
            form.file_not_kept()
            raise
        self.request.session.pop(SESSION_KEY, None)
        return reverse("web:offline-keyed", args=[incident.reference])


class OfflineKeyedView(CaseMixin, OfflineMixin, TemplateView):
    """The confirmation: the case's reference, and what the local authority is asked to do."""

    template_name = "web/panel/offline_keyed.html"

    def get_context_data(self, **kwargs):
        deadline = next(
            (d for d in self.incident.deadlines.all() if d.kind == Deadline.Kind.OFFLINE_CONFIRMATION), None
        )
        return super().get_context_data(
            deadline=deadline,
            working_days=OFFLINE_CONFIRMATION_WORKING_DAYS,
            key_another_url=reverse("web:offline-start") + "?new=1",
            **kwargs,
        )


# Returning a rapid review ---------------------------------------------------------------------------------


def resubmission_default(on=None):
    """The date a returned review is wanted by when the Panel gives none (reviews.services' own rule)."""
    return WorkingCalendar.from_database().add_working_days(on or today(), RESUBMISSION_WORKING_DAYS)


class RapidReviewReturnView(CaseFormView):
    """The secretariat returns a received rapid review for more information, with the date it is wanted by."""

    template_name = "web/panel/return.html"
    form_class = pf.RapidReviewReturnForm

    def return_check(self):
        """404 for a case the person cannot see (CaseMixin), then 403 for anyone but the secretariat."""
        if not self.request.user.has_perm("reviews.return_rapid_review", self.incident):
            raise PermissionDenied("Only the Panel's secretariat returns a rapid review.")
        self.review = rapid_review_of(self.incident)
        self.default_date = resubmission_default()

    def can_return(self):
        return (
            self.review is not None
            and self.incident.status != Incident.Status.WITHDRAWN
            and can_proceed(self.review.return_for_information)
        )

    def get(self, request, *args, **kwargs):
        self.return_check()
        if not self.can_return():
            # Nothing to return now (none received, or already answered): say so rather than offer a form.
            return self.render_to_response(self.get_context_data(cannot_return=True), status=409)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.return_check()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "default_date": self.default_date,
            "working_days": RESUBMISSION_WORKING_DAYS,
        }

    def get_context_data(self, **kwargs):
        version = self.review.current_version if self.review is not None else None
        deadline = None
        if version is not None:
            subject = f"rapid review version {version.number}"
            deadline = next(
                (
                    d
                    for d in self.incident.deadlines.all()
                    if d.kind == Deadline.Kind.PANEL_RESPONSE and d.subject == subject
                ),
                None,
            )
        return super().get_context_data(
            review=self.review,
            version=version,
            deadline=deadline,
            default_date=self.default_date,
            working_days=RESUBMISSION_WORKING_DAYS,
            today=today(),
            **kwargs,
        )

    def perform(self, form):
        review = rapid_review_return(
            incident=self.incident,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
            resubmit_by=form.cleaned_data["resubmit_by"],
        )
        wanted_by = review.versions.order_by("number").last().resubmit_by
        self.success_message = (
            f"Rapid review returned to {review.partnership.name}. The Panel wants it again by {_date(wanted_by)}."
        )
        return case_url(self.incident)


# The regional view ----------------------------------------------------------------------------------------

REGION_SORTS = {
    "": "Regions in order, A to Z",
    "-open": "Most open cases first",
    "-overdue": "Most overdue deadlines first",
    "-late": "Most late notifications first",
}
REGION_CSV_HEADINGS = ("Region", "Local authority", "GSS code", "Open cases", "Overdue deadlines")


@login_required
def regions(request):
    """For each region and local authority: open cases, overdue deadlines and late notifications this
    financial year. Counts only, so the Panel's caseworkers and its analysts (statistics, never a case)
    see it; nobody else."""
    if not request.user.has_perm(VIEW_STATISTICS):
        raise PermissionDenied("Only the Panel's caseworkers and analysts see the regional figures.")
    on = today()
    year_start = selectors.financial_year_start(on)
    all_regions = list(Region.objects.all())
    asked = {key: value for key, value in request.GET.items() if key != "download"}
    form = pf.RegionViewForm(request.GET if asked else None, regions=all_regions, sorts=REGION_SORTS)
    if form.is_bound and not form.is_valid():
        return render(request, "web/panel/regions.html", {"form": form, "year_start": year_start}, status=400)
    data = form.cleaned_data if form.is_bound else {}
    region = next((r for r in all_regions if str(r.pk) == data.get("region")), None)
    sort = data.get("sort") or "name"
    figures = {"today": on, "year_start": year_start, "sort": sort, "region": region}
    authorities = selectors.local_authority_figures(**figures)
    late_heading = f"Late notifications since {_date(year_start)}"
    if request.GET.get("download") == "csv":
        rows = (
            [a["region__name"], a["name"], a["code"], a["open_cases"], a["overdue_deadlines"], a["late_notifications"]]
            for a in authorities
        )
        filename = f"regions-{on.isoformat()}.csv"
        access_record(
            request=request,
            action=Action.EXPORTED,
            kind="regions",
            identifier=filename,
            detail={"filters": access_filters(request.GET)},
        )
        return csv_response(filename, (*REGION_CSV_HEADINGS, late_heading), rows)
    by_region = {}
    for authority in authorities:
        by_region.setdefault(authority["region_id"], []).append(authority)
    region_rows = [
        {**row, "authorities_rows": by_region.get(row["region_id"], [])} for row in selectors.region_figures(**figures)
    ]
    query = request.GET.copy()
    query["download"] = "csv"
    return render(
        request,
        "web/panel/regions.html",
        {
            "form": form,
            "regions": region_rows,
            "england": None if region else selectors.england_figures(today=on, year_start=year_start),
            "year_start": year_start,
            "today": on,
            "csv_url": f"{reverse('web:regions')}?{query.urlencode()}",
        },
    )


case = f"cases/{CASE_REFERENCE}/"
urlpatterns = [
    path("queue/", queue, name="queue"),
    *[path(f"queue/{q.slug}/", queue_list, {"slug": q.slug}, name=f"queue-{q.slug}") for q in QUEUE],
    path("notifications/offline/", OfflineLocalAuthorityView.as_view(), name="offline-start"),
    path("notifications/offline/received/", OfflineReceivedView.as_view(), name="offline-received"),
    path("notifications/offline/dates/", OfflineDatesView.as_view(), name="offline-dates"),
    path("notifications/offline/incident/", OfflineIncidentView.as_view(), name="offline-incident"),
    path("notifications/offline/child/", OfflineChildView.as_view(), name="offline-child"),
    path("notifications/offline/check/", OfflineCheckView.as_view(), name="offline-check"),
    path(f"{case}notification/keyed/", OfflineKeyedView.as_view(), name="offline-keyed"),
    path(f"{case}rapid-review/return/", RapidReviewReturnView.as_view(), name="rapid-review-return"),
    path("regions/", regions, name="regions"),
]
