"""`python -m devprovider`: the provider on a fixed port, for a developer's browser.

Clients and users come from flags or from the environment, in the same compact forms:

    client  ID:SECRET:REDIRECT_URI[,REDIRECT_URI...]   (empty SECRET: a public client)
    user    SUBJECT:NAME:EMAIL

    DEVPROVIDER_CLIENTS="linehub:s3cret:http://127.0.0.1:8000/auth/social/dev/callback"
    DEVPROVIDER_USERS="anna:Anna Ivanova:anna@example.test;boris:Boris Petrov:b@example.test"

Several entries in one variable are separated by `;`.

`--misbehave` starts the provider broken, to see the relying party's error screens:
`--misbehave user_cancels`, `--misbehave nonce=wrong`, `--misbehave provider_down=503`.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
from collections.abc import Sequence
from dataclasses import fields
from typing import cast, get_args
from urllib.parse import urlsplit

import uvicorn

from devprovider.app import create_provider_app
from devprovider.config import DEFAULT_USERS, Behaviour, Client, NonceMode, ProviderConfig, User

DEFAULT_CLIENT = Client(
    "linehub",
    "linehub-dev-secret",
    (
        "http://127.0.0.1:8000/auth/social/dev/callback",
        "http://localhost:8000/auth/social/dev/callback",
    ),
)


def parse_client(spec: str) -> Client:
    """`ID:SECRET:URI[,URI...]`; the URIs keep their own colons."""
    client_id, secret, uris = [*spec.split(":", 2), "", ""][:3]
    redirect_uris = tuple(uri.strip() for uri in uris.split(",") if uri.strip())
    if not client_id or not redirect_uris:
        raise ValueError(f"client {spec!r}: expected ID:SECRET:REDIRECT_URI[,REDIRECT_URI...]")
    return Client(client_id.strip(), secret.strip() or None, redirect_uris)


def parse_user(spec: str) -> User:
    """`SUBJECT:NAME:EMAIL`; the name may contain colons, the subject and e-mail may not."""
    subject, _, rest = spec.partition(":")
    name, _, email = rest.rpartition(":")
    if not subject or not name or "@" not in email:
        raise ValueError(f"user {spec!r}: expected SUBJECT:NAME:EMAIL")
    return User(subject.strip(), name.strip(), email.strip())


def parse_misbehaviour(specs: Sequence[str]) -> Behaviour:
    """`NAME` turns a switch on; `NAME=VALUE` sets `nonce` or `provider_down`."""
    behaviour = Behaviour()
    switches = {f.name for f in fields(Behaviour) if not f.name.startswith("_")}
    for spec in specs:
        name, _, value = spec.partition("=")
        if name not in switches:
            raise ValueError(f"misbehaviour {name!r}: one of {', '.join(sorted(switches))}")
        if name == "provider_down":
            behaviour.provider_down = int(value or 503)
        elif name == "nonce":
            if value not in get_args(NonceMode):
                raise ValueError(f"misbehaviour nonce: one of {', '.join(get_args(NonceMode))}")
            behaviour.nonce = cast(NonceMode, value)
        else:
            setattr(behaviour, name, True)
    return behaviour


def _entries(flags: Sequence[str] | None, variable: str) -> list[str]:
    if flags:
        return list(flags)
    return [item for item in os.environ.get(variable, "").split(";") if item.strip()]


def build_config(argv: Sequence[str] | None = None) -> tuple[ProviderConfig, str, int]:
    """Parse the command line (and environment) into a config, host and port."""
    parser = argparse.ArgumentParser(
        prog="python -m devprovider",
        description="A development OpenID Connect provider (authorization code + PKCE).",
        epilog=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--issuer", help="default: http://HOST:PORT")
    parser.add_argument(
        "--client",
        action="append",
        metavar="ID:SECRET:URIS",
        help="a registered client (repeatable; env DEVPROVIDER_CLIENTS)",
    )
    parser.add_argument(
        "--user",
        action="append",
        metavar="SUBJECT:NAME:EMAIL",
        help="a user who can log in (repeatable; env DEVPROVIDER_USERS)",
    )
    parser.add_argument(
        "--misbehave",
        action="append",
        default=[],
        metavar="SWITCH[=VALUE]",
        help="start with a Behaviour switch on (repeatable)",
    )
    parser.add_argument(
        "--pkce-optional",
        action="store_true",
        help="accept confidential clients that send no code_challenge",
    )
    args = parser.parse_args(argv)
    try:
        clients = [parse_client(s) for s in _entries(args.client, "DEVPROVIDER_CLIENTS")]
        users = [parse_user(s) for s in _entries(args.user, "DEVPROVIDER_USERS")]
        behaviour = parse_misbehaviour(args.misbehave)
    except ValueError as exc:
        parser.error(str(exc))
    config = ProviderConfig(
        issuer=args.issuer or f"http://{args.host}:{args.port}",
        clients=clients or [DEFAULT_CLIENT],
        users=users or list(DEFAULT_USERS),
        behaviour=behaviour,
        require_pkce=not args.pkce_optional,
    )
    return config, args.host, args.port


def _is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv: Sequence[str] | None = None) -> None:
    config, host, port = build_config(argv)
    issuer = config.issuer or ""
    if not (_is_loopback(host) and _is_loopback(urlsplit(issuer).hostname or "")):
        # authlib refuses plain http off loopback; a LAN dev setup has no TLS. This
        # process is the dev provider alone, so the setting touches nothing else.
        os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    print(f"devprovider: issuer {issuer}")
    print(f"  discovery {issuer.rstrip('/')}/.well-known/openid-configuration")
    for client in config.clients:
        kind = "public" if client.is_public else f"secret {client.client_secret}"
        print(f"  client {client.client_id} ({kind}) -> {', '.join(client.redirect_uris)}")
    for user in config.users:
        print(f"  user {user.subject}: {user.name} <{user.email}>")
    if config.behaviour != Behaviour():
        print(f"  misbehaving: {config.behaviour}")
    uvicorn.run(create_provider_app(config), host=host, port=port, log_level="info")
