"""The confirmation URL: where the customer's browser types a card and a 3-D Secure code.

Not part of the API: no Basic auth, and `Behaviour.down` does not reach it (on a real
acquirer the payment pages and the API are different services). Every way out of a
decided payment is a 303 to the shop's `return_url`, which is all YooKassa tells the shop:
the outcome itself is learnt from the API or a notification.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from devacquirer.acquirer import Acquirer
from devacquirer.cards import CardError
from devacquirer.objects import Payment
from devacquirer.pages import (
    Language,
    card_form,
    language,
    not_found_page,
    outcome_page,
    three_ds_form,
)

# Pages about one payment must not be served from a cache after it changed.
_NO_STORE = {"Cache-Control": "no-store"}


async def _form(request: Request) -> dict[str, str]:
    # Parsed here: Starlette's form parser needs python-multipart, which linehub does not
    # otherwise depend on, and a plain HTML form never sends multipart.
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return {}
    text = (await request.body()).decode("utf-8", errors="replace")
    return dict(parse_qsl(text, keep_blank_values=True))


def checkout_routes(acquirer: Acquirer) -> list[Route]:
    """The /confirm routes, for `create_acquirer_app`."""

    def confirm_url(payment: Payment) -> str:
        return f"{acquirer.base_url}/confirm/{payment.id}"

    def html(page: str, status: int = 200) -> HTMLResponse:
        return HTMLResponse(page, status_code=status, headers=_NO_STORE)

    def page_for(payment: Payment, lang: Language) -> HTMLResponse:
        if payment.status == "pending" and payment.stage == "card":
            return html(card_form(payment, confirm_url(payment), lang))
        if payment.status == "pending" and payment.stage == "3ds":
            return html(three_ds_form(payment, confirm_url(payment) + "/3ds", lang))
        return html(outcome_page(payment, lang))

    def back_to_shop(payment: Payment) -> Response:
        assert payment.return_url is not None
        return RedirectResponse(payment.return_url, status_code=303)

    async def confirm(request: Request) -> Response:
        lang = language(request.headers.get("accept-language", ""))
        payment = await acquirer.payment(request.path_params["payment_id"])
        if payment is None or payment.return_url is None:
            # An unknown id, or a payment by a saved method: nothing for a browser to do.
            return html(not_found_page(lang), 404)
        if request.method == "GET":
            return page_for(payment, lang)
        form = await _form(request)
        try:
            payment = await acquirer.submit_card(
                payment.id, form.get("card_number", ""), form.get("expiry", ""), form.get("cvc", "")
            )
        except CardError as error:
            return html(card_form(payment, confirm_url(payment), lang, error=str(error)))
        if payment.status == "pending" and payment.stage in ("card", "3ds"):
            return page_for(payment, lang)
        return back_to_shop(payment)

    async def three_ds(request: Request) -> Response:
        lang = language(request.headers.get("accept-language", ""))
        payment = await acquirer.payment(request.path_params["payment_id"])
        if payment is None or payment.return_url is None:
            return html(not_found_page(lang), 404)
        form = await _form(request)
        payment = await acquirer.submit_code(payment.id, form.get("code", ""))
        if payment.status == "pending" and payment.stage == "card":
            # A code before any card: back to the card form.
            return RedirectResponse(confirm_url(payment), status_code=303)
        return back_to_shop(payment)

    return [
        Route("/confirm/{payment_id}", confirm, methods=["GET", "POST"]),
        Route("/confirm/{payment_id}/3ds", three_ds, methods=["POST"]),
    ]
