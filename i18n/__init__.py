"""Messages in Russian and English. Codes and field names never change with the language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from i18n.catalog import MESSAGES
from i18n.http import HTTP_MESSAGES
from i18n.zxcvbn_ru import ZXCVBN_RU

LANGUAGES = ("en", "ru")
DEFAULT_LANGUAGE = "en"
# Texts sent out (SMS, USSD answers, e-mail) go in the recipient's language. No person has
# a stored language, so a text to the person who made the request follows that request's
# negotiated language; where no request language speaks for the recipient (USSD and the
# network's endpoints, an SMS to somebody else's number) it is the operator's: Russian.
OPERATOR_LANGUAGE = "ru"


def negotiate(accept_language: str | None) -> str:
    """Pick `ru` or `en` from an Accept-Language header, honouring q-values."""
    best, best_q = DEFAULT_LANGUAGE, -1.0
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-", 1)[0]
        if primary not in LANGUAGES and primary != "*":
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                continue
        q -= position * 1e-6  # ties go to the earlier entry
        if q > best_q and q > 0:
            best, best_q = (DEFAULT_LANGUAGE if primary == "*" else primary), q
    return best


# the operator's clock (Moscow) for moments told to people; the API itself speaks UTC
OPERATOR_TIME_ZONE = ZoneInfo("Europe/Moscow")
MOMENT = {"ru": "%H:%M по московскому времени", "en": "%H:%M Moscow time"}


def translate(key: str, language: str, **params: object) -> str:
    """The message for `key` in `language`; unknown keys fall back to English, then the key."""
    entry = MESSAGES.get(key) or HTTP_MESSAGES.get(key.removeprefix("http."))
    if entry is None:
        return key
    template = entry.get(language) or entry[DEFAULT_LANGUAGE]
    params = {name: _parameter(value, language) for name, value in params.items()}
    try:
        return template.format(**params).strip()
    except (KeyError, IndexError):
        return template


def _parameter(value: object, language: str) -> object:
    # list parameters are hints (zxcvbn feedback): translated one by one, then joined
    if isinstance(value, list):
        return " ".join(_hint(h, language) for h in value)
    # a moment is told as a person reads a clock: the operator's time zone, in words
    if isinstance(value, datetime):
        local = value.astimezone(OPERATOR_TIME_ZONE)
        return local.strftime(MOMENT[language] if language in MOMENT else MOMENT["en"])
    return value


def _hint(text: str, language: str) -> str:
    return ZXCVBN_RU.get(text, text) if language == "ru" else text


__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "OPERATOR_LANGUAGE", "negotiate", "translate"]
