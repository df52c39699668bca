"""A local authority's pages for its notifications: file one (a draft from its first page, so a person
can leave and come back), make a retrospective one the Panel asked for, confirm one the Panel keyed in,
and withdraw one.

Every answer goes to incidents.services, which decides: these pages only ask, show what the service
says, and move the person to the next question.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from deadlines.models import Deadline
from incidents.converters import CASE_REFERENCE
from incidents.models import Incident
from incidents.services import (
    NOTIFICATION_WORKING_DAYS,
    RAPID_REVIEW_WORKING_DAYS,
    incident_confirm,
    incident_create,
    incident_submit,
    incident_update,
    incident_withdraw,
    notification_due_on,
)
from incidents.workflow import today
from organisations.models import Organisation
from organisations.selectors import organisation_list, user_scope

from .. import components
from ..notification_forms import (
    AddAnotherChildForm,
    ChildForm,
    ConfirmForm,
    DatesForm,
    IncidentForm,
    LateReasonForm,
    LocalAuthorityForm,
    RetrospectiveForm,
    SubmitForm,
    WithdrawForm,
)
from .base import CaseFormView, CaseMixin, ServiceFormView, VersionedFormMixin

Status = Incident.Status
# The pages that fill in a notification serve drafts, and cases opened from a rapid review that the
# authority is asked to notify; anything else is shown on its case page.
UNSUBMITTED = (Status.DRAFT, Status.NOT_NOTIFIED)
FROM_CHECK = "check"


def notification_deadline(incident, on=None):
    """What the awareness date means for the person: the day the Panel must be notified by, and
    whether it has passed (Working Together: within 5 working days of becoming aware)."""
    if incident.la_aware_date is None:
        return None
    due = notification_due_on(la_aware_date=incident.la_aware_date)
    on = on or today()
    return {"due": due, "passed": due < on, "today": due == on, "working_days": NOTIFICATION_WORKING_DAYS}


def _deadline(incident, kind):
    # The selector prefetched the case's deadlines.
    return next((deadline for deadline in incident.deadlines.all() if deadline.kind == kind), None)


def case_url(incident):
    return reverse("web:case", args=[incident.reference])


def step_url(name, incident, *args):
    return reverse(f"web:{name}", args=[incident.reference, *args])


# What the check-your-answers and confirmation pages show ---------------------------------------------------


def _date(value, missing="Not given"):
    return f"{value:%-d %B %Y}" if value else missing


def _with_detail(display, detail):
    return f"{display}: {detail}" if detail else display


def child_label(child, number, *, see_names):
    """How a page names a child: index child or its number, and its name only for those who may see it."""
    label = "Index child" if child.is_index else f"Child {number}"
    name = f"{child.first_name} {child.last_name}".strip() if see_names else ""
    return f"{label}: {name}" if name else label


def child_rows(child, *, see_names):
    rows = []
    if see_names:
        rows.append(("Name", f"{child.first_name} {child.last_name}".strip() or "Not given"))
    rows += [
        ("Date of birth", _date(child.date_of_birth, "Not recorded")),
        ("Age at the incident", "Not recorded" if child.age_years is None else str(child.age_years)),
        ("Sex", child.get_sex_display()),
        ("Gender identity differs from the sex registered at birth", child.get_gender_identity_differs_display()),
        ("LGBTQ+", child.get_lgbtq_display()),
        ("Ethnicity", child.get_ethnicity_display()),
        ("Disability", _with_detail(child.get_disability_display(), child.disability_type)),
        ("Family known to children's social care", child.get_family_known_to_csc_display()),
        ("Child in need", child.get_child_in_need_display()),
        ("Child protection plan", child.get_child_protection_plan_display()),
        ("Looked after", _with_detail(child.get_looked_after_display(), child.placement)),
        ("Care order", child.get_care_order_display()),
    ]
    return [{"key": key, "value": value} for key, value in rows]


def children_cards(incident, *, see_names, change=False):
    cards = []
    for number, child in enumerate(incident.children.all(), start=1):
        card = {
            "label": child_label(child, number, see_names=see_names),
            "rows": child_rows(child, see_names=see_names),
        }
        if change:
            card["change"] = f"{step_url('notification-child', incident, child.pk)}?from={FROM_CHECK}"
        cards.append(card)
    return cards


def incident_rows(incident):
    return [
        {"key": "Reason", "value": incident.get_reason_display() or "Not given"},
        {"key": "Abuse or neglect", "value": incident.get_abuse_or_neglect_display()},
        {"key": "Death of a looked-after child", "value": "Yes" if incident.looked_after_child_death else "No"},
        {"key": "Outline of the case", "value": incident.case_outline or "Not given"},
    ]


def dates_rows(incident):
    return [
        {"key": "Date of the incident", "value": _date(incident.incident_date)},
        {"key": "Date your local authority became aware", "value": _date(incident.la_aware_date)},
    ]


def offline_rows(incident):
    return [
        {"key": "Local authority", "value": incident.notifying_la.name},
        {"key": "How it reached the Panel", "value": incident.get_offline_method_display() or "Not given"},
        {"key": "Date the Panel received it", "value": _date(incident.offline_received_on)},
        {"key": "Date the Panel keyed it in", "value": _date(incident.offline_keyed_on)},
    ]


def _changed_from_check(rows, url):
    return [{**row, "change": f"{url}?from={FROM_CHECK}"} for row in rows]


# Starting a notification -------------------------------------------------------------------------------


def _notifying_authorities(user):
    ids = user_scope(user=user).notifier_la_ids
    return list(organisation_list(kind=Organisation.Kind.LOCAL_AUTHORITY).filter(pk__in=ids))


class NotificationStartView(ServiceFormView):
    """Which local authority: asked only of someone who notifies for more than one."""

    template_name = "web/notification/local_authority.html"
    form_class = LocalAuthorityForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.authorities = _notifying_authorities(request.user)
            if not self.authorities:
                raise PermissionDenied("Only a local authority's notifiers notify the Panel.")
            if len(self.authorities) == 1:
                return HttpResponseRedirect(reverse("web:notification-new"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"local_authorities": self.authorities}

    def perform(self, form):
        return f"{reverse('web:notification-new')}?local_authority={form.cleaned_data['local_authority']}"


class NotificationNewView(ServiceFormView):
    """The dates: the first question of a new notification, whose answer starts the draft."""

    template_name = "web/notification/dates.html"
    form_class = DatesForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            authorities = _notifying_authorities(request.user)
            if not authorities:
                raise PermissionDenied("Only a local authority's notifiers notify the Panel.")
            code = request.GET.get("local_authority", "")
            chosen = [la for la in authorities if la.code == code]
            if len(authorities) > 1 and not chosen:
                return HttpResponseRedirect(reverse("web:notification-start"))
            self.local_authority = chosen[0] if chosen else authorities[0]
            self.several = len(authorities) > 1
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        back = reverse("web:notification-start") if self.several else reverse("home")
        return super().get_context_data(local_authority=self.local_authority, back_url=back, **kwargs)

    def perform(self, form):
        incident = incident_create(by=self.request.user, notifying_la=self.local_authority, **form.values())
        messages.success(
            self.request,
            f"Your draft notification {incident.reference} is saved. You can come back to it from your home page.",
        )
        return step_url("notification-incident", incident)


# Filling in a draft ----------------------------------------------------------------------------------------


class StepMixin:
    """A page about one case that the person's role allows and its state calls for.

    Outside the person's cases: 404 (CaseMixin). A role that may not take the step: 403. A case whose
    state does not call for the page is shown on its case page instead; what is posted still goes to
    the service, which answers 409 if the state does not allow it.
    """

    permission = "incidents.change_case"
    statuses = UNSUBMITTED

    def refusal(self):
        if not self.request.user.has_perm(self.permission, self.incident):
            raise PermissionDenied("Your role does not allow this.")
        if self.request.method == "GET" and self.incident.status not in self.statuses:
            return HttpResponseRedirect(case_url(self.incident))
        return None

    def elsewhere(self):
        """Where the person goes instead of this page, if its answers are not what the case needs now."""
        return None

    def get(self, request, *args, **kwargs):
        return self.refusal() or self.elsewhere() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refusal() or super().post(request, *args, **kwargs)

    @property
    def from_check(self):
        return self.request.GET.get("from") == FROM_CHECK

    def check_url(self):
        return step_url("notification-check", self.incident)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            deadline=notification_deadline(self.incident),
            retrospective=self.incident.status == Status.NOT_NOTIFIED,
            **kwargs,
        )


class NotificationStep(StepMixin, CaseFormView):
    pass


class CaseChangeStep(VersionedFormMixin, NotificationStep):
    """A page that changes the case's details or submits them: it sends the version of the case it showed."""

    def versioned(self):
        return self.incident


class NotificationDatesView(CaseChangeStep):
    template_name = "web/notification/dates.html"
    form_class = DatesForm

    def get_initial(self):
        return {"incident_date": self.incident.incident_date, "la_aware_date": self.incident.la_aware_date}

    def get_context_data(self, **kwargs):
        back = self.check_url() if self.from_check else case_url(self.incident)
        return super().get_context_data(local_authority=self.incident.notifying_la, back_url=back, **kwargs)

    def perform(self, form):
        version = self.version_sent(form)
        incident_update(incident=self.incident, by=self.request.user, version=version, **form.values())
        return self.check_url() if self.from_check else step_url("notification-incident", self.incident)


class NotificationIncidentView(CaseChangeStep):
    template_name = "web/notification/incident.html"
    form_class = IncidentForm

    def get_initial(self):
        return IncidentForm.initial_from(self.incident)

    def get_context_data(self, **kwargs):
        back = self.check_url() if self.from_check else step_url("notification-dates", self.incident)
        return super().get_context_data(back_url=back, **kwargs)

    def perform(self, form):
        version = self.version_sent(form)
        incident_update(incident=self.incident, by=self.request.user, version=version, **form.values())
        if self.from_check:
            return self.check_url()
        if self.incident.children.exists():
            return step_url("notification-children", self.incident)
        return step_url("notification-child-add", self.incident)


class ChildStep(CaseChangeStep):
    template_name = "web/notification/child.html"
    form_class = ChildForm
    child = None

    @cached_property
    def others(self):
        """The case's other children, in the order the case shows them."""
        return [child for child in self.incident.children.all() if child != self.child]

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "show_names": self.request.user.has_perm("incidents.see_child_names", self.incident),
            "ask_index": bool(self.others),
        }

    def get_context_data(self, **kwargs):
        if self.from_check:
            back = self.check_url()
        elif self.incident.children.exists():
            back = step_url("notification-children", self.incident)
        else:
            back = step_url("notification-incident", self.incident)
        return super().get_context_data(child=self.child, back_url=back, **kwargs)

    def next_url(self):
        return self.check_url() if self.from_check else step_url("notification-children", self.incident)


class ChildAddView(ChildStep):
    def perform(self, form):
        version = self.version_sent(form)
        incident_update(incident=self.incident, by=self.request.user, children=[form.values()], version=version)
        return self.next_url()


class ChildChangeView(ChildStep):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.child_id = kwargs["child_id"]

    def refusal(self):
        self.child = get_object_or_404(self.incident.children.all(), pk=self.child_id)
        return super().refusal()

    def get_initial(self):
        return ChildForm.initial_from(self.child)

    def perform(self, form):
        version = self.version_sent(form)
        change = {"id": self.child.pk, **form.values()}
        incident_update(incident=self.incident, by=self.request.user, children=[change], version=version)
        return self.next_url()


class ChildrenView(NotificationStep):
    """The children added so far, and whether there is another to add."""

    template_name = "web/notification/children.html"
    form_class = AddAnotherChildForm

    def elsewhere(self):
        if not self.incident.children.exists():
            return HttpResponseRedirect(step_url("notification-child-add", self.incident))
        return None

    def get_context_data(self, **kwargs):
        see_names = self.request.user.has_perm("incidents.see_child_names", self.incident)
        children = [
            {"label": child_label(child, number, see_names=see_names), "child": child}
            for number, child in enumerate(self.incident.children.all(), start=1)
        ]
        return super().get_context_data(
            children=children,
            back_url=step_url("notification-incident", self.incident),
            **kwargs,
        )

    def perform(self, form):
        if form.cleaned_data["add_another"] == "yes":
            return step_url("notification-child-add", self.incident)
        return self.check_url()


# Check and submit -----------------------------------------------------------------------------------------


def _submitted(view, incident):
    """Where a submitted notification goes: a retrospective one to its case page (it was a request);
    a new one to its confirmation page."""
    if incident.retrospective:
        messages.success(view.request, f"Retrospective notification {incident.reference} made. Thank you.")
        return case_url(incident)
    return step_url("notification-sent", incident)


class NotificationCheckView(CaseChangeStep):
    """Check your answers, then submit. A late notification is asked for its reason on the next page.

    What is submitted is what was checked: a case changed since the page was shown is refused (409).
    """

    template_name = "web/notification/check.html"
    form_class = SubmitForm

    def elsewhere(self):
        # A draft left before its incident questions were answered resumes at them.
        if not self.incident.reason:
            return HttpResponseRedirect(step_url("notification-incident", self.incident))
        return None

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("incidents.submit_notification", self.incident):
            raise PermissionDenied("Your role does not allow this.")
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        incident = self.incident
        see_names = self.request.user.has_perm("incidents.see_child_names", incident)
        rows = {
            "authority": [{"key": "Notifying local authority", "value": incident.notifying_la.name}],
            "dates": _changed_from_check(dates_rows(incident), step_url("notification-dates", incident)),
            "incident": _changed_from_check(incident_rows(incident), step_url("notification-incident", incident)),
            "children": children_cards(incident, see_names=see_names, change=True),
        }
        context = super().get_context_data(rows=rows, **kwargs)
        form = context["form"]
        if form.errors:
            context["errors"] = components.component(
                "error-summary", {"titleText": "There is a problem", "errorList": form.error_list()}
            )
        return context

    def perform(self, form):
        try:
            incident = incident_submit(incident=self.incident, by=self.request.user, version=self.version_sent(form))
        except ValidationError as error:
            if "late_reason" in getattr(error, "message_dict", {}):
                return step_url("notification-late", self.incident)
            raise
        return _submitted(self, incident)


class NotificationLateView(CaseChangeStep):
    """Why the notification is late: asked when the service says it is, then submitted with it."""

    template_name = "web/notification/late.html"
    form_class = LateReasonForm
    permission = "incidents.submit_notification"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        deadline = notification_deadline(self.incident)
        if deadline:
            became_aware = _date(self.incident.la_aware_date)
            form.fields["late_reason"].help_text = (
                f"Your local authority became aware of the incident on {became_aware}, so the notification was "
                f"due by {_date(deadline['due'])}."
            )
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=self.check_url(), **kwargs)

    def perform(self, form):
        incident = incident_submit(
            incident=self.incident,
            by=self.request.user,
            late_reason=form.cleaned_data["late_reason"],
            version=self.version_sent(form),
        )
        return _submitted(self, incident)


class NotificationSentView(CaseMixin, TemplateView):
    """The confirmation: the case's reference and what happens next."""

    template_name = "web/notification/sent.html"

    def get(self, request, *args, **kwargs):
        if self.incident.status in UNSUBMITTED:
            return HttpResponseRedirect(step_url("notification-check", self.incident))
        if self.incident.status != Status.NOTIFIED:
            return HttpResponseRedirect(case_url(self.incident))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rapid_review_deadline=_deadline(self.incident, Deadline.Kind.RAPID_REVIEW),
            rapid_review_working_days=RAPID_REVIEW_WORKING_DAYS,
            **kwargs,
        )


# The Panel's requests, and withdrawal ---------------------------------------------------------------------


class RetrospectiveView(CaseChangeStep):
    """The Panel asks for a notification of an incident it learnt of from a rapid review: the
    authority gives the date it became aware (the review's dates are kept unless corrected), checks
    the rest and submits it."""

    template_name = "web/notification/retrospective.html"
    form_class = RetrospectiveForm
    permission = "incidents.submit_notification"
    statuses = (Status.NOT_NOTIFIED,)

    def get_initial(self):
        return {"incident_date": self.incident.incident_date, "la_aware_date": self.incident.la_aware_date}

    def get_context_data(self, **kwargs):
        request = _deadline(self.incident, Deadline.Kind.RETROSPECTIVE_NOTIFICATION)
        return super().get_context_data(request_deadline=request, back_url=case_url(self.incident), **kwargs)

    def perform(self, form):
        version = self.version_sent(form)
        incident_update(incident=self.incident, by=self.request.user, version=version, **form.values())
        return self.check_url()


class ConfirmOfflineView(NotificationStep):
    """The Panel keyed in a notification that reached it another way: the authority confirms it."""

    template_name = "web/notification/confirm.html"
    form_class = ConfirmForm
    permission = "incidents.confirm_notification"
    statuses = (Status.NOTIFIED,)
    success_message = "Notification confirmed. The Panel has been told."

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        deadline = notification_deadline(self.incident)
        if deadline:
            form.fields["late_reason"].help_text = (
                f"The notification was due by {_date(deadline['due'])} and reached the Panel on "
                f"{_date(self.incident.notified_on)}."
            )
        return form

    def elsewhere(self):
        if not self.incident.awaits_confirmation:
            return HttpResponseRedirect(case_url(self.incident))
        return None

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or self.get_form()
        see_names = self.request.user.has_perm("incidents.see_child_names", self.incident)
        # The model knows whether the notification reached the Panel after its deadline; the service
        # asks for a reason then, so the question is shown before it is asked.
        ask_late = bool(
            (self.incident.is_late and not self.incident.late_reason)
            or form["late_reason"].errors
            or form["late_reason"].value()
        )
        return super().get_context_data(
            form=form,
            ask_late=ask_late,
            rows=offline_rows(self.incident) + dates_rows(self.incident) + incident_rows(self.incident),
            children_rows=children_cards(self.incident, see_names=see_names),
            back_url=case_url(self.incident),
            **kwargs,
        )

    def perform(self, form):
        incident_confirm(incident=self.incident, by=self.request.user, late_reason=form.cleaned_data["late_reason"])
        return case_url(self.incident)


class WithdrawView(NotificationStep):
    template_name = "web/notification/withdraw.html"
    form_class = WithdrawForm
    permission = "incidents.withdraw_notification"
    statuses = (Status.NOTIFIED,)
    success_message = "Notification withdrawn. Its deadlines are cancelled."

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=case_url(self.incident), **kwargs)

    def perform(self, form):
        incident_withdraw(incident=self.incident, by=self.request.user, reason=form.cleaned_data["reason"])
        return case_url(self.incident)


case = f"cases/{CASE_REFERENCE}/"
notification = f"{case}notification/"
urlpatterns = [
    path("notifications/new/", NotificationStartView.as_view(), name="notification-start"),
    path("notifications/new/dates/", NotificationNewView.as_view(), name="notification-new"),
    path(f"{notification}dates/", NotificationDatesView.as_view(), name="notification-dates"),
    path(f"{notification}incident/", NotificationIncidentView.as_view(), name="notification-incident"),
    path(f"{notification}children/", ChildrenView.as_view(), name="notification-children"),
    path(f"{notification}children/add/", ChildAddView.as_view(), name="notification-child-add"),
    path(f"{notification}children/<int:child_id>/", ChildChangeView.as_view(), name="notification-child"),
    path(f"{notification}check/", NotificationCheckView.as_view(), name="notification-check"),
    path(f"{notification}late/", NotificationLateView.as_view(), name="notification-late"),
    path(f"{notification}sent/", NotificationSentView.as_view(), name="notification-sent"),
    path(f"{notification}retrospective/", RetrospectiveView.as_view(), name="retrospective"),
    path(f"{notification}confirm/", ConfirmOfflineView.as_view(), name="confirm-offline"),
    path(f"{notification}withdraw/", WithdrawView.as_view(), name="withdraw"),
]
