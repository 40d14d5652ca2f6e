"""The authorization code flow end to end, the way authlib's own client runs it."""

from __future__ import annotations

import asyncio
import re
from html import unescape
from typing import Any

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.oidc.core.util import create_half_hash

from devprovider import Client, ProviderConfig, serve_provider
from tests.devprovider.conftest import Rig
from tests.devprovider.flows import (
    CALLBACK,
    CLIENT_ID,
    CLIENT_SECRET,
    PUBLIC_CLIENT_ID,
    SCOPE,
    Flow,
    authorize,
    claims_registry,
    confidential_client,
    decode_id_token,
    exchange,
    get_code,
    get_userinfo,
    honest_tokens,
    relying_party,
)


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
async def test_authlib_client_completes_the_flow_and_the_id_token_verifies(
    rig: Rig, auth_method: str
) -> None:
    nonce = generate_token(20)
    verifier = generate_token(48)
    async with confidential_client(scope=SCOPE, token_endpoint_auth_method=auth_method) as client:
        url, state = client.create_authorization_url(
            rig.metadata["authorization_endpoint"],
            code_verifier=verifier,
            nonce=nonce,
            login_hint="alice",
        )
        callback = await rig.browser.get(url)
        assert callback.url.host == "app.test"
        token = await client.fetch_token(
            rig.metadata["token_endpoint"],
            authorization_response=str(callback.url),
            state=state,
            code_verifier=verifier,
        )

    assert token["token_type"] == "Bearer"
    assert token["scope"] == SCOPE
    id_token = decode_id_token(token["id_token"], rig.jwks)
    claims_registry(rig.provider.issuer, CLIENT_ID, nonce).validate(id_token.claims)
    assert id_token.header["alg"] == "RS256"
    assert id_token.header["kid"] == rig.jwks["keys"][0]["kid"]
    claims = id_token.claims
    assert claims["sub"] == "alice"
    assert claims["name"] == "Alice Example"
    assert claims["email"] == "alice@example.test"
    assert claims["exp"] > claims["iat"]
    assert claims["at_hash"] == create_half_hash(token["access_token"], "RS256").decode()


async def test_authlib_starlette_client_accepts_the_honest_id_token(rig: Rig) -> None:
    flow = Flow.new()
    token = await honest_tokens(rig, flow)
    userinfo = await relying_party(rig.provider).parse_id_token(token, nonce=flow.nonce)
    assert userinfo["sub"] == "alice"
    assert userinfo["iss"] == rig.provider.issuer


async def test_login_hint_picks_the_user(rig: Rig) -> None:
    token = await honest_tokens(rig, Flow.new(), subject="bob")
    claims = decode_id_token(token["id_token"], rig.jwks).claims
    assert (claims["sub"], claims["email"]) == ("bob", "bob@example.test")


async def test_a_developer_picks_a_user_on_the_chooser_page(
    metadata: dict[str, Any], browser: httpx.AsyncClient
) -> None:
    flow = Flow.new()
    page = await browser.get(metadata["authorization_endpoint"], params=flow.params())
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Alice Example" in page.text
    assert "Bob Example" in page.text

    # Submit the form as a browser would: its hidden fields plus the clicked button.
    form = re.search(r'<form method="get" action="([^"]+)"', page.text)
    assert form is not None
    action = unescape(form[1])
    fields = [
        (unescape(name), unescape(value))
        for name, value in re.findall(r'type="hidden" name="([^"]*)" value="([^"]*)"', page.text)
    ]
    assert 'name="login_hint" value="bob"' in page.text
    callback = await browser.get(action, params=[*fields, ("login_hint", "bob")])

    assert callback.url.host == "app.test"
    assert callback.url.params["state"] == flow.state
    assert callback.url.params["code"]


async def test_an_unknown_login_hint_falls_back_to_the_chooser(
    metadata: dict[str, Any], browser: httpx.AsyncClient
) -> None:
    flow = Flow.new()
    page = await browser.get(
        metadata["authorization_endpoint"], params=flow.params(login_hint="mallory")
    )
    assert page.status_code == 200
    assert "mallory" in page.text
    assert "Alice Example" in page.text


async def test_userinfo_answers_for_the_access_token(rig: Rig) -> None:
    token = await honest_tokens(rig, Flow.new())
    response = await get_userinfo(rig.http, rig.metadata, token["access_token"])
    assert response.status_code == 200
    assert response.json() == {
        "sub": "alice",
        "name": "Alice Example",
        "email": "alice@example.test",
        "email_verified": True,
    }


async def test_userinfo_refuses_a_missing_or_unknown_token(
    metadata: dict[str, Any], http: httpx.AsyncClient
) -> None:
    missing = await http.get(metadata["userinfo_endpoint"])
    unknown = await get_userinfo(http, metadata, "not-a-token")
    assert missing.status_code == unknown.status_code == 401
    assert unknown.headers["www-authenticate"].startswith("Bearer")
    assert unknown.json()["error"] == "invalid_token"


async def test_the_token_response_is_not_cacheable(rig: Rig) -> None:
    flow = Flow.new()
    code = await get_code(rig.browser, rig.metadata, flow)
    response = await exchange(rig.http, rig.metadata, code, flow.verifier)
    assert response.headers["cache-control"] == "no-store"


async def test_a_public_client_completes_the_flow_with_pkce_alone(rig: Rig) -> None:
    flow = Flow.new()
    code = await get_code(rig.browser, rig.metadata, flow, client_id=PUBLIC_CLIENT_ID)
    response = await exchange(
        rig.http, rig.metadata, code, flow.verifier, client_id=PUBLIC_CLIENT_ID, client_secret=""
    )
    assert response.status_code == 200, response.text
    claims = decode_id_token(response.json()["id_token"], rig.jwks).claims
    assert claims["aud"] == PUBLIC_CLIENT_ID


async def test_concurrent_logins_each_get_their_own_tokens(rig: Rig) -> None:
    flows = [Flow.new() for _ in range(8)]
    subjects = ["alice", "bob"] * 4
    tokens = await asyncio.gather(
        *(honest_tokens(rig, flow, subject) for flow, subject in zip(flows, subjects, strict=True))
    )
    seen = [decode_id_token(t["id_token"], rig.jwks).claims for t in tokens]
    assert [(c["sub"], c["nonce"]) for c in seen] == [
        (s, f.nonce) for s, f in zip(subjects, flows, strict=True)
    ]


async def test_the_redirect_keeps_the_state_even_when_it_needs_escaping(
    metadata: dict[str, Any], browser: httpx.AsyncClient
) -> None:
    flow = Flow.new()
    flow.state = "a b&c=d/é"
    params = await authorize(browser, metadata, flow.params(login_hint="alice"))
    assert params["state"] == flow.state


async def test_pkce_can_be_made_optional_for_confidential_clients_only(
    browser: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    config = ProviderConfig(
        clients=[Client(CLIENT_ID, CLIENT_SECRET, (CALLBACK,)), Client("spa", None, (CALLBACK,))],
        require_pkce=False,
    )
    async with serve_provider(config) as relaxed:
        metadata = (await http.get(relaxed.metadata_url)).json()
        flow = Flow.new()
        params = flow.params(login_hint="alice")
        del params["code_challenge"], params["code_challenge_method"]
        code = (await authorize(browser, metadata, params))["code"]
        response = await exchange(http, metadata, code, verifier="")
        public = await authorize(browser, metadata, {**params, "client_id": "spa"})

    assert response.status_code == 200, response.text
    assert public["error"] == "invalid_request"
