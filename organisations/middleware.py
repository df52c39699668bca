"""Two-factor authentication, enforced on every request (issue 13: sign-in security).

A signed-in person who needs a second factor (organisations.rules.needs_second_factor) and whose session has
not had one reaches only signing in and out, the two-factor pages, static files and /healthz. Pages send them
to give a code (or to set up an app, when they have none), then back; the API answers 403 in JSON. Requests
with an API token carry no session, so they never meet this: tokens are made only from a verified session.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .rules import has_second_factor, needs_second_factor

SECOND_FACTOR_REQUIRED = (
    "Two-factor authentication is required. Sign in to the service's pages with a code from your "
    "authenticator app first, or use an API token."
)
# The pages open to a person who has given their password but not yet their second factor.
OPEN_PAGES = ("sign-in", "sign-out", "two-factor-verify", "two-factor-set-up")


def second_factor_url(user, next_url=""):
    """Where a person gives their second factor: the code page, or setting up an app when they have none."""
    url = reverse("two-factor-verify" if has_second_factor(user) else "two-factor-set-up")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _open(path):
    if path.startswith((f"/{settings.STATIC_URL.lstrip('/')}", "/healthz")):
        return True
    return path in {reverse(name) for name in OPEN_PAGES}


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware, which tells whether this session has had a second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not _open(request.path_info)
            and needs_second_factor(user)
        ):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": SECOND_FACTOR_REQUIRED}, status=403)
            return redirect(second_factor_url(user, request.get_full_path()))
        return self.get_response(request)
