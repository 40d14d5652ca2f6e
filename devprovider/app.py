"""The Starlette application: discovery, JWKS, authorize, token and userinfo endpoints."""

from __future__ import annotations

from urllib.parse import parse_qsl

from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oauth2.rfc6749.errors import InsecureTransportError, InvalidRequestError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from devprovider.config import ProviderConfig
from devprovider.keys import ALGORITHM, SigningKeys
from devprovider.pages import chooser_page
from devprovider.server import (
    CONFIDENTIAL_AUTH_METHODS,
    SCOPES,
    DevAuthorizationServer,
    DevRequest,
    user_info,
)
from devprovider.store import MemoryStore

# Answers that carry codes or tokens must not be cached (RFC 6749 section 5.1).
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _error(status: int, error: str, description: str, **headers: str) -> JSONResponse:
    """An OAuth-shaped JSON error for the endpoints authlib does not answer (userinfo)."""
    body = {"error": error, "error_description": description}
    return JSONResponse(body, status_code=status, headers={**_NO_STORE, **headers})


async def _form_pairs(request: Request) -> list[tuple[str, str]]:
    """The urlencoded body, parsed here: Starlette's form parser needs python-multipart,
    which linehub does not otherwise depend on, and OAuth bodies are never multipart."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise InvalidRequestError("The body must be application/x-www-form-urlencoded.")
    try:
        text = (await request.body()).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRequestError("The body is not UTF-8.") from exc
    return parse_qsl(text, keep_blank_values=True)


def _unavailable(status: int) -> Response:
    # What a real outage looks like from the client's side: a proxy's plain-text page, not
    # an OAuth JSON error. A client that assumes JSON on every answer finds out here.
    headers = {"Retry-After": "30"} if status == 503 else {}
    return PlainTextResponse(f"{status} dev provider is down", status_code=status, headers=headers)


def create_provider_app(config: ProviderConfig) -> Starlette:
    """Build the provider as an ASGI app.

    Args:
        config: clients, users and switches; `config.issuer` must be set and must be the
            URL the app is reached at (it is compared by relying parties).

    Example:
        >>> config = ProviderConfig(issuer="http://127.0.0.1:9000", clients=[...])
        >>> app = create_provider_app(config)
        >>> config.behaviour.wrong_audience = True  # the next ID token is for someone else
    """
    server = DevAuthorizationServer(config, MemoryStore(), SigningKeys())
    base = server.issuer.rstrip("/")

    def discovery(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "issuer": server.issuer,
                "authorization_endpoint": f"{base}/authorize",
                "token_endpoint": f"{base}/token",
                "userinfo_endpoint": f"{base}/userinfo",
                "jwks_uri": f"{base}/jwks",
                "response_types_supported": ["code"],
                "response_modes_supported": ["query"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": [ALGORITHM],
                "scopes_supported": list(SCOPES),
                "token_endpoint_auth_methods_supported": [*CONFIDENTIAL_AUTH_METHODS, "none"],
                "code_challenge_methods_supported": ["S256"],
                "claims_supported": [
                    "sub",
                    "iss",
                    "aud",
                    "exp",
                    "iat",
                    "auth_time",
                    "nonce",
                    "at_hash",
                    "name",
                    "email",
                    "email_verified",
                ],
            }
        )

    def jwks(request: Request) -> JSONResponse:
        return JSONResponse(server.keys.jwks())

    async def authorize(request: Request) -> Response:
        params = list(request.query_params.multi_items())
        try:
            if request.method == "POST":
                params += await _form_pairs(request)
            oauth_request = DevRequest(
                request.method,
                str(request.url),
                request.headers,
                params=params,
                behaviour=config.behaviour.snapshot(),
            )
        except (InvalidRequestError, InsecureTransportError) as error:
            return server.handle_error_response(None, error)

        data = oauth_request.payload.data
        cancelled = oauth_request.behaviour.user_cancels or "deny" in data
        hint = data.get("login_hint")
        user = config.user(hint) if hint and not cancelled else None
        try:
            # Validates client, redirect_uri, scope, PKCE, nonce and prompt before anything
            # is shown; errors go back to the client once its redirect_uri is trusted.
            grant = server.get_consent_grant(oauth_request, end_user=user)
        except OAuth2Error as error:
            return server.handle_error_response(oauth_request, error)

        if cancelled:
            return server.create_authorization_response(oauth_request, None, grant)
        if user is None:
            notice = f"No user with subject {hint!r}; pick one." if hint else None
            page = chooser_page(
                str(request.url_for("authorize")), params, config.users, notice=notice
            )
            return HTMLResponse(page, headers=_NO_STORE)
        return server.create_authorization_response(oauth_request, user, grant)

    async def token(request: Request) -> Response:
        behaviour = config.behaviour.snapshot()
        if behaviour.provider_down is not None:
            return _unavailable(behaviour.provider_down)
        try:
            form = await _form_pairs(request)
            oauth_request = DevRequest(
                "POST",
                str(request.url),
                request.headers,
                params=form,
                form=form,
                behaviour=behaviour,
            )
        except (InvalidRequestError, InsecureTransportError) as error:
            return server.handle_error_response(None, error)
        return server.create_token_response(oauth_request)

    def userinfo(request: Request) -> Response:
        behaviour = config.behaviour.snapshot()
        if behaviour.provider_down is not None:
            return _unavailable(behaviour.provider_down)
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        challenge = 'Bearer error="invalid_token"'
        if scheme.lower() != "bearer" or not value.strip():
            return _error(
                401, "invalid_token", "Bearer token required.", **{"WWW-Authenticate": "Bearer"}
            )
        access = server.store.find_token(value.strip())
        user = config.user(access.subject) if access else None
        if access is None or user is None:
            return _error(
                401,
                "invalid_token",
                "Unknown or expired access token.",
                **{"WWW-Authenticate": challenge},
            )
        return JSONResponse(dict(user_info(user, access.scope)), headers=_NO_STORE)

    routes = [
        Route("/.well-known/openid-configuration", discovery),
        Route("/jwks", jwks),
        Route("/authorize", authorize, methods=["GET", "POST"], name="authorize"),
        Route("/token", token, methods=["POST"]),
        Route("/userinfo", userinfo, methods=["GET", "POST"]),
    ]
    app = Starlette(routes=routes)
    # For poking at in a debugger (store, keys); nothing relies on it.
    app.state.authorization_server = server
    return app
