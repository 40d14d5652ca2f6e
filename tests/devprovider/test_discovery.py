"""Discovery and JWKS: what a relying party learns before the first redirect."""

from __future__ import annotations

from typing import Any

import httpx
from authlib.oidc.discovery import OpenIDProviderMetadata
from joserfc.jwk import KeySet, RSAKey

from devprovider import RunningProvider


def test_discovery_names_the_issuer_and_its_endpoints(
    provider: RunningProvider, metadata: dict[str, Any]
) -> None:
    assert metadata["issuer"] == provider.issuer
    assert metadata["authorization_endpoint"] == provider.url("/authorize")
    assert metadata["token_endpoint"] == provider.url("/token")
    assert metadata["userinfo_endpoint"] == provider.url("/userinfo")
    assert metadata["jwks_uri"] == provider.url("/jwks")


def test_discovery_advertises_code_flow_with_s256_pkce_and_rs256(
    metadata: dict[str, Any],
) -> None:
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["grant_types_supported"] == ["authorization_code"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"openid", "profile", "email"} <= set(metadata["scopes_supported"])
    assert {"client_secret_basic", "client_secret_post"} <= set(
        metadata["token_endpoint_auth_methods_supported"]
    )


def test_discovery_passes_authlibs_metadata_validation(metadata: dict[str, Any]) -> None:
    OpenIDProviderMetadata(metadata).validate()


def test_jwks_publishes_one_public_rs256_key_with_a_kid(metadata: dict[str, Any]) -> None:
    jwks = httpx.get(metadata["jwks_uri"]).json()
    assert len(jwks["keys"]) == 1
    key = jwks["keys"][0]
    assert key["kty"] == "RSA"
    assert key["alg"] == "RS256"
    assert key["use"] == "sig"
    assert key["kid"]
    assert "d" not in key, "the private exponent must never be published"
    imported = KeySet.import_key_set(jwks).keys[0]
    assert isinstance(imported, RSAKey)
    assert not imported.is_private
