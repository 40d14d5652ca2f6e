"""The OAuth callback route, and the loopback dev provider that development can mount.

`GET /auth/social/{provider}/callback` is where providers send the browser back. It
never shows a result itself: the browser goes on (303) to the app's registered
`redirectUri` with `?code=` or `?error=`. Only a state that names no attempt at all
gets a page of its own, because then there is no app URI known to be safe.

With `SOCIAL_DEV_PROVIDER=1` (never in production) the app also serves devprovider, a
real OpenID Connect provider, at `/dev-provider`, registers it as provider `dev`, and
adds a small landing page as an app URI, so the whole flow can be clicked through in a
browser with nothing else running. The dev provider keeps its codes and keys in process
memory: serve it with one worker.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from html import escape

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from auth.social import SocialLogin
from config import ConfigError, Settings, SocialProviderConfig
from devprovider import Client, ProviderConfig, User, create_provider_app
from i18n import negotiate, translate

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
_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


async def social_callback(request: Request) -> Response:
    social: SocialLogin = request.app.state.social
    result = await social.callback(request.path_params["provider"], dict(request.query_params))
    if result.redirect_to is None:
        language = negotiate(request.headers.get("accept-language"))
        page = _PAGE.format(
            lang=language,
            title=escape(translate("social_callback_title", language)),
            body=f"<p>{escape(translate('social_callback_unknown', language))}</p>",
        )
        return HTMLResponse(page, status_code=400, headers=_NO_STORE)
    # 303: the app's page is fetched with GET whatever brought the browser here; no
    # Referer, so the provider's code and state in this URL go nowhere else
    return RedirectResponse(result.redirect_to, status_code=303, headers=_NO_STORE)


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
    page = _PAGE.format(
        lang=language, title=escape(translate("social_callback_title", language)), body=body
    )
    return HTMLResponse(page, headers=_NO_STORE)


_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; }}
pre {{ background: #f4f4f4; padding: 1rem; white-space: pre-wrap; }}</style></head>
<body><h1>{title}</h1>
{body}
</body></html>
"""
