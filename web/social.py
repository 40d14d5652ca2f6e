"""The OAuth callback route: where providers send the browser back.

`GET /auth/social/{provider}/callback` never shows a result itself: the browser goes on
(303) to the app's registered `redirectUri` with `?code=` or `?error=`. Only a state that
names no attempt at all gets a page of its own, because then there is no app URI known to
be safe.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auth.social import SocialLogin
from i18n import negotiate, translate
from web.pages import NO_STORE, page


def social_callback(social: SocialLogin) -> Callable[[Request], Awaitable[Response]]:
    """The callback endpoint for the process's social login service."""

    async def callback(request: Request) -> Response:
        result = await social.callback(request.path_params["provider"], dict(request.query_params))
        if result.redirect_to is None:
            language = negotiate(request.headers.get("accept-language"))
            body = f"<p>{escape(translate('social_callback_unknown', language))}</p>"
            return page(
                language, translate("social_callback_title", language), body, status_code=400
            )
        # 303: the app's page is fetched with GET whatever brought the browser here; no
        # Referer, so the provider's code and state in this URL go nowhere else
        return RedirectResponse(result.redirect_to, status_code=303, headers=NO_STORE)

    return callback
