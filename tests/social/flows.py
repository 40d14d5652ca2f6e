"""Social flows in small steps over real HTTP: start, the browser's trip, complete."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.helpers import DEMO_PASSWORD, LOGIN

APP = "http://app.test/done"
ANNA = "9031234567"
BORIS = "9161112233"
# provider id -> (client id, secret) registered at the dev provider and on the hubs;
# `pub` has no secret: a public client, protected by PKCE alone
CLIENTS: dict[str, tuple[str, str | None]] = {
    "idp": ("linehub", "linehub-idp-secret"),
    "idp2": ("linehub-two", "linehub-idp2-secret"),
    "plain": ("linehub-plain", "linehub-plain-secret"),
    "pub": ("linehub-public", None),
}
# `plain` reads the account from userinfo; the dev provider puts `sub` there only under
# the `openid` scope (any ID token it adds is ignored on the OAuth 2.0 path)
PLAIN_SCOPE = "openid profile"
# subject, name, e-mail at the provider; the twin shares Anna's e-mail on purpose
USERS = [
    ("anna-sub", "Anna at IdP", "anna@example.test"),
    ("boris-sub", "Boris at IdP", "boris@example.test"),
    ("anna-twin", "Not Anna", "anna@example.test"),
    ("stranger", "Stranger", "stranger@example.test"),
]

START_LOGIN = """
mutation S($p: ID!, $r: String!, $s: String) {
  startSocialLogin(input: {provider: $p, redirectUri: $r, state: $s}) {
    authorizationUrl errors { code message field }
  }
}
"""
START_BINDING = """
mutation S($p: ID!, $r: String!, $s: String) {
  startSocialBinding(input: {provider: $p, redirectUri: $r, state: $s}) {
    authorizationUrl errors { code message field }
  }
}
"""
COMPLETE = """
mutation C($c: String!) {
  completeSocialLogin(input: {code: $c}) {
    accessToken refreshToken
    session { id authMethod accessCap mustSetPassword current }
    errors { code message field }
  }
}
"""
UNBIND = """
mutation U($id: ID!) {
  unbindSocialIdentity(input: {identityId: $id}) {
    unboundIdentityId user { socialIdentities { id } } errors { code message field }
  }
}
"""
IDENTITIES = """
{ viewer { user { name login
  socialIdentities { id displayName boundAt provider { id name kind } } } } }
"""
PROVIDERS = "{ socialProviders { id name kind } }"


@dataclass
class Hub:
    """One running linehub server, spoken to over real HTTP; `log` is its output."""

    http: httpx.AsyncClient
    log: Path | None = None

    def log_mark(self) -> int:
        """Where the server's log ends now; `logged_since` reads only what follows."""
        return self.log.stat().st_size if self.log else 0

    def logged_since(self, mark: int) -> str:
        """What the server logged after `mark` (each record is flushed as it is written)."""
        if self.log is None:
            return ""
        with self.log.open("rb") as file:
            file.seek(mark)
            return file.read().decode(errors="replace")

    @property
    def base(self) -> str:
        return str(self.http.base_url).rstrip("/")

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def token(self, login: str) -> str:
        result = await self.gql(LOGIN, {"login": login, "password": DEMO_PASSWORD})
        payload = result["data"]["login"]
        assert payload["errors"] == [], payload
        return payload["accessToken"]

    async def start(
        self,
        provider: str = "idp",
        *,
        token: str | None = None,
        redirect_uri: str = APP,
        state: str | None = None,
    ) -> dict[str, Any]:
        """startSocialBinding with a token, startSocialLogin without; the payload."""
        query, name = (
            (START_BINDING, "startSocialBinding") if token else (START_LOGIN, "startSocialLogin")
        )
        variables = {"p": provider, "r": redirect_uri, "s": state}
        return (await self.gql(query, variables, token=token))["data"][name]

    async def authorization_url(self, provider: str = "idp", **kwargs: Any) -> str:
        payload = await self.start(provider, **kwargs)
        assert payload["errors"] == [], payload
        return payload["authorizationUrl"]

    async def complete(self, code: str, token: str | None = None) -> dict[str, Any]:
        return (await self.gql(COMPLETE, {"c": code}, token=token))["data"]["completeSocialLogin"]

    async def identities(self, token: str) -> list[dict[str, Any]]:
        result = await self.gql(IDENTITIES, token=token)
        return result["data"]["viewer"]["user"]["socialIdentities"]


def as_user(authorization_url: str, subject: str) -> str:
    """The authorization URL with `login_hint`: the dev provider logs that user in."""
    return str(httpx.URL(authorization_url).copy_add_param("login_hint", subject))


async def to_app(browser: httpx.AsyncClient, url: str) -> httpx.QueryParams:
    """Follow redirects to the app; the query it was sent (`code`, or `error`)."""
    response = await browser.get(url)
    assert response.url.host == "app.test", (response.status_code, response.text[:500])
    return response.url.params


async def provider_redirect(browser: httpx.AsyncClient, url: str) -> httpx.URL:
    """The hub callback URL the provider sends the browser to, not yet followed."""
    response = await browser.get(url, follow_redirects=False)
    assert response.status_code in (302, 303), response.text[:500]
    return httpx.URL(response.headers["location"])


async def code_for(
    hub: Hub, browser: httpx.AsyncClient, subject: str, provider: str = "idp", **start: Any
) -> str:
    """Start on `hub`, log in at the provider as `subject`, the one-time code for the app."""
    url = await hub.authorization_url(provider, **start)
    params = await to_app(browser, as_user(url, subject))
    assert "code" in params, dict(params)
    return params["code"]


async def bind(hub: Hub, browser: httpx.AsyncClient, token: str, subject: str) -> dict[str, Any]:
    """A whole binding: start with `token`, the provider, completeSocialLogin with `token`."""
    code = await code_for(hub, browser, subject, token=token)
    return await hub.complete(code, token=token)


async def social_login(
    hub: Hub, browser: httpx.AsyncClient, subject: str, provider: str = "idp"
) -> dict[str, Any]:
    code = await code_for(hub, browser, subject, provider)
    return await hub.complete(code)
