"""The start page, the list of a person's cases and the case page."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from casefile.selectors import work_for
from incidents.codes import Reason
from incidents.models import Incident
from incidents.selectors import incident_list, incident_overdue_filter, incident_timeline
from incidents.workflow import today
from letters.selectors import letters_of
from organisations.selectors import user_memberships, user_scope
from reviews.selectors import lcspr_of, rapid_review_of, with_reviews

from ..actions import case_actions
from ..forms import GovDateField, GovForm
from .base import case_view_record
from .panel import queue_home

CASES_PER_PAGE = 25


@login_required
def home(request):
    """What the person must do next: deadlines, the Panel's requests, drafts; then their recent cases.
    The Panel's secretariat and members start from the Panel's queue of work across England instead."""
    scope = user_scope(user=request.user)
    if scope.is_panel_caseworker:
        return queue_home(request)
    notifies = bool(scope.notifier_la_ids)
    return render(
        request,
        "web/home.html",
        {
            "work": work_for(user=request.user),
            "memberships": user_memberships(user=request.user),
            "notify_url": reverse("web:notification-start") if notifies else None,
            "today": today(),
        },
    )


class CaseFilterForm(GovForm):
    reference = forms.CharField(label="Case reference", required=False, max_length=30)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any")] + Incident.Status.choices, widget=forms.Select
    )
    reason = forms.ChoiceField(label="Reason", required=False, choices=[("", "Any")] + Reason.choices)
    overdue = forms.BooleanField(label="Only cases with an overdue deadline", required=False)
    incident_from = GovDateField(label="Incident on or after", required=False)
    incident_to = GovDateField(label="Incident on or before", required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("incident_from"), data.get("incident_to")
        if start and end and start > end:
            self.add_error("incident_to", "Incident on or before must be the same as or after incident on or after")
        return data


def _filtered(queryset, data):
    if data.get("reference"):
        queryset = queryset.filter(reference__icontains=data["reference"].strip())
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("reason"):
        queryset = queryset.filter(reason=data["reason"])
    if data.get("overdue"):
        queryset = incident_overdue_filter(queryset, overdue=True, today=today())
    if data.get("incident_from"):
        queryset = queryset.filter(incident_date__gte=data["incident_from"])
    if data.get("incident_to"):
        queryset = queryset.filter(incident_date__lte=data["incident_to"])
    return queryset


@login_required
def case_list(request):
    if not request.user.has_perm("incidents.read_cases"):
        # Analysts see statistics, never a list of cases, even an empty one (as the API's list refuses them).
        raise PermissionDenied("Analysts see the statistics, not cases.")
    form = CaseFilterForm(request.GET or None)
    cases = incident_list(user=request.user).order_by("-updated_at", "-pk")
    filtered = form.is_bound and form.is_valid()
    if filtered:
        cases = _filtered(cases, form.cleaned_data)
    elif form.is_bound:
        cases = cases.none()
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/case_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "today": today()},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def case_detail(request, reference):
    """The case page: its rapid review (with its versions) and local review come with the case in one read,
    so the page costs the same queries however many children, versions, letters or events it shows."""
    user = request.user
    try:
        incident = with_reviews(incident_list(user=user)).get(reference=reference)
    except Incident.DoesNotExist:
        raise Http404("No such case.") from None
    case_view_record(request, incident)
    return render(
        request,
        "web/case.html",
        {
            "incident": incident,
            "children": list(incident.children.all()),
            "see_names": user.has_perm("incidents.see_child_names", incident),
            "deadlines": list(incident.deadlines.all()),
            "rapid_review": rapid_review_of(incident),
            "lcspr": lcspr_of(incident),
            "letters": list(letters_of(user=user, incident=incident)),
            "timeline": list(incident_timeline(incident=incident)),
            "actions": case_actions(user, incident),
            "today": today(),
        },
    )
