"""Numbers and logins as people type them (API.md section 3)."""

from __future__ import annotations

import re

import phonenumbers

from models.errors import DomainError, ErrorCode

_SEPARATORS = re.compile(r"[\s\-()]+")
_FORMS = re.compile(r"^(?:\+7|7|8)?([0-9]{10})$")
HOME_LOGIN = re.compile(r"^089[0-9]{7}$")


def normalize_msisdn(raw: str, *, field: str = "msisdn") -> str:
    """Return the 10 national digits of a Russian mobile number, or raise INVALID_INPUT.

    Accepts `+7 903 123-45-67`, `+7 (903) 123-45-67`, `8 (903) 1234567`, `79031234567`,
    `89031234567`, `9031234567` and the like. The numbering plan is checked with
    `phonenumbers`, so `+7 000 ...` or a landline is refused, not silently stored.
    """
    digits = _national_digits(raw)
    if digits is None or HOME_LOGIN.match(digits):
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_msisdn", field=[field])
    parsed = phonenumbers.parse("+7" + digits)
    if phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_msisdn", field=[field])
    return digits


def normalize_line_number(raw: str, *, field: str = "msisdn") -> str:
    """A line's number: a mobile MSISDN or a home-internet contract number (`089xxxxxxx`)."""
    digits = _national_digits(raw)
    if digits is not None and HOME_LOGIN.match(digits) and _is_bare(raw):
        return digits
    return normalize_msisdn(raw, field=field)


def _is_bare(raw: str) -> bool:
    return _SEPARATORS.sub("", raw).isdigit() and len(_SEPARATORS.sub("", raw)) == 10


def _national_digits(raw: str) -> str | None:
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    compact = _SEPARATORS.sub("", raw.strip())
    match = _FORMS.match(compact)
    return match.group(1) if match else None


def mask_login(login: str) -> str:
    """A login as an SMS to someone else may show it: `+7 903 ***-**-67` for a number,
    `089 ***-**-67` for a home-internet login, `***` for anything else (an alias is
    free text the person chose, and no free text goes into an operator's SMS)."""
    if len(login) == 10 and login.isdigit():
        prefix = f"+7 {login[:3]}" if login.startswith("9") else login[:3]
        return f"{prefix} ***-**-{login[-2:]}"
    return "***"


def normalize_any_number(raw: str) -> str | None:
    """Any valid telephone number as usage shows it: a Russian one (mobile or landline)
    by its 10 national digits, a foreign one as `+` and its international digits; None
    for what is not a valid number."""
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    try:
        parsed = phonenumbers.parse(raw, "RU")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    if parsed.country_code == 7 and len(str(parsed.national_number)) == 10:
        return str(parsed.national_number)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
