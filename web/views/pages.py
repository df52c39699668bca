"""Pages every service has: its accessibility statement and privacy notice."""

from django.views.generic import TemplateView


class AccessibilityView(TemplateView):
    template_name = "web/accessibility.html"


class PrivacyView(TemplateView):
    template_name = "web/privacy.html"
