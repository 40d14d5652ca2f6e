"""What the provider refuses: the checks a relying party's mistakes must run into."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
import time_machine
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError

from tests.devprovider.conftest import Rig
from tests.devprovider.flows import (
    CALLBACK,
    CLIENT_ID,
    PUBLIC_CLIENT_ID,
    Flow,
    authorize,
    confidential_client,
    exchange,
    get_code,
    get_userinfo,
)


async def test_a_pkce_verifier_mismatch_is_invalid_grant(
    metadata: dict[str, Any], browser: httpx.AsyncClient
) -> None:
    flow = Flow.new()
    code = await get_code(browser, metadata, flow)
    async with confidential_client() as client:
        with pytest.raises(OAuthError) as refused:
            await client.fetch_token(
                metadata["token_endpoint"], code=code, code_verifier=generate_token(48)
            )
    assert refused.value.error == "invalid_grant"


async def test_a_missing_pkce_verifier_is_refused(rig: Rig) -> None:
    flow = Flow.new()
    code = await get_code(rig.browser, rig.metadata, flow)
    response = await exchange(rig.http, rig.metadata, code, "")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_a_code_cannot_be_used_twice_and_the_replay_revokes_its_token(rig: Rig) -> None:
    flow = Flow.new()
    code = await get_code(rig.browser, rig.metadata, flow)
    first = await exchange(rig.http, rig.metadata, code, flow.verifier)
    second = await exchange(rig.http, rig.metadata, code, flow.verifier)

    assert first.status_code == 200
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"
    userinfo = await get_userinfo(rig.http, rig.metadata, first.json()["access_token"])
    assert userinfo.status_code == 401


async def test_concurrent_redemptions_of_one_code_have_one_winner(rig: Rig) -> None:
    flow = Flow.new()
    code = await get_code(rig.browser, rig.metadata, flow)
    answers = await asyncio.gather(
        *(exchange(rig.http, rig.metadata, code, flow.verifier) for _ in range(8))
    )
    assert sorted(a.status_code for a in answers) == [200] + [400] * 7


async def test_a_code_expires_after_a_minute(rig: Rig) -> None:
    flow = Flow.new()
    code = await get_code(rig.browser, rig.metadata, flow)
    with time_machine.travel(time.time() + 61, tick=True):
        response = await exchange(rig.http, rig.metadata, code, flow.verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_the_token_request_must_repeat_the_redirect_uri(rig: Rig) -> None:
    flow = Flow.new()
    code = await get_code(rig.browser, rig.metadata, flow)
    response = await exchange(
        rig.http, rig.metadata, code, flow.verifier, redirect_uri="http://app.test/elsewhere"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_another_clients_code_is_refused_and_left_for_its_owner(rig: Rig) -> None:
    flow = Flow.new()
    code = await get_code(rig.browser, rig.metadata, flow)
    stolen = await exchange(
        rig.http, rig.metadata, code, flow.verifier, client_id=PUBLIC_CLIENT_ID, client_secret=""
    )
    owned = await exchange(rig.http, rig.metadata, code, flow.verifier)
    assert stolen.status_code == 400
    assert stolen.json()["error"] == "invalid_grant"
    assert owned.status_code == 200


async def test_a_wrong_client_secret_is_invalid_client(rig: Rig) -> None:
    flow = Flow.new()
    code = await get_code(rig.browser, rig.metadata, flow)
    response = await rig.http.post(
        rig.metadata["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": flow.verifier,
        },
        auth=(CLIENT_ID, "not-the-secret"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_a_token_request_must_be_form_encoded(
    metadata: dict[str, Any], http: httpx.AsyncClient
) -> None:
    response = await http.post(metadata["token_endpoint"], json={"grant_type": "x"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "openid offline_access"}, "invalid_scope"),
        ({"prompt": "none", "login_hint": None}, "login_required"),
    ],
    ids=["no-pkce", "plain-pkce", "pkce-method-missing", "implicit", "bad-scope", "prompt-none"],
)
async def test_a_bad_authorization_request_returns_an_error_to_the_client(
    metadata: dict[str, Any],
    browser: httpx.AsyncClient,
    change: dict[str, str | None],
    error: str,
) -> None:
    flow = Flow.new()
    params = {**flow.params(login_hint="alice"), **change}
    sent = {key: value for key, value in params.items() if value is not None}
    answer = await authorize(browser, metadata, sent)
    assert answer["error"] == error
    assert answer["state"] == flow.state
    assert "code" not in answer


async def test_a_replayed_nonce_is_refused(
    metadata: dict[str, Any], browser: httpx.AsyncClient
) -> None:
    first = Flow.new()
    await get_code(browser, metadata, first)
    again = Flow.new()
    again.nonce = first.nonce
    answer = await authorize(browser, metadata, again.params(login_hint="alice"))
    assert answer["error"] == "invalid_request"


@pytest.mark.parametrize(
    "change",
    [
        {"redirect_uri": "http://evil.test/callback"},
        {"redirect_uri": CALLBACK + "/more"},
        {"redirect_uri": None},
        {"client_id": "unknown-client"},
    ],
    ids=["foreign-uri", "prefix-match", "no-uri", "unknown-client"],
)
async def test_an_untrusted_redirect_is_never_followed(
    metadata: dict[str, Any], browser: httpx.AsyncClient, change: dict[str, str | None]
) -> None:
    flow = Flow.new()
    params = {**flow.params(login_hint="alice"), **change}
    sent = {key: value for key, value in params.items() if value is not None}
    response = await browser.get(metadata["authorization_endpoint"], params=sent)
    assert response.status_code in (400, 401)
    assert response.url.host == "127.0.0.1"
    assert response.json()["error"] in ("invalid_request", "invalid_client")


async def test_a_public_client_cannot_skip_pkce(
    metadata: dict[str, Any], browser: httpx.AsyncClient
) -> None:
    flow = Flow.new()
    params = flow.params(PUBLIC_CLIENT_ID, login_hint="alice")
    del params["code_challenge"], params["code_challenge_method"]
    answer = await authorize(browser, metadata, params)
    assert answer["error"] == "invalid_request"


async def test_without_openid_scope_there_is_no_id_token(rig: Rig) -> None:
    flow = Flow.new()
    params = flow.params(login_hint="alice", scope="profile")
    code = (await authorize(rig.browser, rig.metadata, params))["code"]
    response = await exchange(rig.http, rig.metadata, code, flow.verifier)
    assert response.status_code == 200
    assert "id_token" not in response.json()
    assert response.json()["scope"] == "profile"
