"""How a relying party talks to the dev provider, in small steps the tests compose."""

from __future__ import annotations

import secrets
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import httpx
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import KeySet, KeySetSerialization
from joserfc.jwt import JWTClaimsRegistry, Token

from devprovider import RunningProvider

if TYPE_CHECKING:
    from tests.devprovider.conftest import Rig

# authlib 1.9 warns on import that it would rather drive httpx2 than httpx; the clients
# still work on httpx, which is what linehub pins. Silence exactly that, here, once.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="The httpx module is deprecated")
    from authlib.integrations.httpx_client import AsyncOAuth2Client
    from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App

CALLBACK = "http://app.test/callback"
CLIENT_ID = "linehub"
CLIENT_SECRET = "linehub-test-secret"
PUBLIC_CLIENT_ID = "linehub-mobile"
SCOPE = "openid profile email"


@dataclass
class Flow:
    """One authorization request's secrets, as a relying party keeps them."""

    state: str
    nonce: str
    verifier: str

    @classmethod
    def new(cls) -> Flow:
        return cls(secrets.token_urlsafe(16), secrets.token_urlsafe(16), secrets.token_urlsafe(48))

    def params(self, client_id: str = CLIENT_ID, **extra: str) -> dict[str, str]:
        return {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": CALLBACK,
            "scope": SCOPE,
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": create_s256_code_challenge(self.verifier),
            "code_challenge_method": "S256",
            **extra,
        }


async def authorize(
    browser: httpx.AsyncClient, metadata: dict[str, Any], params: dict[str, str]
) -> httpx.QueryParams:
    """Send the browser to the authorization endpoint; the query the callback received."""
    response = await browser.get(metadata["authorization_endpoint"], params=params)
    assert response.url.host == "app.test", response.text
    return response.url.params


async def get_code(
    browser: httpx.AsyncClient,
    metadata: dict[str, Any],
    flow: Flow,
    client_id: str = CLIENT_ID,
    subject: str = "alice",
) -> str:
    params = await authorize(browser, metadata, flow.params(client_id, login_hint=subject))
    assert params["state"] == flow.state
    return params["code"]


async def exchange(
    http: httpx.AsyncClient,
    metadata: dict[str, Any],
    code: str,
    verifier: str,
    **overrides: str,
) -> httpx.Response:
    """A token request with client_secret_post; `overrides` replace or add form fields."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "code_verifier": verifier,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        **overrides,
    }
    return await http.post(metadata["token_endpoint"], data=form)


async def honest_tokens(rig: Rig, flow: Flow, subject: str = "alice") -> dict[str, Any]:
    """`subject` logs in and the confidential client redeems the code; the token response."""
    code = await get_code(rig.browser, rig.metadata, flow, subject=subject)
    response = await exchange(rig.http, rig.metadata, code, flow.verifier)
    assert response.status_code == 200, response.text
    return response.json()


async def get_userinfo(
    http: httpx.AsyncClient, metadata: dict[str, Any], access_token: str
) -> httpx.Response:
    """The userinfo endpoint's answer to a bearer token."""
    return await http.get(
        metadata["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}
    )


def confidential_client(**kwargs: Any) -> AsyncOAuth2Client:
    """authlib's httpx client as the confidential client: S256 PKCE, redirecting to CALLBACK."""
    return AsyncOAuth2Client(
        CLIENT_ID, CLIENT_SECRET, redirect_uri=CALLBACK, code_challenge_method="S256", **kwargs
    )


def decode_id_token(id_token: str, jwks: dict[str, Any]) -> Token:
    """Signature checked against the published JWKS, claims not yet checked."""
    key_set = KeySet.import_key_set(cast(KeySetSerialization, jwks))
    return jwt.decode(id_token, key_set, algorithms=["RS256"])


def claims_registry(issuer: str, client_id: str, nonce: str) -> JWTClaimsRegistry:
    """What a careful relying party demands of an ID token."""
    return JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        nonce={"essential": True, "value": nonce},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
    )


def relying_party(provider: RunningProvider) -> StarletteOAuth2App:
    """authlib's Starlette client, registered the way linehub registers a provider."""
    oauth = OAuth()
    app = oauth.register(
        "dev",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        server_metadata_url=provider.metadata_url,
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256"},
    )
    assert isinstance(app, StarletteOAuth2App)
    return app
