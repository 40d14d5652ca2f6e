"""What the dev provider knows: its issuer, its clients, its users, and how it misbehaves.

Everything here is plain data. `Behaviour` is the one mutable piece: tests hold the same
object the running provider reads on every request, so flipping a switch takes effect on
the very next request without restarting the server.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, fields
from typing import Literal, TypeAlias

NonceMode: TypeAlias = Literal["echo", "wrong", "omit"]

#: The `aud` put in ID tokens while `Behaviour.wrong_audience` is on.
FOREIGN_AUDIENCE = "some-other-client"
#: The `nonce` put in ID tokens while `Behaviour.nonce == "wrong"`.
WRONG_NONCE = "not-the-nonce-you-sent"


def wrong_issuer_for(issuer: str) -> str:
    """The `iss` put in ID tokens while `Behaviour.wrong_issuer` is on.

    A near miss on purpose (another tenant of the same host): a relying party that only
    checks the prefix or the host would accept it, one that compares exactly would not.
    """
    return issuer.rstrip("/") + "/other-tenant"


@dataclass(frozen=True)
class User:
    """A person who can log in at the provider.

    Args:
        subject: the stable `sub` claim; also the `login_hint` that picks this user.
        name: the `name` claim (scope `profile`).
        email: the `email` claim (scope `email`).
        email_verified: the `email_verified` claim.

    Example:
        >>> User("anna", "Anna Ivanova", "anna@example.test")
    """

    subject: str
    name: str
    email: str
    email_verified: bool = True


@dataclass(frozen=True)
class Client:
    """A relying party registered at the provider.

    Args:
        client_id: the OAuth client id, also the expected `aud` of its ID tokens.
        client_secret: the shared secret (client_secret_basic or client_secret_post);
            `None` registers a public client, which authenticates with `client_id` alone
            and so can only ever use PKCE.
        redirect_uris: the redirect URIs accepted, compared exactly (no prefix matching).
        scope: the most the client may ask for.

    Example:
        >>> Client("linehub", "s3cret", ("http://127.0.0.1:8000/auth/social/dev/callback",))
    """

    client_id: str
    client_secret: str | None
    redirect_uris: tuple[str, ...]
    scope: str = "openid profile email"

    @property
    def is_public(self) -> bool:
        return self.client_secret is None


@dataclass
class Behaviour:
    """Switches that make the provider misbehave the way real providers (or attackers) do.

    Read on every request, so a test flips a field and the next request sees it. Call
    `reset()` between tests when one provider serves several.

    Args:
        wrong_audience: ID tokens carry `aud` = `FOREIGN_AUDIENCE` instead of the client id.
        expired_id_token: ID tokens were issued two hours ago and expired an hour ago.
        nonce: `"echo"` returns the request's nonce, `"wrong"` returns `WRONG_NONCE`,
            `"omit"` leaves the claim out.
        foreign_signing_key: ID tokens are signed with a key that is not in the JWKS, under
            the published `kid`, so only a real signature check catches it.
        wrong_issuer: ID tokens carry `iss` = `wrong_issuer_for(issuer)`.
        provider_down: an HTTP status (500, 503, ...) that the token and userinfo
            endpoints answer with instead of working; `None` is healthy.
        user_cancels: the authorization endpoint sends the browser back with
            `error=access_denied` (and the state) instead of a code.

    Example:
        >>> behaviour = Behaviour()
        >>> behaviour.nonce = "omit"
        >>> behaviour.reset()
    """

    wrong_audience: bool = False
    expired_id_token: bool = False
    nonce: NonceMode = "echo"
    foreign_signing_key: bool = False
    wrong_issuer: bool = False
    provider_down: int | None = None
    user_cancels: bool = False
    # Not a switch: keeps reset() from interleaving with a request reading the fields.
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def reset(self) -> None:
        """Back to an honest, healthy provider."""
        fresh = Behaviour()
        with self._lock:
            for item in fields(self):
                if item.name != "_lock":
                    setattr(self, item.name, getattr(fresh, item.name))

    def snapshot(self) -> Behaviour:
        """A consistent copy, so one token is built under one set of switches."""
        with self._lock:
            copy = Behaviour()
            for item in fields(self):
                if item.name != "_lock":
                    setattr(copy, item.name, getattr(self, item.name))
            return copy


DEFAULT_USERS: tuple[User, ...] = (
    User("alice", "Alice Example", "alice@example.test"),
    User("bob", "Bob Example", "bob@example.test"),
)


@dataclass
class ProviderConfig:
    """Everything `create_provider_app` needs.

    Args:
        issuer: the issuer URL, exactly as it appears in `iss` and in discovery. The
            loopback runner fills it in when left `None`.
        clients: the registered relying parties.
        users: who can log in; defaults to two demo users.
        behaviour: the misbehaviour switches (shared, mutable).
        require_pkce: refuse authorization requests without an S256 `code_challenge`.
            Public clients need PKCE whatever this says.
        code_lifetime: seconds an authorization code stays redeemable.
        token_lifetime: seconds access tokens and ID tokens live.

    Example:
        >>> config = ProviderConfig(
        ...     issuer="http://127.0.0.1:9000",
        ...     clients=[Client("linehub", "s3cret", ("http://127.0.0.1:8000/cb",))],
        ... )
    """

    issuer: str | None = None
    clients: list[Client] = field(default_factory=list)
    users: list[User] = field(default_factory=lambda: list(DEFAULT_USERS))
    behaviour: Behaviour = field(default_factory=Behaviour)
    require_pkce: bool = True
    code_lifetime: float = 60.0
    token_lifetime: int = 3600

    def client(self, client_id: str) -> Client | None:
        return next((c for c in self.clients if c.client_id == client_id), None)

    def user(self, subject: str) -> User | None:
        return next((u for u in self.users if u.subject == subject), None)
