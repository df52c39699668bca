"""What every page view shares: a signed-in person, cases found through the scoped selector (404 for
anyone who may not see them), and services' errors shown on the page the way the API reports them.

A page never decides a rule: it reads a form, calls the same service the API calls, and shows what the
service says. A service's ValidationError goes back onto the form's fields; a step the case's state
does not allow (409) and a step the person's role does not allow (403) are shown above the form.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.views.generic import FormView
from django_fsm import TransitionNotAllowed

from audit.services import Action, access_record
from incidents.selectors import incident_get
from incidents.uploads import upload_refusal
from incidents.workflow import DocumentRejected, VersionConflict


def case_or_404(request, reference):
    try:
        return incident_get(user=request.user, reference=reference)
    except ObjectDoesNotExist:
        raise Http404("No such case.") from None


def case_view_record(request, incident):
    """The access log's row for a page that shows a case (audit.services)."""
    access_record(
        request=request,
        action=Action.VIEWED_CASE,
        kind="case",
        identifier=incident.reference,
        case_reference=incident.reference,
    )


class CaseMixin(LoginRequiredMixin):
    """A view of one case, found by its reference among the cases the person may see.

    Every page of a case that is shown (a GET answered 200) is recorded in the access log, before the page
    is rendered; a refusal or a redirect shows nothing of the case and is not.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.incident = case_or_404(request, kwargs["reference"])
        response = super().dispatch(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200 and hasattr(self, "incident"):
            case_view_record(request, self.incident)
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(incident=self.incident, **kwargs)


class ServiceFormView(LoginRequiredMixin, FormView):
    """A question page whose valid answers go to a service.

    Subclasses give `perform(form)`, which calls the service and returns where to go next (a URL),
    and may give `success_message`.
    """

    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        refusal = upload_refusal(request)
        if refusal is not None:
            # A file over the limit: reading stopped at it (incidents.uploads), so the answers after it
            # never arrived. Only the file's refusal is shown; nothing is done with the rest.
            form = self.get_form()
            form.errors.clear()
            return self.document_refused(form, refusal)
        return super().post(request, *args, **kwargs)

    def document_refused(self, form, error):
        """Too large (413), not an allowed type (415), a virus (400), or not scanned or stored (503, 507):
        the message goes on the file's field (or above the form when it is about no field)."""
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return self.render_to_response(self.get_context_data(form=form), status=error.status_code)

    def form_valid(self, form):
        try:
            next_url = self.perform(form)
        except ValidationError as error:
            form.errors_from(error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except DocumentRejected as error:
            return self.document_refused(form, error)
        except TransitionNotAllowed as error:
            form.add_error(None, str(error))
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except VersionConflict as error:
            return self.changed_since(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error) or "Your role does not allow this.")
            return self.render_to_response(self.get_context_data(form=form), status=403)
        except ObjectDoesNotExist:
            raise Http404("No such case.") from None
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(next_url)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def changed_since(self, form, error):
        """Someone else changed the record since this page was shown (409): nothing was saved. The person's
        answers are shown again, now against the current version, so saving them again is their choice."""
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = str(error.current)
        form.add_error(None, changed_since_message(error.what))
        return self.render_to_response(self.get_context_data(form=form), status=409)


def changed_since_message(what):
    return (
        f"This {what} was changed by someone else since you opened this page, so your answers have not been "
        f"saved. Check the {what} as it is now. If your answers should replace theirs, save them again."
    )


OUT_OF_DATE = "This page is out of date: open it again."


def version_field(record):
    """The hidden field that carries the version of the record a page showed."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        initial=record.version,
        error_messages={"invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE, "max_value": OUT_OF_DATE},
    )


class VersionedFormMixin:
    """A page that changes a case, a local review or a letter sends the version it showed, in a hidden field,
    and the service refuses the change (409) if someone else changed the record since (incidents.workflow):
    never a silent overwrite. A post without the field (not sent by the page) is not checked, as the API
    takes a change without a version.

    Views give `versioned()`, the record the page shows, and pass `version_sent(form)` to their service.
    """

    def versioned(self):
        raise NotImplementedError

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["version"] = version_field(self.versioned())
        return form

    def version_sent(self, form):
        """The version the page was sent with, taken out of the answers (which go to the service as they are)."""
        return form.cleaned_data.pop("version", None)


class CaseFormView(CaseMixin, ServiceFormView):
    """A question page about one case."""
