"""The provider side of a flow, through authlib: authorization URL, code exchange, who it is.

Every check of an ID token is asked for explicitly rather than left to authlib's
defaults: authlib checks `aud` only indirectly (through `azp`) unless told the audience,
so the claims options below name `iss`, `aud`, `sub`, `exp`, `iat` and `nonce`, and the
signature is checked with the provider's JWKS under an allow-list of asymmetric
algorithms (never `none`, never HMAC with a public key as the secret).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.integrations.base_client import OAuthError
from joserfc.errors import JoseError

from auth.social.providers import Provider, UserinfoMapping

log = logging.getLogger("linehub.social")

SIGNING_ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)
# clock skew between us and the provider; OpenID Connect leaves it to the relying party
LEEWAY = 60
DISCOVERY_SUFFIX = "/.well-known/openid-configuration"


def _http_errors() -> tuple[type[Exception], ...]:
    """Network and HTTP status errors of whichever client authlib drives (httpx2 or httpx)."""
    errors: list[type[Exception]] = [httpx.HTTPError]
    try:
        # optional and not installed here, so mypy has no module to read
        import httpx2  # type: ignore[import-not-found]

        errors.append(httpx2.HTTPError)
    except ImportError:
        pass
    return tuple(errors)


HTTP_ERRORS = _http_errors()
# a discovery document or an authorization URL that cannot be had, for whatever reason
_UNREACHABLE: tuple[type[Exception], ...] = (*HTTP_ERRORS, ValueError)
# ...and RuntimeError: authlib's word for "the metadata names no authorization endpoint"
_NO_URL: tuple[type[Exception], ...] = (*_UNREACHABLE, RuntimeError)


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered with a server error."""


class ProviderRefused(Exception):
    """The provider answered, but not with what the flow needs (an OAuth error, say)."""


class InvalidIdToken(Exception):
    """The ID token failed a check: signature, iss, aud, exp, iat or nonce."""


@dataclass(frozen=True)
class ProviderAccount:
    """Who the provider says the person is: the (issuer, subject) key and a display name."""

    issuer: str
    subject: str
    display_name: str | None


async def load_metadata(provider: Provider) -> dict[str, Any]:
    """The provider's discovery document, fetched once per process and checked.

    OpenID Connect Discovery 4.3: the issuer must be the prefix of the metadata URL, so a
    document served from one place cannot speak for another issuer.
    """
    try:
        metadata = await provider.client.load_server_metadata()
    except _UNREACHABLE as exc:
        raise ProviderUnavailable(f"metadata: {exc!r}") from exc
    issuer = metadata.get("issuer")
    if not isinstance(issuer, str) or provider.metadata_url != issuer.rstrip("/") + (
        DISCOVERY_SUFFIX
    ):
        raise ProviderUnavailable(f"metadata issuer {issuer!r} does not match its URL")
    offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    metadata["id_token_signing_alg_values_supported"] = [
        alg for alg in offered if alg in SIGNING_ALGORITHMS
    ] or ["RS256"]
    return metadata


async def authorization_url(
    provider: Provider, callback_uri: str, state: str, verifier: str, nonce: str | None
) -> str:
    """The URL to send the browser to: state, S256 PKCE challenge, and nonce for OIDC."""
    if provider.openid:
        await load_metadata(provider)
    extra = {"nonce": nonce} if nonce else {}
    try:
        found = await provider.client.create_authorization_url(
            callback_uri, state=state, code_verifier=verifier, **extra
        )
    except _NO_URL as exc:
        raise ProviderUnavailable(f"authorization url: {exc!r}") from exc
    return str(found["url"])


async def exchange_code(
    provider: Provider,
    code: str,
    verifier: str,
    callback_uri: str,
    callback: Mapping[str, str],
) -> dict[str, Any]:
    """Trade the authorization code (with the PKCE verifier) for tokens."""
    extra = {name: callback[name] for name in provider.callback_params if name in callback}
    try:
        token = await provider.client.fetch_access_token(
            redirect_uri=callback_uri, code=code, code_verifier=verifier, **extra
        )
    except OAuthError as exc:
        raise ProviderRefused(f"token endpoint: {exc.error}") from exc
    except HTTP_ERRORS as exc:
        raise ProviderUnavailable(f"token endpoint: {exc!r}") from exc
    except ValueError as exc:  # a body that is not a JSON object
        raise ProviderRefused(f"token endpoint: {exc}") from exc
    return dict(token)


async def identify(
    provider: Provider, token: Mapping[str, Any], nonce: str | None
) -> ProviderAccount:
    """The account behind the tokens: from the verified ID token, or from userinfo."""
    if provider.openid:
        return await _from_id_token(provider, token, nonce)
    return await _from_userinfo(provider, token)


def id_token_claims_options(issuer: str, client_id: str, nonce: str) -> dict[str, Any]:
    """What an ID token must carry, each claim named (a fresh dict: authlib edits it)."""
    return {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
        "nonce": {"essential": True, "value": nonce},
    }


async def _from_id_token(
    provider: Provider, token: Mapping[str, Any], nonce: str | None
) -> ProviderAccount:
    if not token.get("id_token"):
        raise InvalidIdToken("the token response has no id_token")
    if not nonce:
        raise InvalidIdToken("the attempt has no nonce")
    metadata = await load_metadata(provider)
    issuer = metadata["issuer"]
    options = id_token_claims_options(issuer, provider.client.client_id, nonce)
    try:
        claims = await provider.client.parse_id_token(
            dict(token), nonce=nonce, claims_options=options, leeway=LEEWAY
        )
    except HTTP_ERRORS as exc:  # the JWKS could not be fetched
        raise ProviderUnavailable(f"jwks: {exc!r}") from exc
    except (JoseError, ValueError, TypeError, KeyError, RuntimeError) as exc:
        # RuntimeError: authlib's word for "no key with this kid" in JWKS given inline
        raise InvalidIdToken(f"{type(exc).__name__}: {exc}") from exc
    if claims is None or not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise InvalidIdToken("no subject")
    return ProviderAccount(issuer, claims["sub"], display_name(claims, UserinfoMapping()))


async def _from_userinfo(provider: Provider, token: Mapping[str, Any]) -> ProviderAccount:
    mapping = provider.userinfo
    access_token = token.get("access_token")
    if not access_token or not provider.userinfo_url or not provider.issuer:
        raise ProviderRefused("no access token")
    client = provider.client
    request: dict[str, Any] = {"withhold_token": True}
    if mapping.auth == "oauth":
        request["headers"] = {"Authorization": f"OAuth {access_token}"}
    elif mapping.auth == "form":
        request["data"] = {"client_id": client.client_id, "access_token": access_token}
    else:
        request = {"token": dict(token)}
    try:
        response = await client.request(mapping.method, provider.userinfo_url, **request)
    except HTTP_ERRORS as exc:
        raise ProviderUnavailable(f"userinfo: {exc!r}") from exc
    if response.status_code >= 500:
        raise ProviderUnavailable(f"userinfo: HTTP {response.status_code}")
    try:
        data = response.json() if response.status_code == 200 else None
    except ValueError:
        data = None
    subject = _lookup(data, mapping.subject) if isinstance(data, dict) else None
    if subject is None or isinstance(subject, bool) or str(subject).strip() == "":
        raise ProviderRefused(f"userinfo: HTTP {response.status_code} without a subject")
    return ProviderAccount(provider.issuer, str(subject), display_name(data, mapping))


def _lookup(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def display_name(data: Any, mapping: UserinfoMapping) -> str | None:
    """The first non-empty name alternative, for showing only (never for matching)."""
    for parts in mapping.names:
        values = [_lookup(data, path) for path in parts]
        text = " ".join(str(v).strip() for v in values if isinstance(v, str | int) and str(v))
        if text.strip():
            return text.strip()[:200]
    return None


__all__ = [
    "InvalidIdToken",
    "ProviderAccount",
    "ProviderRefused",
    "ProviderUnavailable",
    "authorization_url",
    "exchange_code",
    "identify",
    "load_metadata",
]
