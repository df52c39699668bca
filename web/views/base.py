"""What every page view shares: a signed-in person, cases found through the scoped selector (404 for
anyone who may not see them), and services' errors shown on the page the way the API reports them.

A page never decides a rule: it reads a form, calls the same service the API calls, and shows what the
service says. A service's ValidationError goes back onto the form's fields; a step the case's state
does not allow (409) and a step the person's role does not allow (403) are shown above the form.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.views.generic import FormView
from django_fsm import TransitionNotAllowed

from audit.services import Action, access_record
from incidents.selectors import incident_get
from incidents.workflow import DocumentRejected


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

    def form_valid(self, form):
        try:
            next_url = self.perform(form)
        except ValidationError as error:
            form.errors_from(error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except DocumentRejected as error:
            # Too large (413) or not an allowed type (415): the message goes on the file's field.
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=error.status_code)
        except TransitionNotAllowed as error:
            form.add_error(None, str(error))
            return self.render_to_response(self.get_context_data(form=form), status=409)
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


class CaseFormView(CaseMixin, ServiceFormView):
    """A question page about one case."""
