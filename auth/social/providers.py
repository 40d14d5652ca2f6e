"""Social providers from configuration, each registered with authlib's Starlette client.

Two kinds: OpenID Connect providers found through a metadata (discovery) URL, whose ID
tokens are verified, and OAuth 2.0-only providers (VK ID, Yandex ID, Facebook) given by
explicit endpoints, whose userinfo answer is mapped to a subject and a display name.
Well-known provider ids (`google`, `yandex`, `vk`, `facebook`) come with presets, so
`SOCIAL_<ID>_CLIENT_ID` and `_CLIENT_SECRET` are enough; any `SOCIAL_<ID>_*` variable
overrides the preset.
"""

# token endpoint URLs and client authentication method names are not passwords
# ruff: noqa: S105, S106

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from authlib.deprecate import AuthlibDeprecationWarning

from config import ConfigError, SocialProviderConfig

# authlib 1.9 drives httpx2 when it is installed and otherwise falls back to httpx,
# warning once at import. The fallback works (linehub pins httpx); this silences exactly
# that one warning, at this one import, and is a no-op once httpx2 is installed.
with warnings.catch_warnings():
    warnings.filterwarnings(
        "ignore", message="The httpx module is deprecated", category=AuthlibDeprecationWarning
    )
    from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App

OIDC = "oidc"
OAUTH2 = "oauth2"
PROVIDER_ID = re.compile(r"^[a-z0-9_]{1,32}$")
HTTP_TIMEOUT = 10.0


@dataclass(frozen=True)
class UserinfoMapping:
    """Where an OAuth 2.0-only provider's userinfo answer keeps the account's id and name.

    Args:
        subject: dotted path to the stable account id (`user.user_id` for VK ID).
        names: alternatives for the display name, first non-empty wins; each is one or
            more dotted paths joined with a space (first name and last name).
        method: GET, or POST for VK ID.
        auth: `bearer` (RFC 6750), `oauth` (Yandex's `Authorization: OAuth`) or `form`
            (VK ID: `client_id` and `access_token` in the POST body).
    """

    subject: str = "sub"
    names: tuple[tuple[str, ...], ...] = (
        ("name",),
        ("preferred_username",),
        ("given_name", "family_name"),
    )
    method: str = "GET"
    auth: str = "bearer"


@dataclass(frozen=True)
class Preset:
    """Defaults for a well-known provider id; configuration overrides any of them."""

    name_en: str
    name_ru: str
    metadata_url: str | None = None
    authorize_url: str | None = None
    token_url: str | None = None
    userinfo_url: str | None = None
    scope: str = ""
    # the namespace of subjects for an OAuth 2.0-only provider (OIDC ones name their own)
    issuer: str | None = None
    userinfo: UserinfoMapping = field(default_factory=UserinfoMapping)
    token_auth: str = "client_secret_basic"
    # callback query parameters the token request must repeat (VK ID's device_id)
    callback_params: tuple[str, ...] = ()


PRESETS: dict[str, Preset] = {
    "google": Preset(
        "Google",
        "Google",
        metadata_url="https://accounts.google.com/.well-known/openid-configuration",
        scope="openid profile",
    ),
    "yandex": Preset(
        "Yandex ID",
        "Яндекс ID",
        authorize_url="https://oauth.yandex.ru/authorize",
        token_url="https://oauth.yandex.ru/token",
        userinfo_url="https://login.yandex.ru/info?format=json",
        scope="login:info",
        issuer="https://oauth.yandex.ru",
        userinfo=UserinfoMapping(
            subject="id", names=(("display_name",), ("real_name",), ("login",)), auth="oauth"
        ),
        token_auth="client_secret_post",
    ),
    "vk": Preset(
        "VK ID",
        "VK ID",
        authorize_url="https://id.vk.ru/authorize",
        token_url="https://id.vk.ru/oauth2/auth",
        userinfo_url="https://id.vk.ru/oauth2/user_info",
        scope="vkid.personal_info",
        issuer="https://id.vk.ru",
        userinfo=UserinfoMapping(
            subject="user.user_id",
            names=(("user.first_name", "user.last_name"),),
            method="POST",
            auth="form",
        ),
        token_auth="client_secret_post",
        callback_params=("device_id", "state"),
    ),
    "facebook": Preset(
        "Facebook",
        "Facebook",
        authorize_url="https://www.facebook.com/v21.0/dialog/oauth",
        token_url="https://graph.facebook.com/v21.0/oauth/access_token",
        userinfo_url="https://graph.facebook.com/me?fields=id,name",
        scope="public_profile",
        issuer="https://www.facebook.com",
        userinfo=UserinfoMapping(subject="id", names=(("name",),)),
        token_auth="client_secret_post",
    ),
}


@dataclass(frozen=True)
class Provider:
    """One configured provider: its names, its protocol and its authlib client.

    Args:
        id: the id in `SOCIAL_<ID>_*`, in URLs and in the API (`vk`, `google`).
        kind: `oidc` (ID token verified through JWKS) or `oauth2` (userinfo mapped).
        name_en: the English display name.
        name_ru: the Russian display name.
        client: authlib's Starlette client, registered for this provider.
        scope: what the authorization request asks for.
        issuer: the subject namespace of an `oauth2` provider; `oidc` providers take
            theirs from the metadata.
        metadata_url: the discovery URL of an `oidc` provider.
        userinfo_url: where an `oauth2` provider answers who the account is.
        userinfo: how to read that answer.
        callback_params: callback parameters repeated in the token request.
    """

    id: str
    kind: str
    name_en: str
    name_ru: str
    client: StarletteOAuth2App
    scope: str
    issuer: str | None = None
    metadata_url: str | None = None
    userinfo_url: str | None = None
    userinfo: UserinfoMapping = field(default_factory=UserinfoMapping)
    callback_params: tuple[str, ...] = ()

    @property
    def openid(self) -> bool:
        return self.kind == OIDC

    def name(self, language: str) -> str:
        return self.name_ru if language == "ru" else self.name_en


def _scope(kind: str, configured: str, preset: Preset | None) -> str:
    # a bare "openid" is the configuration's default, not a choice: a preset knows better
    chosen = configured if configured and not (configured == "openid" and preset) else ""
    scope = chosen or (preset.scope if preset else "")
    if kind != OIDC:
        return scope
    parts = scope.split()
    if parts in ([], ["openid"]):
        # the bare default asks for no claims; the display name needs `profile`
        parts = ["openid", "profile"]
    return " ".join(parts if "openid" in parts else ["openid", *parts])


def _without_query(url: str) -> str:
    return url.split("?", 1)[0].split("#", 1)[0]


def build_provider(oauth: OAuth, config: SocialProviderConfig) -> Provider:
    """Register one configured provider with authlib; ConfigError when it is incomplete."""
    if not PROVIDER_ID.match(config.id):
        raise ConfigError(f"social provider id {config.id!r}: 1 to 32 of a-z, 0-9, _")
    preset = PRESETS.get(config.id)
    explicit = config.authorize_url or config.token_url or config.userinfo_url
    # explicit endpoints in the configuration win over a preset's discovery URL
    metadata_url = config.metadata_url or (preset.metadata_url if preset and not explicit else None)
    kind = OIDC if metadata_url else OAUTH2
    name_en = config.name_en or (preset.name_en if preset else config.id.replace("_", " ").title())
    name_ru = config.name_ru or (preset.name_ru if preset else name_en)
    scope = _scope(kind, config.scope, preset)
    client_kwargs: dict[str, Any] = {
        "scope": scope,
        "code_challenge_method": "S256",
        # no secret: a public client, which PKCE alone protects (RFC 7636, RFC 8252)
        "token_endpoint_auth_method": (
            "none"
            if not config.client_secret
            else (preset.token_auth if preset else "client_secret_basic")
        ),
        "timeout": HTTP_TIMEOUT,
    }
    common = {"client_id": config.client_id, "client_secret": config.client_secret}
    if kind == OIDC:
        client = oauth.register(
            config.id, server_metadata_url=metadata_url, client_kwargs=client_kwargs, **common
        )
        return Provider(config.id, kind, name_en, name_ru, client, scope, metadata_url=metadata_url)
    authorize_url = config.authorize_url or (preset.authorize_url if preset else None)
    token_url = config.token_url or (preset.token_url if preset else None)
    userinfo_url = config.userinfo_url or (preset.userinfo_url if preset else None)
    if not (authorize_url and token_url and userinfo_url):
        raise ConfigError(
            f"social provider {config.id!r}: set SOCIAL_{config.id.upper()}_METADATA_URL "
            "(OpenID Connect) or _AUTHORIZE_URL, _TOKEN_URL and _USERINFO_URL (OAuth 2.0)"
        )
    client = oauth.register(
        config.id,
        authorize_url=authorize_url,
        access_token_url=token_url,
        client_kwargs=client_kwargs,
        **common,
    )
    return Provider(
        config.id,
        kind,
        name_en,
        name_ru,
        client,
        scope,
        # a preset's fixed namespace survives an endpoint's version bump; a custom
        # provider's subjects are scoped to its authorization endpoint
        issuer=(
            config.issuer
            or (preset.issuer if preset and preset.issuer else _without_query(authorize_url))
        ),
        userinfo_url=userinfo_url,
        userinfo=preset.userinfo if preset else UserinfoMapping(),
        callback_params=preset.callback_params if preset else (),
    )


class SocialProviders:
    """The configured providers, in configuration order. Built once per app.

    Example:
        >>> providers = SocialProviders.from_configs(settings.social_providers)
        >>> providers.get("google").name("ru")
        'Google'
    """

    def __init__(self, providers: Iterable[Provider]) -> None:
        self._providers = {p.id: p for p in providers}

    @classmethod
    def from_configs(cls, configs: Sequence[SocialProviderConfig]) -> SocialProviders:
        oauth = OAuth()
        providers = [build_provider(oauth, config) for config in configs]
        # identities are keyed by (issuer, subject): two providers with one issuer would
        # let subject 42 at one log in as whoever bound subject 42 at the other
        seen: dict[str, str] = {}
        for provider in providers:
            if provider.issuer and provider.issuer in seen:
                raise ConfigError(
                    f"social providers {seen[provider.issuer]!r} and {provider.id!r} share "
                    f"the issuer {provider.issuer!r}; give one its own issuer"
                )
            if provider.issuer:
                seen[provider.issuer] = provider.id
        return cls(providers)

    def get(self, provider_id: str) -> Provider | None:
        return self._providers.get(provider_id)

    def __iter__(self) -> Iterator[Provider]:
        return iter(self._providers.values())

    def __len__(self) -> int:
        return len(self._providers)
