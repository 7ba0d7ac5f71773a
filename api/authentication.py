"""`Authorization: Bearer <token>` with a personal API token (api.models.ApiToken)."""

from rest_framework import authentication, exceptions

from .models import ApiToken


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the header as “Authorization: Bearer <token>”.")
        try:
            raw = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.")
        token = ApiToken.objects.for_raw_token(raw)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token is not valid, or it was revoked.")
        token.note_use()
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
