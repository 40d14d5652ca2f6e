"""The provider's RS256 signing key, and an impostor key for the `foreign_signing_key` switch."""

from __future__ import annotations

import secrets

from joserfc.jwk import KeySet, KeySetSerialization, RSAKey

ALGORITHM = "RS256"


def _generate(kid: str) -> RSAKey:
    return RSAKey.generate_key(
        2048, parameters={"kid": kid, "use": "sig", "alg": ALGORITHM}, private=True
    )


class SigningKeys:
    """A fresh key pair per provider: nothing to leak, nothing to rotate.

    The impostor carries the same `kid` as the real key. A relying party that picks the key
    by `kid` and then really verifies the signature rejects its tokens; one that skips the
    check (or trusts the header) accepts them, which is the bug the switch exists to catch.
    """

    def __init__(self) -> None:
        self.kid = "devprovider-" + secrets.token_hex(4)
        self.signing = _generate(self.kid)
        self.impostor = _generate(self.kid)

    def jwks(self) -> KeySetSerialization:
        """The public JWKS: the real key only."""
        return KeySet([self.signing]).as_dict(private=False)
