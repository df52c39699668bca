"""Page URLs for signing in and out, and two-factor authentication."""

from django.urls import path

from . import views

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-in/code/", views.two_factor_verify, name="two-factor-verify"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("two-factor/set-up/", views.two_factor_set_up, name="two-factor-set-up"),
    path("two-factor/recovery-codes/", views.two_factor_recovery_codes, name="two-factor-recovery-codes"),
]
