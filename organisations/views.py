"""Pages for signing in and out, and the signed-in person's start page."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import user_memberships


class SignInView(auth_views.LoginView):
    template_name = "organisations/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


@login_required
def home(request):
    return render(request, "organisations/home.html", {"memberships": user_memberships(user=request.user)})
