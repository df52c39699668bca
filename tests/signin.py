"""Signing test clients in as the service requires: with a second factor for those who need one."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.rules import needs_second_factor


def sign_in(client, user):
    """Sign a test client in as `user`, with a verified second factor where the service requires one."""
    client.force_login(user)
    if needs_second_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        # What django_otp.login() records once a code is accepted.
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
