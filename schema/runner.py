"""Running a query by its plan (schema.plans), with graphql-core's semantics.

The same answer, the same errors at the same paths, the same nulls where a non-null
field failed, as graphql-core's executor gives; what changes is the work per object.
A field strawberry resolves without a resolver (a basic field) is called without a
resolve info or a path; a path is made where an object or list below needs one, or an
error is located; leaves are coerced by the function their type was planned with.
Awaitables are handled as graphql-core does: an object or list with a pending value
becomes an awaitable of itself, gathered with the others; all-synchronous parts of an
answer create no coroutine at all.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from graphql import GraphQLError, located_error
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined, gather_with_cancel, inspect, is_iterable

from schema.plans import ABSTRACT, LEAF, LIST, OBJECT, FieldPlan, ObjectPlan, Shape

NO_ARGUMENTS: dict[str, Any] = {}
# values that are never awaitable, by type: most of an answer, checked with one lookup
PLAIN = frozenset({type(None), bool, int, float, str, list, dict, Decimal, datetime, date})


def _null_error(f: FieldPlan) -> TypeError:
    return TypeError(f"Cannot return null for non-nullable field {f.parent.name}.{f.name}.")


def _leaf(shape: Shape, value: Any) -> Any:
    coerced = shape.coerce(value)
    if coerced is Undefined or coerced is None:
        raise TypeError(
            f"Expected `{inspect(shape.leaf)}.coerce_output_value({inspect(value)})` to"
            f" return non-nullable value, returned: {inspect(coerced)}"
        )
    return coerced


class PlanRunner:
    """Completes values by plan; mixed into graphql-core's executor (schema.execution),
    whose state (errors, variables, context, resolve info) it uses as is."""

    # graphql-core's executor provides these
    is_awaitable: Any
    is_async_iterable: Any
    collected_errors: Any
    error_propagation: bool
    variable_values: Any
    hide_suggestions: bool
    type_resolver: Any
    build_resolve_info: Any
    ensure_valid_runtime_type: Any
    with_abort_signal: Any
    settle_in_background: Any

    def run_object(self, plan: ObjectPlan, source: Any, path: Path | None) -> Any:
        """The object's answer, or an awaitable of it when a field is pending."""
        results: dict[str, Any] = {}
        pending: list[str] | None = None
        is_awaitable = self.is_awaitable
        type_name = plan.type.name
        for f in plan.fields:
            key = f.key
            if f.typename is not None:
                results[key] = f.typename
                continue
            field_path = None
            try:
                if f.basic:
                    value = f.resolve(source)
                else:
                    field_path = Path(path, key, type_name)
                    info = self.build_resolve_info(f.definition, f.nodes, f.parent, field_path)
                    value = f.resolve(source, info, **self._arguments(f))
                shape = f.shape
                if type(value) not in PLAIN and is_awaitable(value):
                    field_path = field_path or Path(path, key, type_name)
                    results[key] = self._later(shape, f, value, field_path)
                elif value is None:
                    if shape.non_null:
                        raise _null_error(f)
                    results[key] = None
                    continue
                elif shape.kind == LEAF:
                    results[key] = _leaf(shape, value)
                    continue
                else:
                    field_path = field_path or Path(path, key, type_name)
                    done = self.complete(shape, f, value, field_path)
                    if not is_awaitable(done):
                        results[key] = done
                        continue
                    results[key] = self._guarded(shape, done, field_path)
                if pending is None:
                    pending = []
                pending.append(key)
            except Exception as raw:
                try:
                    self._field_error(raw, f.shape, field_path or Path(path, key, type_name))
                except Exception:
                    # the object is nulled: what its other fields started still settles
                    self._settle([results[k] for k in pending or ()])
                    raise
                results[key] = None
        if pending is None:
            return results
        return _gather_into(results, pending)

    def complete(self, shape: Shape, f: FieldPlan, value: Any, path: Path) -> Any:
        """A resolved value completed to its shape (graphql-core's complete_value)."""
        if isinstance(value, Exception):
            raise value
        if value is None:
            if shape.non_null:
                raise _null_error(f)
            return None
        kind = shape.kind
        if kind == LEAF:
            return _leaf(shape, value)
        if kind == OBJECT:
            return self._object(shape, f, value, path)
        if kind == LIST:
            return self._list(shape, f, value, path)
        assert kind == ABSTRACT
        return self._abstract(shape, f, value, path)

    def _object(self, shape: Shape, f: FieldPlan, value: Any, path: Path) -> Any:
        object_type, plan = shape.object_type, shape.plan
        assert object_type is not None
        assert plan is not None
        if object_type.is_type_of is not None:
            info = self.build_resolve_info(f.definition, f.nodes, f.parent, path)
            matches = object_type.is_type_of(value, info)
            if self.is_awaitable(matches):
                return self._object_checked_later(shape, matches, value, path)
            if not matches:
                raise _wrong_type(shape, value)
        return self.run_object(plan, value, path)

    async def _object_checked_later(
        self, shape: Shape, matches: Any, value: Any, path: Path
    ) -> Any:
        if not await self.with_abort_signal(matches):
            raise _wrong_type(shape, value)
        assert shape.plan is not None
        done = self.run_object(shape.plan, value, path)
        return await done if self.is_awaitable(done) else done

    def _abstract(self, shape: Shape, f: FieldPlan, value: Any, path: Path) -> Any:
        abstract = shape.abstract
        assert abstract is not None
        info = self.build_resolve_info(f.definition, f.nodes, f.parent, path)
        runtime = (abstract.resolve_type or self.type_resolver)(value, info, abstract)
        if self.is_awaitable(runtime):
            return self._abstract_later(shape, f, runtime, value, path, info)
        object_type = self.ensure_valid_runtime_type(runtime, abstract, shape.details, info, value)
        return self._object(shape.by_type[object_type.name], f, value, path)

    async def _abstract_later(
        self, shape: Shape, f: FieldPlan, runtime: Any, value: Any, path: Path, info: Any
    ) -> Any:
        name = await self.with_abort_signal(runtime)
        object_type = self.ensure_valid_runtime_type(
            name, shape.abstract, shape.details, info, value
        )
        done = self._object(shape.by_type[object_type.name], f, value, path)
        return await done if self.is_awaitable(done) else done

    def _list(self, shape: Shape, f: FieldPlan, value: Any, path: Path) -> Any:
        if self.is_async_iterable(value):
            return self._async_list(shape, f, value, path)
        if not is_iterable(value):
            raise GraphQLError(
                f"Expected Iterable, but did not find one for field '{f.parent.name}.{f.name}'."
            )
        item = shape.item
        assert item is not None
        is_awaitable = self.is_awaitable
        completed: list[Any] = []
        pending: list[int] | None = None
        for index, element in enumerate(value):
            try:
                if type(element) not in PLAIN and is_awaitable(element):
                    done = self._later(item, f, element, path.add_key(index, None))
                elif element is not None and item.kind == LEAF:
                    completed.append(_leaf(item, element))
                    continue
                else:
                    item_path = path.add_key(index, None)
                    done = self.complete(item, f, element, item_path)
                    if not is_awaitable(done):
                        completed.append(done)
                        continue
                    done = self._guarded(item, done, item_path)
                completed.append(done)
                if pending is None:
                    pending = []
                pending.append(index)
            except Exception as raw:
                try:
                    self._field_error(raw, item, path.add_key(index, None))
                except Exception:
                    self._settle([completed[i] for i in pending or ()])
                    raise
                completed.append(None)
        if pending is None:
            return completed
        return _gather_into(completed, pending)

    async def _async_list(self, shape: Shape, f: FieldPlan, value: Any, path: Path) -> Any:
        items = [element async for element in value]
        done = self._list(shape, f, items, path)
        return await done if self.is_awaitable(done) else done

    async def _later(self, shape: Shape, f: FieldPlan, value: Awaitable[Any], path: Path) -> Any:
        """A pending resolver value, awaited then completed; a failure is the field's."""
        try:
            resolved = await self.with_abort_signal(value)
            done = self.complete(shape, f, resolved, path)
            return await done if self.is_awaitable(done) else done
        except Exception as raw:
            self._field_error(raw, shape, path)
            return None

    async def _guarded(self, shape: Shape, done: Awaitable[Any], path: Path) -> Any:
        try:
            return await done
        except Exception as raw:
            self._field_error(raw, shape, path)
            return None

    def _settle(self, started: list[Any]) -> None:
        if started:
            self.settle_in_background(started)

    def _field_error(self, raw: Exception, shape: Shape, path: Path) -> None:
        """graphql-core's handle_field_error: a non-null position passes it up."""
        error = located_error(raw, shape.nodes, path.as_list())
        if self.error_propagation and shape.non_null:
            raise error
        self.collected_errors.add(error, path)

    def _arguments(self, f: FieldPlan) -> dict[str, Any]:
        if not f.has_arguments:
            return NO_ARGUMENTS
        if f.dynamic:
            node = f.nodes[0]
            return get_argument_values(
                f.definition, node, self.variable_values, None, self.hide_suggestions
            )
        if f.arguments is None:
            # literals only: the same for every request that runs this plan
            f.arguments = get_argument_values(
                f.definition, f.nodes[0], None, None, self.hide_suggestions
            )
        return f.arguments


def _wrong_type(shape: Shape, value: Any) -> GraphQLError:
    return GraphQLError(
        f"Expected value of type '{shape.object_type}' but got: {inspect(value)}.", shape.nodes
    )


async def _gather_into(results: Any, pending: list[Any]) -> Any:
    if len(pending) == 1:
        results[pending[0]] = await results[pending[0]]
        return results
    values = await gather_with_cancel(*(results[key] for key in pending))
    for key, value in zip(pending, values, strict=True):
        results[key] = value
    return results
