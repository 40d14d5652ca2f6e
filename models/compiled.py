"""Hot reads whose SQL tortoise builds once per database and shape, then runs again.

Building a statement (tortoise's QuerySet, then pypika's SQL) cost more CPU than
running it: a sixth of a dashboard request went to generating the same seven
statements again and again (issue 10). A `Compiled` read keeps what tortoise generated
the first time for a shape (the database's dialect and the length of each list
argument): the SQL text and the executor's plan for `select_related`. Later calls send
that text with their own values through the same connection (a transaction's, inside
one) and turn rows into models with tortoise's own code.

The values are listed by the caller (`params`), in the order the statement takes them.
The first build of every shape checks that list against the values tortoise itself put
in the statement, so a wrong order, or a tortoise that orders them differently after an
upgrade, fails the first call (and the tests) instead of reading the wrong rows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

M = TypeVar("M", bound=Model)

# a list longer than this is built every time: one cached text per length up to here
MAX_CACHED_LENGTH = 100


@dataclass(frozen=True)
class _Plan:
    sql: str
    select_related: list[Any]


class Compiled(Generic[M]):
    """A read of `model` rows, built by `build(*args)` with values `params(*args)`.

    Example:
        ALLOWANCES = Compiled(
            Allowance,
            lambda ids: Allowance.filter(line_id__in=ids).order_by("kind"),
            lambda ids: list(ids),
        )
        rows = await ALLOWANCES.run([1, 2, 3])
    """

    def __init__(
        self,
        model: type[M],
        build: Callable[..., QuerySet[M]],
        params: Callable[..., list[Any]],
    ) -> None:
        self.model = model
        self.build = build
        self.params = params
        self._plans: dict[tuple[Any, ...], _Plan] = {}

    async def run(self, *args: Any) -> list[M]:
        db = self.model._meta.db
        shape = _shape(args)
        if shape is None:
            return list(await self.build(*args))
        key = (db.capabilities.dialect, *shape)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._compile(args)
        executor = db.executor_class(
            model=self.model, db=db, select_related_idx=plan.select_related
        )
        rows: list[M] = await executor.execute_select(plan.sql, self.params(*args))
        return rows

    def _compile(self, args: tuple[Any, ...]) -> _Plan:
        query = self.build(*args)
        # what awaiting the QuerySet would do, stopping before it runs
        query._choose_db_if_not_chosen()
        query._make_query()
        sql, values = query.query.get_parameterized_sql()
        expected = self.params(*args)
        if list(values) != expected:
            raise RuntimeError(
                f"compiled read of {self.model.__name__}: tortoise binds {values!r}, "
                f"params() lists {expected!r}"
            )
        return _Plan(sql, list(query._select_related_idx))


def _shape(args: tuple[Any, ...]) -> tuple[int | None, ...] | None:
    """The length of each list argument (None for a scalar); None if one is too long."""
    shape: list[int | None] = []
    for arg in args:
        if isinstance(arg, Collection) and not isinstance(arg, str | bytes):
            if len(arg) > MAX_CACHED_LENGTH:
                return None
            shape.append(len(arg))
        else:
            shape.append(None)
    return tuple(shape)
