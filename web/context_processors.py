"""What every page needs: the service's name and the person's navigation."""

from django.conf import settings

SERVICE_NAME = "Child Safeguarding Practice Review Panel"


def service(request):
    return {"service_name": SERVICE_NAME, "service_contact_email": settings.SERVICE_CONTACT_EMAIL}
