"""How graphql-core runs our documents: queries by plan, rows in an answer are values.

A query runs by its document's plan (schema.plans, schema.runner): built the first
time the document runs, kept while the document is, and the same answer graphql-core's
executor would give at a fraction of its work per object (issue 10). Mutations run
field after field as graphql-core runs them, and a document a plan cannot express is
run by graphql-core whole.

A tortoise row defines `__await__` (so that `await Model.create(...)` chains), and
graphql-core takes anything with `__await__` for an awaitable: every tariff, allowance
or service in an answer cost a coroutine, and every list of them a gather of tasks. On
the fifty-line dashboard that was more than half of the execution (issue 10). Here a row
is what it is, a finished value; coroutines and pending loads are still awaited.
"""

from __future__ import annotations

import weakref
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from types import CoroutineType
from typing import Any, TypeGuard

from graphql import DocumentNode, GraphQLError, OperationType
from strawberry.execution import optimized_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from tortoise.models import Model

from schema.plans import ObjectPlan, Planner, Unplannable
from schema.runner import PlanRunner

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


Plan = ObjectPlan | None


class Plans:
    """The plans of the documents alive in this process, by document, schema and
    operation name. A plan lives as long as its document: the documents strawberry's
    cache keeps (schema.documents) keep theirs; a document parsed for one request takes
    its plan with it. None: that operation is left to graphql-core."""

    def __init__(self) -> None:
        self._by_document: dict[int, dict[tuple[int, str | None], tuple[Any, Plan]]] = {}
        self.built = 0  # plans built since start-up (tests and the bench read it)

    def __len__(self) -> int:
        return len(self._by_document)

    def plan(self, execution: Execution) -> ObjectPlan | None:
        schema, document, operation = execution.schema, execution.document, execution.operation
        plans = self._by_document.get(id(document))
        if plans is None:
            plans = self._by_document[id(document)] = {}
            weakref.finalize(document, self._by_document.pop, id(document), None)
        key = (id(schema), operation.name.value if operation.name else None)
        found = plans.get(key)
        if found is not None and found[0] is schema:
            return found[1]
        planner = Planner(
            schema, execution.fragment_definitions, operation, execution.field_resolver
        )
        root = schema.query_type
        try:
            plan: Plan = planner.root_plan(root) if root is not None else None
        except (Unplannable, RecursionError):
            plan = None
        self.built += 1
        plans[key] = (schema, plan)
        return plan


PLANNED = Plans()


class Execution(PlanRunner, StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context: `is_awaitable` above, queries run by plan."""

    document: DocumentNode

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # strawberry passes its own predicate to every execution: replace it here
        self.is_awaitable = is_awaitable

    @classmethod
    def build(cls, schema: Any, document: DocumentNode, *args: Any, **kwargs: Any) -> Any:
        built = super().build(schema, document, *args, **kwargs)
        if isinstance(built, Execution):
            built.document = document  # the plan is kept by document
        return built

    def execute_operation(self, serially: bool | None = None) -> Any:
        if (
            serially is not None
            or self.operation.operation is not OperationType.QUERY
            # strawberry passes a manager always; a `resolve` hook in it wraps every field
            or (self.middleware_manager is not None and self.middleware_manager.middlewares)
            or self.abort_signal is not None
        ):
            return super().execute_operation(serially)
        plan = PLANNED.plan(self)
        if plan is None:
            return super().execute_operation(serially)
        try:
            data = self.run_object(plan, self.root_value, None)
        except GraphQLError as error:
            self.collected_errors.add(error, None)
            return self.build_response(None)
        if self.is_awaitable(data):
            return self._finished_later(data)
        return self.build_response(data)

    async def _finished_later(self, data: Any) -> Any:
        try:
            return self.build_response(await data)
        except GraphQLError as error:
            self.collected_errors.add(error, None)
            return self.build_response(None)
