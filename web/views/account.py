"""A person's own API tokens: create one (shown once, never again) and revoke any."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from organisations.selectors import api_tokens_of
from organisations.services import api_token_create, api_token_revoke


@login_required
def tokens(request):
    if request.method == "POST":
        key = api_token_create(user=request.user)
        return render(request, "web/token_created.html", {"key": key})
    return render(request, "web/tokens.html", {"tokens": api_tokens_of(user=request.user)})


@login_required
@require_POST
def token_revoke(request, token_key):
    try:
        api_token_revoke(user=request.user, token_key=token_key)
    except ObjectDoesNotExist:
        raise Http404("No such token.") from None
    messages.success(request, f"Token {token_key}… revoked. Programs using it can no longer sign in.")
    return redirect("web:tokens")
