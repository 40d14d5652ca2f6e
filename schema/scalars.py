"""Scalars and small shared types: Decimal, Money, UserError, ErrorCode, Node helpers."""

from __future__ import annotations

from decimal import Decimal as PyDecimal
from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from models.errors import DomainError, ErrorCode
from models.money import CURRENCY, format_decimal, parse_decimal, to_decimal

Decimal = NewType("Decimal", PyDecimal)

DECIMAL_SCALAR = strawberry.scalar(
    name="Decimal",
    description='An exact decimal number written as a string, e.g. "150.00". Never a float.',
    serialize=format_decimal,
    parse_value=parse_decimal,
)
SCALAR_MAP: dict[object, ScalarDefinition] = {Decimal: DECIMAL_SCALAR}

# strawberry.enum registers the domain enum in place (it returns the same class), so
# fields are annotated with the domain enum itself; every schema enum follows this pattern
strawberry.enum(ErrorCode, description="Stable error codes.")


@strawberry.type(description="An amount of money, exact to the kopeck.")
class Money:
    # holds the plain Decimal of models.money; the schema shows it as the Decimal scalar
    amount: PyDecimal = strawberry.field(
        graphql_type=Decimal, description='Roubles with two places, e.g. "150.00".'
    )
    currency: str = strawberry.field(description="ISO 4217 code, RUB.")

    @classmethod
    def from_kopecks(cls, kopecks: int) -> Money:
        return cls(amount=to_decimal(kopecks), currency=CURRENCY)


@strawberry.type(description="An expected failure of a mutation, in the request's language.")
class UserError:
    code: ErrorCode = strawberry.field(description="What went wrong; never translated.")
    message: str = strawberry.field(description="For people: Russian or English.")
    field: list[str] | None = strawberry.field(
        default=None, description="Path to the input field at fault, if one is."
    )
    retry_after: int | None = strawberry.field(
        default=None,
        description="RATE_LIMITED and LOCKED: seconds until trying again can succeed.",
    )


def user_error(error: DomainError, language: str) -> UserError:
    from i18n import translate

    retry_after = error.params.get("retry_after")
    return UserError(
        code=error.code,
        message=translate(error.message_key, language, **error.params),
        field=error.field,
        retry_after=retry_after if isinstance(retry_after, int) else None,
    )
