"""authlib's authorization server, wired to the dev provider's config, store and keys.

authlib ships the protocol (grant validation, PKCE, client authentication, error shapes) but
no Starlette server integration, so this module supplies the framework glue: an
`OAuth2Request` built from an already-read Starlette request, and responses as Starlette
`Response`s. Starlette reads bodies asynchronously while authlib is synchronous, so the
handlers read first and hand authlib a finished request.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from authlib.common.security import generate_token
from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode, UserInfo
from authlib.oidc.core.util import create_half_hash
from joserfc import jwt
from starlette.responses import Response

from devprovider.config import (
    FOREIGN_AUDIENCE,
    WRONG_NONCE,
    Behaviour,
    Client,
    ProviderConfig,
    User,
    wrong_issuer_for,
)
from devprovider.keys import ALGORITHM, SigningKeys
from devprovider.store import AccessToken, AuthorizationCode, MemoryStore

SCOPES = ("openid", "profile", "email")
CONFIDENTIAL_AUTH_METHODS = ("client_secret_basic", "client_secret_post")


class _Payload(OAuth2Payload):
    """Request parameters with repeats kept: authlib refuses repeated OAuth parameters."""

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in pairs:
            self._datalist[key].append(value)
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class DevRequest(OAuth2Request):
    """An OAuth2Request over parameters the Starlette handler has already read.

    Args:
        method: the HTTP method.
        uri: the full request URL (authlib refuses plain http except on loopback).
        headers: the request headers (case-insensitive mapping).
        params: the OAuth parameters, repeats kept: the query and body for the
            authorization endpoint (OpenID Connect allows GET and POST there), the body
            alone for the token endpoint.
        form: the urlencoded body, where authlib reads the code, verifier and secret.
        behaviour: the switches in force for this one request.
    """

    def __init__(
        self,
        method: str,
        uri: str,
        headers: Mapping[str, str],
        *,
        params: Sequence[tuple[str, str]],
        form: Sequence[tuple[str, str]] = (),
        behaviour: Behaviour,
    ) -> None:
        super().__init__(method, uri, headers=headers)
        self.payload = _Payload(params)
        self._form = _Payload(form).data
        self.behaviour = behaviour

    @property
    def args(self) -> dict[str, str]:
        return self.payload.data

    @property
    def form(self) -> dict[str, str]:
        return self._form


class RegisteredClient(ClientMixin):
    """authlib's view of a configured `Client`."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get_client_id(self) -> str:
        return self.client.client_id

    def get_default_redirect_uri(self) -> None:
        # OpenID Connect makes redirect_uri mandatory; no default keeps clients honest.
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = set(scope_to_list(self.client.scope) or [])
        return list_to_scope([s for s in scope_to_list(scope) or [] if s in allowed])

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.client.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        if self.client.client_secret is None:
            return False
        return secrets.compare_digest(self.client.client_secret, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if endpoint != "token":
            return True
        if self.client.is_public:
            return method == "none"
        return method in CONFIDENTIAL_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


class CodeGrant(AuthorizationCodeGrant):
    """The authorization code grant over `MemoryStore`."""

    TOKEN_ENDPOINT_AUTH_METHODS = [*CONFIDENTIAL_AUTH_METHODS, "none"]  # noqa: RUF012
    server: DevAuthorizationServer

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        now = self.server.store.clock()
        self.server.store.save_code(
            AuthorizationCode(
                code=code,
                client_id=request.client.get_client_id(),
                subject=request.user.subject,
                redirect_uri=request.payload.redirect_uri,
                scope=request.scope,
                nonce=data.get("nonce"),
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
                auth_time=int(now),
                expires_at=now + self.server.config.code_lifetime,
            )
        )

    def query_authorization_code(
        self, code: str, client: RegisteredClient
    ) -> AuthorizationCode | None:
        return self.server.store.redeem_code(code, client.get_client_id())

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        # Nothing to do: redeem_code already spent it, atomically with the lookup.
        pass

    def authenticate_user(self, authorization_code: AuthorizationCode) -> User | None:
        return self.server.config.user(authorization_code.subject)


class StrictCodeChallenge(CodeChallenge):
    """PKCE with S256 only, required up front rather than discovered missing at /token."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]  # noqa: RUF012

    def __init__(self, require_always: bool) -> None:
        super().__init__(required=True)
        self.require_always = require_always

    def validate_code_challenge(self, grant: CodeGrant, redirect_uri: str | None) -> None:
        data = grant.request.payload.data
        public = grant.request.client.client.is_public
        if not data.get("code_challenge"):
            if self.require_always or public:
                raise InvalidRequestError("PKCE is required: send an S256 'code_challenge'.")
        elif data.get("code_challenge_method") != "S256":
            # authlib would default a missing method to "plain", which is no protection.
            raise InvalidRequestError("Only 'code_challenge_method=S256' is supported.")
        super().validate_code_challenge(grant, redirect_uri)


class DevOpenIDCode(OpenIDCode):
    """Issues the ID token, honest or broken as `Behaviour` says.

    The claims are assembled here in one place rather than through authlib's per-claim
    hooks, so each misbehaviour is a visible edit of an otherwise honest token.
    """

    def __init__(self, server: DevAuthorizationServer) -> None:
        super().__init__(require_nonce=False)
        self.server = server

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return self.server.store.nonce_seen(request.payload.client_id, nonce)

    def generate_user_info(self, user: User, scope: str) -> UserInfo:
        return user_info(user, scope)

    def encode_id_token(self, token: dict[str, Any], request: OAuth2Request) -> str:
        assert isinstance(request, DevRequest)
        behaviour = request.behaviour
        issuer = self.server.issuer
        code: AuthorizationCode = request.authorization_code
        now = int(time.time())
        lifetime = self.server.config.token_lifetime
        claims: dict[str, Any] = {
            "iss": issuer,
            "aud": request.client.get_client_id(),
            "iat": now,
            "exp": now + lifetime,
            "auth_time": code.auth_time,
            **self.get_authorization_code_claims(code),
            **self.generate_user_info(request.user, token["scope"]),
        }
        at_hash = create_half_hash(token["access_token"], ALGORITHM)
        if at_hash is not None:
            claims["at_hash"] = at_hash.decode("ascii")

        if behaviour.wrong_audience:
            claims["aud"] = FOREIGN_AUDIENCE
        if behaviour.wrong_issuer:
            claims["iss"] = wrong_issuer_for(issuer)
        if behaviour.expired_id_token:
            # Issued two hours ago, expired one hour ago: well past any sane leeway.
            claims["iat"] = claims["auth_time"] = now - 7200
            claims["exp"] = now - 3600
        if behaviour.nonce == "wrong":
            claims["nonce"] = WRONG_NONCE
        elif behaviour.nonce == "omit":
            claims.pop("nonce", None)

        keys = self.server.keys
        key = keys.impostor if behaviour.foreign_signing_key else keys.signing
        header = {"alg": ALGORITHM, "kid": keys.kid, "typ": "JWT"}
        return jwt.encode(header, claims, key, [ALGORITHM])


def user_info(user: User, scope: str) -> UserInfo:
    """The claims about `user` that `scope` entitles a client to."""
    claims = UserInfo(
        sub=user.subject, name=user.name, email=user.email, email_verified=user.email_verified
    )
    return claims.filter(scope)


class DevAuthorizationServer(AuthorizationServer):
    """authlib's `AuthorizationServer` with the dev provider's storage and responses.

    Args:
        config: the provider configuration (issuer must be set).
        store: where codes and tokens live.
        keys: the signing keys.
    """

    def __init__(self, config: ProviderConfig, store: MemoryStore, keys: SigningKeys) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        if not config.issuer:
            raise ValueError("ProviderConfig.issuer must be set before building the app")
        self.issuer: str = config.issuer
        self.config = config
        self.store = store
        self.keys = keys
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                lambda **_: generate_token(42),
                expires_generator=lambda client, grant_type: config.token_lifetime,
            ),
        )
        self.register_grant(
            CodeGrant, [StrictCodeChallenge(config.require_pkce), DevOpenIDCode(self)]
        )

    def query_client(self, client_id: str) -> RegisteredClient | None:
        client = self.config.client(client_id)
        return RegisteredClient(client) if client else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        code: AuthorizationCode = request.authorization_code
        self.store.save_token(
            AccessToken(
                token=token["access_token"],
                client_id=request.client.get_client_id(),
                subject=request.user.subject,
                scope=token.get("scope", ""),
                expires_at=time.time() + token.get("expires_in", self.config.token_lifetime),
            ),
            code=code.code,
        )

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        # The handlers always pass a DevRequest; anything else is a wiring mistake.
        if not isinstance(request, DevRequest):
            raise TypeError(f"expected DevRequest, got {type(request).__name__}")
        return request

    def handle_response(
        self, status_code: int, payload: Any, headers: Sequence[tuple[str, str]]
    ) -> Response:
        body = json.dumps(payload) if isinstance(payload, dict) else payload
        return Response(body, status_code=status_code, headers=dict(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        # authlib calls this after client authentication; the dev provider has no listeners.
        pass
