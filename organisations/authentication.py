"""API tokens: django-rest-knox's, refusing a malformed token with a 401 before it reaches the database."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
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


class TokenScheme(KnoxTokenScheme):
    """The same `Token` scheme in the API schema as knox's own."""

    target_class = "organisations.authentication.TokenAuthentication"
