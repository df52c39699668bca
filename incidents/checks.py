"""Deployment checks (`manage.py check --deploy`) for what keeps uploaded documents safe."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def virus_scanning_check(app_configs, **kwargs):
    """A live service scans every upload: without CLAMAV_URL, documents are stored unscanned."""
    if settings.CLAMAV_URL or settings.DEBUG:
        return []
    return [
        Warning(
            "CLAMAV_URL is not set: uploaded documents are stored without a virus scan.",
            hint="Run ClamAV's clamd and set CLAMAV_URL to its address (tcp://host:3310 or unix:///path/clamd.ctl).",
            id="incidents.W001",
        )
    ]
