"""Each misbehaviour switch yields the broken answer it names, and authlib's client balks."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
import pytest
from authlib.integrations.base_client import OAuthError
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)
from starlette.requests import Request

from devprovider import FOREIGN_AUDIENCE, WRONG_NONCE, Behaviour
from devprovider.config import wrong_issuer_for
from tests.devprovider.conftest import Rig
from tests.devprovider.flows import (
    CLIENT_ID,
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


async def _claims_and_rejection(rig: Rig) -> tuple[dict[str, Any], JoseError, JoseError]:
    """The broken token's claims, the careful check's error, and authlib's client's error."""
    flow = Flow.new()
    token = await honest_tokens(rig, flow)
    claims = decode_id_token(token["id_token"], rig.jwks).claims
    with pytest.raises(JoseError) as careful:
        claims_registry(rig.provider.issuer, CLIENT_ID, flow.nonce).validate(claims)
    with pytest.raises(JoseError) as authlib_client:
        await relying_party(rig.provider).parse_id_token(token, nonce=flow.nonce)
    return claims, careful.value, authlib_client.value


async def test_wrong_audience_addresses_the_id_token_to_another_client(rig: Rig) -> None:
    rig.provider.behaviour.wrong_audience = True
    claims, careful, client = await _claims_and_rejection(rig)
    assert claims["aud"] == FOREIGN_AUDIENCE
    assert isinstance(careful, InvalidClaimError)
    assert careful.claim == "aud"
    # authlib checks `azp` first, which a token for someone else would need: either way, no.
    assert isinstance(client, InvalidClaimError | MissingClaimError)
    assert client.claim in ("aud", "azp")


async def test_expired_id_token_expired_an_hour_ago(rig: Rig) -> None:
    rig.provider.behaviour.expired_id_token = True
    claims, careful, client = await _claims_and_rejection(rig)
    assert claims["exp"] <= time.time() - 3000
    assert claims["iat"] < claims["exp"]
    assert isinstance(careful, ExpiredTokenError)
    assert isinstance(client, ExpiredTokenError)


async def test_wrong_nonce_returns_a_nonce_nobody_sent(rig: Rig) -> None:
    rig.provider.behaviour.nonce = "wrong"
    claims, careful, client = await _claims_and_rejection(rig)
    assert claims["nonce"] == WRONG_NONCE
    assert isinstance(careful, InvalidClaimError)
    assert careful.claim == "nonce"
    assert isinstance(client, InvalidClaimError)
    assert client.claim == "nonce"


async def test_omitted_nonce_leaves_the_claim_out(rig: Rig) -> None:
    rig.provider.behaviour.nonce = "omit"
    claims, careful, client = await _claims_and_rejection(rig)
    assert "nonce" not in claims
    assert isinstance(careful, MissingClaimError)
    assert isinstance(client, MissingClaimError)


async def test_wrong_issuer_is_a_near_miss_of_the_real_one(rig: Rig) -> None:
    rig.provider.behaviour.wrong_issuer = True
    claims, careful, client = await _claims_and_rejection(rig)
    assert claims["iss"] == wrong_issuer_for(rig.provider.issuer)
    assert claims["iss"].startswith(rig.provider.issuer)
    assert isinstance(careful, InvalidClaimError)
    assert careful.claim == "iss"
    assert isinstance(client, InvalidClaimError)
    assert client.claim == "iss"


async def test_foreign_signing_key_fails_the_signature_under_the_published_kid(rig: Rig) -> None:
    rig.provider.behaviour.foreign_signing_key = True
    flow = Flow.new()
    token = await honest_tokens(rig, flow)

    assert decode_id_token_header(token["id_token"])["kid"] == rig.jwks["keys"][0]["kid"]
    with pytest.raises(BadSignatureError):
        decode_id_token(token["id_token"], rig.jwks)
    with pytest.raises(BadSignatureError):
        await relying_party(rig.provider).parse_id_token(token, nonce=flow.nonce)


def decode_id_token_header(id_token: str) -> dict[str, Any]:
    encoded = id_token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


@pytest.mark.parametrize("status", [500, 503])
async def test_provider_down_fails_the_token_and_userinfo_endpoints(rig: Rig, status: int) -> None:
    flow = Flow.new()
    token = await honest_tokens(rig, flow)
    code = await get_code(rig.browser, rig.metadata, flow_two := Flow.new())
    rig.provider.behaviour.provider_down = status

    raw = await exchange(rig.http, rig.metadata, code, flow_two.verifier)
    userinfo = await get_userinfo(rig.http, rig.metadata, token["access_token"])
    assert raw.status_code == userinfo.status_code == status
    assert raw.headers["content-type"].startswith("text/plain")

    async with confidential_client() as client:
        with pytest.raises(httpx.HTTPStatusError) as failed:
            await client.fetch_token(
                rig.metadata["token_endpoint"], code=code, code_verifier=flow_two.verifier
            )
    assert failed.value.response.status_code == status


async def test_provider_down_leaves_discovery_and_login_up(rig: Rig) -> None:
    rig.provider.behaviour.provider_down = 503
    assert (await rig.browser.get(rig.provider.metadata_url)).status_code == 200
    assert (await rig.browser.get(rig.metadata["jwks_uri"])).status_code == 200
    assert await get_code(rig.browser, rig.metadata, Flow.new())


async def test_user_cancels_sends_access_denied_with_the_state(rig: Rig) -> None:
    rig.provider.behaviour.user_cancels = True
    flow = Flow.new()
    answer = await authorize(rig.browser, rig.metadata, flow.params(login_hint="alice"))
    assert answer["error"] == "access_denied"
    assert answer["state"] == flow.state
    assert "code" not in answer


async def test_the_cancel_button_on_the_chooser_is_the_same_refusal(
    metadata: dict[str, Any], browser: httpx.AsyncClient
) -> None:
    flow = Flow.new()
    answer = await authorize(browser, metadata, flow.params(deny="1"))
    assert answer["error"] == "access_denied"
    assert answer["state"] == flow.state


async def test_authlibs_starlette_client_reports_the_cancellation(rig: Rig) -> None:
    rig.provider.behaviour.user_cancels = True
    flow = Flow.new()
    callback = await rig.browser.get(
        rig.metadata["authorization_endpoint"], params=flow.params(login_hint="alice")
    )
    # The request linehub's callback route would receive.
    request = Request(
        {"type": "http", "method": "GET", "query_string": callback.url.query, "headers": []}
    )
    with pytest.raises(OAuthError) as refused:
        await relying_party(rig.provider).authorize_access_token(request)
    assert refused.value.error == "access_denied"


async def test_switches_apply_per_request_and_reset_restores_honesty(rig: Rig) -> None:
    flow = Flow.new()
    code = await get_code(rig.browser, rig.metadata, flow)
    # Flipped after the code was issued: what counts is the switch when the token is made.
    rig.provider.behaviour.wrong_audience = True
    rig.provider.behaviour.nonce = "omit"
    broken = (await exchange(rig.http, rig.metadata, code, flow.verifier)).json()
    assert decode_id_token(broken["id_token"], rig.jwks).claims["aud"] == FOREIGN_AUDIENCE

    rig.provider.behaviour.reset()
    assert rig.provider.behaviour == Behaviour()
    honest_flow = Flow.new()
    honest = await honest_tokens(rig, honest_flow)
    claims = decode_id_token(honest["id_token"], rig.jwks).claims
    claims_registry(rig.provider.issuer, CLIENT_ID, honest_flow.nonce).validate(claims)
