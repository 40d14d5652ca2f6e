"""How graphql-core runs our documents: rows in an answer are values, not awaitables.

A tortoise row defines `__await__` (so that `await Model.create(...)` chains), and
graphql-core takes anything with `__await__` for an awaitable: every tariff, allowance
or service in an answer cost a coroutine, and every list of them a gather of tasks. On
the fifty-line dashboard that was more than half of the execution (issue 10). Here a row
is what it is, a finished value; coroutines and pending loads are still awaited.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from types import CoroutineType
from typing import Any, TypeGuard

from strawberry.execution import optimized_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from tortoise.models import Model

# asked for every value of the answer (thousands per page): the types that make up most
# of them answer with one set lookup
_VALUES = frozenset({type(None), bool, int, float, str, list, tuple, dict, Decimal, datetime, date})


def is_awaitable(value: Any) -> TypeGuard[Any]:
    """graphql-core's question, answered False for a tortoise row."""
    kind = type(value)
    if kind in _VALUES:
        return False
    if kind is CoroutineType:
        return True
    if isinstance(value, Model | Enum):
        return False
    return optimized_is_awaitable(value)


class Execution(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with `is_awaitable` above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # strawberry passes its own predicate to every execution: replace it here
        self.is_awaitable = is_awaitable
