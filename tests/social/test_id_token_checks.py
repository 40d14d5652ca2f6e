"""Each ID token check, one at a time, on tokens signed here (no network, no provider).

The provider's metadata and JWKS are handed to authlib's client as already loaded, so
these tests see exactly which claim each refusal is about. One of them shows why the
audience is named explicitly: authlib's default checks accept a token for someone else
as long as its `azp` names us.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.errors import InvalidClaimError
from joserfc.jwk import KeySet, RSAKey

from auth.social.protocol import InvalidIdToken, ProviderAccount, identify
from auth.social.providers import OAuth, Provider, build_provider
from config import SocialProviderConfig

ISSUER = "https://idp.example"
CLIENT_ID = "linehub"
NONCE = "the-nonce"


@pytest.fixture(scope="module")
def key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256"}, private=True)


@pytest.fixture
def idp(key: RSAKey) -> Provider:
    config = SocialProviderConfig(
        id="idp",
        client_id=CLIENT_ID,
        client_secret="secret",
        metadata_url=ISSUER + "/.well-known/openid-configuration",
    )
    built = build_provider(OAuth(), config)
    built.client.server_metadata.update(
        {
            "issuer": ISSUER,
            "jwks": KeySet([key]).as_dict(private=False),
            "id_token_signing_alg_values_supported": ["RS256", "none", "HS256"],
            "_loaded_at": time.time(),  # authlib: already loaded, do not fetch
        }
    )
    return built


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "sub": "subject-1",
        "iat": now,
        "exp": now + 300,
        "nonce": NONCE,
        "name": "Anna",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def signed(key: Any, payload: dict[str, Any], alg: str = "RS256", kid: str = "k1") -> str:
    return jwt.encode({"alg": alg, "kid": kid}, payload, key, algorithms=[alg])


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def check(idp: Provider, id_token: str, nonce: str = NONCE) -> ProviderAccount:
    return await identify(idp, {"id_token": id_token, "access_token": "at"}, nonce)


async def test_an_honest_token_names_issuer_subject_and_display_name(idp, key) -> None:
    account = await check(idp, signed(key, claims()))
    assert account == ProviderAccount(ISSUER, "subject-1", "Anna")


@pytest.mark.parametrize(
    ("changes", "claim"),
    [
        ({"iss": "https://idp.example/other-tenant"}, "iss"),
        ({"iss": None}, "iss"),
        ({"aud": "someone-else"}, "aud"),
        ({"aud": ["someone-else", "another"]}, "aud"),
        ({"aud": None}, "aud"),
        ({"exp": int(time.time()) - 3600}, "exp"),
        ({"exp": None}, "exp"),
        ({"iat": None}, "iat"),
        ({"sub": None}, "sub"),
        ({"nonce": "another-nonce"}, "nonce"),
        ({"nonce": None}, "nonce"),
    ],
)
async def test_each_claim_is_checked(idp, key, changes: dict, claim: str) -> None:
    with pytest.raises(InvalidIdToken, match=claim):
        await check(idp, signed(key, claims(**changes)))


async def test_the_audience_is_checked_even_when_azp_names_us(idp, key) -> None:
    token = {"id_token": signed(key, claims(aud="someone-else", azp=CLIENT_ID))}
    # authlib's own defaults (no audience named) would take it...
    accepted = await idp.client.parse_id_token(token, nonce=NONCE)
    assert accepted["sub"] == "subject-1"
    # ...the options linehub passes do not
    with pytest.raises(InvalidIdToken, match="aud"):
        await check(idp, token["id_token"])


async def test_a_token_for_several_audiences_needs_azp(idp, key) -> None:
    both = claims(aud=[CLIENT_ID, "another"])
    with pytest.raises(InvalidIdToken, match="azp"):
        await check(idp, signed(key, both))
    assert (await check(idp, signed(key, {**both, "azp": CLIENT_ID}))).subject == "subject-1"


async def test_a_signature_by_another_key_under_the_same_kid_is_refused(idp) -> None:
    impostor = RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
    with pytest.raises(InvalidIdToken, match="BadSignature"):
        await check(idp, signed(impostor, claims()))


async def test_unsigned_and_hmac_tokens_are_refused(idp, key) -> None:
    """`none` and HS256 are dropped from what the metadata offers, whatever it says."""
    # the classic confusion: HMAC keyed with the provider's public key (joserfc will not
    # even build such a key, so the token is put together by hand)
    head = _b64({"alg": "HS256", "kid": "k1"}) + "." + _b64(claims())
    mac = hmac.new(key.as_pem(private=False), head.encode(), hashlib.sha256).digest()
    with pytest.raises(InvalidIdToken):
        await check(idp, head + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode())
    # {"alg":"none"} over honest claims, with an empty signature
    unsigned = _b64({"alg": "none"}) + "." + _b64(claims()) + "."
    with pytest.raises(InvalidIdToken):
        await check(idp, unsigned)
    assert idp.client.server_metadata["id_token_signing_alg_values_supported"] == ["RS256"]


async def test_a_token_response_without_an_id_token_is_refused(idp) -> None:
    with pytest.raises(InvalidIdToken, match="no id_token"):
        await identify(idp, {"access_token": "at"}, NONCE)


async def test_a_small_clock_skew_is_tolerated_a_large_one_is_not(idp, key) -> None:
    now = int(time.time())
    assert await check(idp, signed(key, claims(exp=now - 30)))
    with pytest.raises(InvalidIdToken, match="exp"):
        await check(idp, signed(key, claims(exp=now - 120)))


def test_joserfc_reports_the_claim_it_refused() -> None:
    """The `match=` above relies on the claim's name being in the message."""
    assert "aud" in str(InvalidClaimError("aud"))


async def test_a_key_id_the_jwks_does_not_have_is_an_invalid_id_token(idp, key) -> None:
    # the JWKS here is inline in the metadata: authlib raises a bare RuntimeError for it
    with pytest.raises(InvalidIdToken):
        await check(idp, signed(key, claims(), kid="not-published"))
