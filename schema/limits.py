"""Query limits checked before a document runs: depth, aliases, tokens and cost.

Each failure is a GraphQL error with its own `extensions.code` (API.md section 7). The
cost is Shopify-style: an object field costs 1 plus its selections, a connection field
costs `first` (or `last`, default 20) times that, so nested connections multiply.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_composite_type,
)
from strawberry.extensions import SchemaExtension

from config import QueryLimits
from resolvers.pagination import DEFAULT_PAGE_SIZE


class LimitError(GraphQLError):
    """A query refused by a limit; carries its code and figures in `extensions`."""

    def __init__(self, code: str, message_key: str | None = None, **figures: Any) -> None:
        super().__init__(code, extensions={"code": code, **figures})
        self.message_key = message_key or code
        self.figures = figures


class QueryLimitsExtension(SchemaExtension):
    """Refuse documents over the configured limits before validation and execution."""

    def __init__(self, *, limits: QueryLimits) -> None:
        self.limits = limits

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.limits.max_tokens
        yield

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        if document is not None and ctx.pre_execution_errors is None:
            error = self._check(ctx.schema._schema, document, ctx.operation_name, ctx.variables)
            if error is not None:
                ctx.pre_execution_errors = [error]
        yield

    def _check(
        self, schema: GraphQLSchema, document: Any, operation_name: str | None, variables: Any
    ) -> LimitError | None:
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        walker = _Walker(schema, fragments, variables or {})
        aliases = sum(walker.aliases(op.selection_set, frozenset()) for op in operations)
        if aliases > self.limits.max_aliases:
            return LimitError("TOO_MANY_ALIASES", count=aliases, max=self.limits.max_aliases)
        for op in operations:
            depth = walker.depth(op.selection_set, frozenset())
            if depth > self.limits.max_depth:
                return LimitError("QUERY_TOO_DEEP", depth=depth, max=self.limits.max_depth)
        for op in operations:
            if operation_name and (op.name is None or op.name.value != operation_name):
                continue
            root = schema.get_root_type(op.operation)
            cost = walker.cost(op.selection_set, root, frozenset())
            if cost > self.limits.max_cost:
                return LimitError("QUERY_TOO_COMPLEX", cost=cost, max=self.limits.max_cost)
        return None


class _Walker:
    """Walks selection sets through fragments; fragment cycles stop instead of looping."""

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, Any], variables: dict) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def _expand(self, selection_set: SelectionSetNode | None, seen: frozenset[str]) -> Iterator:
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    yield from self._expand(fragment.selection_set, seen | {name})
            elif isinstance(selection, InlineFragmentNode):
                yield from self._expand(selection.selection_set, seen)
            else:
                yield selection, seen

    def aliases(self, selection_set: SelectionSetNode | None, seen: frozenset[str]) -> int:
        total = 0
        for field, inner_seen in self._expand(selection_set, seen):
            total += (1 if field.alias else 0) + self.aliases(field.selection_set, inner_seen)
        return total

    def depth(self, selection_set: SelectionSetNode | None, seen: frozenset[str]) -> int:
        deepest = 0
        for field, inner_seen in self._expand(selection_set, seen):
            if field.selection_set is not None:
                deepest = max(deepest, 1 + self.depth(field.selection_set, inner_seen))
            else:
                deepest = max(deepest, 1)
        return deepest

    def cost(self, selection_set: SelectionSetNode | None, parent: Any, seen: frozenset[str]) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    target = self.schema.get_type(fragment.type_condition.name.value) or parent
                    total += self.cost(fragment.selection_set, target, seen | {name})
            elif isinstance(selection, InlineFragmentNode):
                target = parent
                if selection.type_condition is not None:
                    target = self.schema.get_type(selection.type_condition.name.value) or parent
                total += self.cost(selection.selection_set, target, seen)
            else:
                total += self._field_cost(selection, parent, seen)
        return total

    def _field_cost(self, field: FieldNode, parent: Any, seen: frozenset[str]) -> int:
        definition = None
        if isinstance(parent, GraphQLObjectType) or hasattr(parent, "fields"):
            definition = parent.fields.get(field.name.value)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if not is_composite_type(named):
            return 0
        inner = 1 + self.cost(field.selection_set, named, seen)
        if "first" in definition.args or "last" in definition.args:
            return self._page_size(field) * inner
        return inner

    def _page_size(self, field: FieldNode) -> int:
        size = None
        for argument in field.arguments:
            if argument.name.value not in ("first", "last"):
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                size = int(value.value)
            elif isinstance(value, VariableNode):
                raw = self.variables.get(value.name.value)
                size = raw if isinstance(raw, int) else None
        # an oversize page is refused by the resolver; cost still counts what was asked
        return max(size if size is not None else DEFAULT_PAGE_SIZE, 1)
