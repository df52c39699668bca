"""A person's own API tokens: create one (shown once, never again, and good for API_TOKEN_DAYS) and revoke any."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from organisations.rules import needs_second_factor
from organisations.selectors import api_tokens_of
from organisations.services import api_token_create, api_token_revoke


@login_required
def tokens(request):
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    if request.method == "POST":
        # A token signs a program in without a second factor, so only a session that has had one may make it
        # (organisations.middleware keeps everyone else away from this page too).
        if needs_second_factor(request.user) and not request.user.is_verified():
            raise PermissionDenied("Enter a code from your authenticator app before creating a token.")
        key = api_token_create(user=request.user)
        return render(request, "web/token_created.html", {"key": key, "expiry": timezone.now() + ttl})
    context = {"tokens": api_tokens_of(user=request.user), "token_days": ttl.days}
    return render(request, "web/tokens.html", context)


@login_required
@require_POST
def token_revoke(request, token_key):
    try:
        api_token_revoke(user=request.user, token_key=token_key)
    except ObjectDoesNotExist:
        raise Http404("No such token.") from None
    messages.success(request, f"Token {token_key}… revoked. Programs using it can no longer sign in.")
    return redirect("web:tokens")
