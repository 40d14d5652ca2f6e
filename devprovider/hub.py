"""The dev provider as linehub mounts it in development (`SOCIAL_DEV_PROVIDER=1`).

With the flag on (never in production) the app serves devprovider, a real OpenID Connect
provider, at `/dev-provider`, registers it as provider `dev`, and adds a small landing
page as an app URI, so the whole flow can be clicked through in a browser with nothing
else running. The dev provider keeps its codes and keys in process memory: serve it
with one worker. Only `app.py` (when the flag is on) and the demo command import this:
the production path never does.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from html import escape

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from config import ConfigError, Settings, SocialProviderConfig
from devprovider.app import create_provider_app
from devprovider.config import Client, ProviderConfig, User
from i18n import negotiate, translate
from web.pages import page

DEV_PROVIDER_ID = "dev"
DEV_CLIENT_ID = "linehub-dev"
DEV_MOUNT = "/dev-provider"
DEV_LANDING = "/auth/social/dev-landing"
# the demo family (API.md section 9) as dev provider accounts; the subject picks one
DEV_USERS = (
    User("anna", "Анна Иванова", "anna@example.test"),
    User("boris", "Борис Петров", "boris@example.test"),
    User("galina", "Галина Петровна", "galina@example.test"),
    User("masha", "Маша Иванова", "masha@example.test"),
    User("petya", "Петя Иванов", "petya@example.test"),
)


def dev_issuer(settings: Settings) -> str:
    return settings.public_url.rstrip("/") + DEV_MOUNT


def dev_landing_uri(settings: Settings) -> str:
    return settings.public_url.rstrip("/") + DEV_LANDING


def _dev_secret(settings: Settings) -> str:
    # derived, not random: the demo command and the server must agree without a file
    return hashlib.sha256(f"devprovider:{settings.secret_key}".encode()).hexdigest()[:32]


def with_dev_provider(settings: Settings) -> Settings:
    """The settings plus provider `dev` and the landing page when SOCIAL_DEV_PROVIDER=1.

    A provider that logs anyone in without a password must never face real users, so
    production refuses it outright.
    """
    if not settings.social_dev_provider:
        return settings
    if settings.production:
        raise ConfigError("SOCIAL_DEV_PROVIDER=1 is for development; it is refused in production")
    if any(p.id == DEV_PROVIDER_ID for p in settings.social_providers):
        raise ConfigError(
            "SOCIAL_DEV_PROVIDER=1 configures provider `dev` itself; drop SOCIAL_DEV_CLIENT_ID"
        )
    dev = SocialProviderConfig(
        id=DEV_PROVIDER_ID,
        client_id=DEV_CLIENT_ID,
        client_secret=_dev_secret(settings),
        metadata_url=dev_issuer(settings) + "/.well-known/openid-configuration",
        scope="openid profile",
        name_en="Dev provider",
        name_ru="Тестовый провайдер",
    )
    return replace(
        settings,
        social_providers=(*settings.social_providers, dev),
        social_redirect_uris=(*settings.social_redirect_uris, dev_landing_uri(settings)),
    )


def dev_provider_app(settings: Settings) -> Starlette:
    """devprovider for this hub: one client (our callback), the demo family as users."""
    callback = f"{settings.public_url.rstrip('/')}/auth/social/{DEV_PROVIDER_ID}/callback"
    config = ProviderConfig(
        issuer=dev_issuer(settings),
        clients=[Client(DEV_CLIENT_ID, _dev_secret(settings), (callback,))],
        users=list(DEV_USERS),
    )
    return create_provider_app(config)


async def dev_landing(request: Request) -> Response:
    """Stands in for an app at its redirectUri: shows the code and what to do with it."""
    language = negotiate(request.headers.get("accept-language"))
    code = request.query_params.get("code")
    if code:
        mutation = (
            f'mutation {{ completeSocialLogin(input: {{code: "{code}"}}) {{\n'
            "  accessToken refreshToken session { authMethod accessCap }\n"
            "  errors { code message } } }"
        )
        body = (
            f"<p>{escape(translate('social_dev_code', language))}</p>"
            f"<pre>{escape(mutation)}</pre>"
            f'<p><a href="/graphql">GraphiQL</a></p>'
        )
    else:
        error = request.query_params.get("error", "")
        body = f"<p>{escape(translate('social_dev_error', language))} <b>{escape(error)}</b></p>"
    return page(language, translate("social_callback_title", language), body)


def mount_dev_provider(settings: Settings) -> tuple[Settings, list[BaseRoute]]:
    """The settings with provider `dev`, and the routes that serve it and its landing
    page. Refused in production (ConfigError), whatever the flag says."""
    settings = with_dev_provider(settings)
    if not settings.social_dev_provider:
        return settings, []
    routes: list[BaseRoute] = [
        Route(DEV_LANDING, dev_landing, methods=["GET"]),
        Mount(DEV_MOUNT, dev_provider_app(settings)),
    ]
    return settings, routes
