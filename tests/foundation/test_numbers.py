"""API.md section 3: numbers in every form people type; anything else is INVALID_INPUT."""

import pytest

from models.errors import DomainError, ErrorCode
from models.msisdn import normalize_line_number, normalize_msisdn

ACCEPTED = [
    "+7 903 123-45-67",
    "+7 (903) 123-45-67",
    "8 (903) 1234567",
    "8 903 123 45 67",
    "79031234567",
    "89031234567",
    "9031234567",
    " +7-903-123-45-67 ",
]

REFUSED = [
    "",
    "903123456",
    "903123456789",
    "+8 903 123-45-67",
    "+1 903 123 45 67",
    "abc",
    "9031234567; DROP TABLE line",
    "+7 903 123 45 6７",  # a full-width digit
    "٩٠٣١٢٣٤٥٦٧",  # Arabic-Indic digits
    "+7 495 123-45-67",  # a Moscow landline is not a mobile number
    "0000000000",
    "9" * 10_000,
    "0891234567",  # a home-internet login is not a mobile number
]


@pytest.mark.parametrize("raw", ACCEPTED)
def test_every_typed_form_is_the_same_ten_digits(raw: str) -> None:
    assert normalize_msisdn(raw) == "9031234567"


@pytest.mark.parametrize("raw", REFUSED)
def test_anything_else_is_invalid_input(raw: str) -> None:
    with pytest.raises(DomainError) as caught:
        normalize_msisdn(raw)
    assert caught.value.code is ErrorCode.INVALID_INPUT
    assert caught.value.field == ["msisdn"]


def test_a_line_number_may_be_a_home_internet_contract() -> None:
    assert normalize_line_number("0891234567") == "0891234567"
    assert normalize_line_number("+7 903 123-45-67") == "9031234567"
