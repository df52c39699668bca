"""API tokens: django-rest-knox's, refusing a malformed token with a 401 before it reaches the database, and
reading only the token presented: one query to sign a request in."""

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.signals import token_expired
from rest_framework.exceptions import AuthenticationFailed


class TokenAuthentication(KnoxTokenAuthentication):
    """knox tokens are hexadecimal: anything else (bytes that are not text, a NUL) is simply not valid.

    knox decodes the header as UTF-8 without catching the error, and PostgreSQL refuses a NUL in a
    query, so both would otherwise be a 500.
    """

    def authenticate_credentials(self, token):
        try:
            text = token.decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("Invalid token.") from None
        if not text.isalnum():
            raise AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token):
        """The token presented, if it has expired: refused (True) and deleted.

        knox's own also loads every other token of the person, on every request, to delete those expired: a
        second query each time. They are swept by `manage.py purge` instead
        (organisations.services.expired_tokens_delete), and an expired one is refused whenever it is presented.
        """
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        username = auth_token.user.get_username()
        auth_token.delete()
        token_expired.send(sender=self.__class__, username=username, source="auth_token")
        return True


class TokenScheme(KnoxTokenScheme):
    """The same `Token` scheme in the API schema as knox's own."""

    target_class = "organisations.authentication.TokenAuthentication"
