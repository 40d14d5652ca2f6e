"""The link in the confirmation e-mail: a page that confirms the address by itself.

Opening the link shows the address and a button; only the button (a POST) confirms:
mail scanners and link previews open every link they see, and must not confirm an
address nobody read. The link's token is the secret (32 random bytes, stored hashed);
no login is needed, as the code typed in the app needs one.
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response

from auth.person import confirm_by_link, pending_by_link
from i18n import negotiate, translate
from web.bodies import body_up_to
from web.pages import page

# a form with one token: a few dozen bytes
MAX_FORM = 2048


async def email_link(request: Request) -> Response:
    """GET /confirm-email?token=...: the question; POST: the confirmation."""
    language = negotiate(request.headers.get("accept-language"))
    title = translate("email_link_title", language)
    if request.method == "POST":
        body = await body_up_to(request, MAX_FORM)
        form = parse_qs((body or b"").decode(errors="replace"))
        confirmed = await confirm_by_link((form.get("token") or [""])[0])
        if confirmed is None:
            return _invalid(language, title)
        text = translate("email_link_done", language, email=confirmed)
        return page(language, title, f"<p>{escape(text)}</p>")
    token = request.query_params.get("token", "")
    pending = await pending_by_link(token)
    if pending is None:
        return _invalid(language, title)
    question = translate("email_link_question", language, email=pending.email)
    button = translate("email_link_button", language)
    form_html = (
        f"<p>{escape(question)}</p>"
        '<form method="post" action="/confirm-email">'
        f'<input type="hidden" name="token" value="{escape(token)}">'
        f'<button type="submit">{escape(button)}</button></form>'
    )
    return page(language, title, form_html)


def _invalid(language: str, title: str) -> Response:
    text = translate("email_link_invalid", language)
    return page(language, title, f"<p>{escape(text)}</p>", status_code=404)
