"""The confirmation pages a customer's browser sees, in Russian or English.

The card form never echoes what was typed into it: a re-shown form starts empty, and the
card number appears nowhere after it was sent. The test cards and the 3-D Secure code are
printed on the pages on purpose: this acquirer only ever takes test money.
"""

from __future__ import annotations

from html import escape
from typing import Literal, TypeAlias

from devacquirer.cards import (
    CARD_3DS,
    CARD_DECLINED,
    CARD_INSUFFICIENT_FUNDS,
    CARD_SUCCESS,
    CARD_TIMEOUT,
    THREE_DS_CODE,
)
from devacquirer.objects import Payment

Language: TypeAlias = Literal["en", "ru"]

_TEXT: dict[Language, dict[str, str]] = {
    "en": {
        "title": "Dev acquirer",
        "pay_heading": "Pay by card",
        "card_number": "Card number",
        "expiry": "Expiry (MM/YY)",
        "cvc": "CVC",
        "pay": "Pay",
        "test_cards": "Test cards",
        "card_success": "succeeds",
        "card_3ds": "asks for a 3-D Secure code",
        "card_declined": "declined",
        "card_funds": "insufficient funds",
        "card_timeout": "the bank never answers",
        "error_card_number": "This card number is not valid.",
        "error_expiry": "Enter the expiry as MM/YY.",
        "error_cvc": "The CVC is the 3 digits on the back of the card.",
        "3ds_heading": "3-D Secure",
        "3ds_prompt": "Enter the code the bank sent you. The test code is",
        "code": "Code",
        "confirm": "Confirm",
        "succeeded": "Payment succeeded",
        "canceled": "Payment canceled",
        "pending": "The payment is being processed",
        "back": "Back to the shop",
        "not_found": "There is no such payment.",
    },
    "ru": {
        "title": "Тестовый эквайер",
        "pay_heading": "Оплата картой",
        "card_number": "Номер карты",
        "expiry": "Срок действия (ММ/ГГ)",
        "cvc": "CVC",
        "pay": "Оплатить",
        "test_cards": "Тестовые карты",
        "card_success": "оплата проходит",
        "card_3ds": "запрашивает код 3-D Secure",
        "card_declined": "отказ банка",
        "card_funds": "недостаточно средств",
        "card_timeout": "банк не отвечает",
        "error_card_number": "Неверный номер карты.",
        "error_expiry": "Укажите срок действия в виде ММ/ГГ.",
        "error_cvc": "CVC — три цифры на обороте карты.",
        "3ds_heading": "3-D Secure",
        "3ds_prompt": "Введите код, присланный банком. Тестовый код:",
        "code": "Код",
        "confirm": "Подтвердить",
        "succeeded": "Платёж прошёл",
        "canceled": "Платёж отменён",
        "pending": "Платёж обрабатывается",
        "back": "Вернуться в магазин",
        "not_found": "Такого платежа нет.",
    },
}

_TEST_CARDS = (
    (CARD_SUCCESS, "card_success"),
    (CARD_3DS, "card_3ds"),
    (CARD_DECLINED, "card_declined"),
    (CARD_INSUFFICIENT_FUNDS, "card_funds"),
    (CARD_TIMEOUT, "card_timeout"),
)

_PAGE = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; max-width: 26rem; margin: 3rem auto; padding: 0 1rem; }}
label {{ display: block; margin: .8rem 0 .2rem; }}
input {{ width: 100%; padding: .5rem; box-sizing: border-box; font-size: 1rem; }}
button {{ margin-top: 1rem; width: 100%; padding: .6rem; font-size: 1rem; }}
.amount {{ font-size: 1.4rem; }} .error {{ color: #a00; }} .muted {{ color: #666; }}
</style></head>
<body>
<p class="muted">{title} · test</p>
{body}
</body></html>
"""


def language(accept_language: str) -> Language:
    """Russian if the browser lists it before English, English otherwise."""
    for item in accept_language.split(","):
        tag = item.split(";")[0].strip().lower()
        if tag.startswith("ru"):
            return "ru"
        if tag.startswith("en"):
            return "en"
    return "en"


def _page(lang: Language, body: str) -> str:
    return _PAGE.format(lang=lang, title=escape(_TEXT[lang]["title"]), body=body)


def _summary(payment: Payment) -> str:
    description = (
        f'<p class="muted">{escape(payment.description)}</p>' if payment.description else ""
    )
    return f'<p class="amount">{escape(payment.amount)} {escape(payment.currency)}</p>{description}'


def card_form(payment: Payment, action: str, lang: Language, *, error: str | None = None) -> str:
    """The card form; `error` names the field that was wrong (`card_number`, ...)."""
    text = _TEXT[lang]
    notice = f'<p class="error">{escape(text["error_" + error])}</p>' if error else ""
    cards = "".join(
        f"<li><code>{number}</code> — {escape(text[meaning])}</li>"
        for number, meaning in _TEST_CARDS
    )
    return _page(
        lang,
        f"""<h1>{escape(text["pay_heading"])}</h1>
{_summary(payment)}
{notice}
<form method="post" action="{escape(action)}" autocomplete="off">
<label for="card_number">{escape(text["card_number"])}</label>
<input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" required>
<label for="expiry">{escape(text["expiry"])}</label>
<input id="expiry" name="expiry" placeholder="12/30" autocomplete="cc-exp" required>
<label for="cvc">{escape(text["cvc"])}</label>
<input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" required>
<button type="submit">{escape(text["pay"])}</button>
</form>
<details><summary>{escape(text["test_cards"])}</summary><ul>{cards}</ul></details>""",
    )


def three_ds_form(payment: Payment, action: str, lang: Language) -> str:
    text = _TEXT[lang]
    return _page(
        lang,
        f"""<h1>{escape(text["3ds_heading"])}</h1>
{_summary(payment)}
<p>{escape(text["3ds_prompt"])} <code>{THREE_DS_CODE}</code></p>
<form method="post" action="{escape(action)}" autocomplete="off">
<label for="code">{escape(text["code"])}</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
<button type="submit">{escape(text["confirm"])}</button>
</form>""",
    )


def outcome_page(payment: Payment, lang: Language) -> str:
    """Succeeded, canceled (with the reason) or still processing, and the way back."""
    text = _TEXT[lang]
    reason = f" ({escape(payment.cancel_reason)})" if payment.cancel_reason else ""
    back = (
        f'<p><a href="{escape(payment.return_url)}">{escape(text["back"])}</a></p>'
        if payment.return_url
        else ""
    )
    heading = escape(text[payment.status])
    return _page(lang, f"<h1>{heading}{reason}</h1>\n{_summary(payment)}\n{back}")


def not_found_page(lang: Language) -> str:
    return _page(lang, f"<h1>{escape(_TEXT[lang]['not_found'])}</h1>")
