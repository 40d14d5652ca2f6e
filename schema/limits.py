"""Query limits checked before a document runs: depth, aliases, tokens and cost.

Each failure is a GraphQL error with its own `extensions.code` (API.md section 7). The
cost is Shopify-style: an object field costs 1 plus its selections, and a field that
answers many objects costs that times how many it may answer, so lists multiply:

- a connection: `first` (or `last`; default 20);
- a field taking a list of ids (`nodes(ids:)`): the number of ids given;
- a plain list (`remains`, `services`, `grants` ...): the bound stated for it in
  `LIST_BOUNDS`, else `DEFAULT_LIST_BOUND`.

Scalars cost nothing. The README states the same rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
)
from graphql.execution.values import get_variable_values
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError

from config import QueryLimits
from models import AllowanceKind
from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

# how many objects a plain list field may hold, where the domain bounds it
LIST_BOUNDS: dict[tuple[str, str], int] = {
    ("Line", "remains"): len(AllowanceKind),
}
# any other plain list: what a family's lists hold with room to spare
DEFAULT_LIST_BOUND = 10


class LimitError(GraphQLError):
    """A query refused by a limit; carries its code and figures in `extensions`."""

    def __init__(self, code: str, message_key: str | None = None, **figures: Any) -> None:
        super().__init__(code, extensions={"code": code, **figures})
        self.message_key = message_key or code
        self.figures = figures


def too_deep(max_depth: int) -> LimitError:
    """QUERY_TOO_DEEP for a document too deep to even measure (Python's recursion ran out)."""
    error = LimitError("QUERY_TOO_DEEP", max=max_depth)
    error.figures = {"depth": f">{max_depth}", "max": max_depth}
    return error


class QueryLimitsExtension(SchemaExtension):
    """Refuse documents over the configured limits before validation and execution."""

    def __init__(self, *, limits: QueryLimits) -> None:
        self.limits = limits
        self.requested: int | None = None

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.limits.max_tokens
        yield

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        # a document already refused (or known good: schema.documents) is still measured
        if document is not None and not ctx.pre_execution_errors:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if ctx._provided_operation_name is None and len(operations) > 1:
                # GraphQL's GetOperation: without a name the document must hold exactly one
                # operation; strawberry would run the first. Its own exception for "which
                # operation?" makes the HTTP view answer with a coded request error.
                raise CannotGetOperationTypeError(None)
            try:
                error = self._check(ctx.schema._schema, document, ctx.operation_name, ctx.variables)
            except RecursionError:
                # a long chain of fragments nests the walk as deeply as fields would
                error = too_deep(self.limits.max_depth)
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
        walker = _Walker(schema, fragments)
        aliases = sum(walker.aliases(op.selection_set) for op in operations)
        if aliases > self.limits.max_aliases:
            return LimitError("TOO_MANY_ALIASES", count=aliases, max=self.limits.max_aliases)
        for op in operations:
            depth = walker.depth(op.selection_set)
            if depth > self.limits.max_depth:
                return LimitError("QUERY_TOO_DEEP", depth=depth, max=self.limits.max_depth)
        for op in operations:
            if operation_name and (op.name is None or op.name.value != operation_name):
                continue
            root = schema.get_root_type(op.operation)
            cost = walker.operation_cost(op, root, _coerced_variables(schema, op, variables))
            if walker.oversize:
                # the same answer a resolver would give, before anything runs
                return LimitError(
                    "INVALID_INPUT", "first_too_large", max=MAX_PAGE_SIZE, field=walker.oversize[:1]
                )
            if cost > self.limits.max_cost:
                return LimitError("QUERY_TOO_COMPLEX", cost=cost, max=self.limits.max_cost)
            self.requested = cost
        return None

    def get_results(self) -> dict[str, Any]:
        """`extensions.cost` of every answer that ran, as Shopify reports it: what the
        document may cost (the limit's measure) and what it did (objects answered)."""
        result = self.execution_context.result
        if self.requested is None or result is None:
            return {}
        # the data object itself is the answer, not an object of it
        actual = max(_objects(result.data) - 1, 0)
        return {
            "cost": {"requested": self.requested, "actual": actual, "max": self.limits.max_cost}
        }


# the mutations that run argon2 (a verify or a hash: ~0.1 s of a core and 64 MiB each)
ARGON2_MUTATIONS = frozenset({"login", "changePassword", "setPassword", "requestPassword"})


class OnePasswordCheck(ValidationRule):
    """At most one mutation that runs argon2 per operation.

    Thirty aliased `changePassword` calls in one request were thirty argon2 verifies
    before any throttle could count them as more than one request; nobody needs two
    in one request. Counted through fragments, refused before anything runs.
    """

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        if node.operation != OperationType.MUTATION:
            return
        count = self._count(node.selection_set, set())
        if count > 1:
            self.report_error(LimitError("TOO_MANY_PASSWORD_CHECKS", count=count, max=1))

    def _count(self, selection_set: SelectionSetNode | None, seen: set[str]) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += selection.name.value in ARGON2_MUTATIONS
            elif isinstance(selection, InlineFragmentNode):
                total += self._count(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)  # a cycle is validation's to refuse
                fragment = self.context.get_fragment(selection.name.value)
                total += self._count(fragment.selection_set if fragment else None, seen)
        return total


def _objects(value: Any) -> int:
    """Objects in an answer's data: each costs 1 in the formula, scalars nothing.
    (A loop, not a recursion: it visits every value of every answer.)"""
    count, stack = 0, [value]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            count += 1
            push(item.values())
        elif kind is list:
            push(item)
    return count


class NoNulInStrings(ValidationRule):
    """A NUL written in the document as an escape ("\\u0000") becomes a real NUL only
    when graphql-core parses it, after the request body was checked: refuse it here,
    before anything runs (PostgreSQL cannot store it, SQLite would cut the text at it)."""

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        if "\x00" in node.value:
            self.report_error(LimitError("INVALID_INPUT", "nul_character"))


def _coerced_variables(
    schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Any
) -> dict[str, Any]:
    """The variables as execution will see them: defaults applied, 100.0 read as the Int
    100. Measured on anything rawer, a float would slip a huge page past the limits.
    None coerce when any is wrong, and execution then refuses the document anyway."""
    values = get_variable_values(
        schema,
        operation.variable_definitions or (),
        variables if isinstance(variables, dict) else {},
    )
    # graphql-core 3.3 wraps the dict (VariableValues.coerced); 3.2 returned it bare;
    # a list means the values do not coerce
    coerced = getattr(values, "coerced", values)
    return coerced if isinstance(coerced, dict) else {}


def _literal_int(text: str) -> int:
    """An Int literal's value; past any page size it needs not be converted exactly (and
    Python refuses to convert thousands of digits at all)."""
    digits = text.lstrip("-")
    if len(digits) > 12:
        return -(10**12) if text.startswith("-") else 10**12
    return int(text)


class _Walker:
    """Walks selection sets through fragments.

    Each fragment is measured once and the figure reused at every spread: a document
    that spreads fragments into each other twice per level would otherwise cost the
    walk 2^n steps, which is the very attack the limits are for. A fragment cycle counts
    0 (validation refuses it right after).
    """

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, Any]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables: dict[str, Any] = {}
        self._memo: dict[tuple[str, str], int] = {}
        # connection fields asking for more than a page may hold: INVALID_INPUT, not cost
        self.oversize: list[str] = []
        self._active: set[tuple[str, str]] = set()

    def _fragment(self, measure: str, name: str, compute: Callable[[Any], int]) -> int:
        key = (measure, name)
        if key in self._memo:
            return self._memo[key]
        fragment = self.fragments.get(name)
        if fragment is None or key in self._active:
            return 0
        self._active.add(key)
        try:
            value = compute(fragment)
        finally:
            self._active.discard(key)
        self._memo[key] = value
        return value

    def aliases(self, selection_set: SelectionSetNode | None) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FragmentSpreadNode):
                total += self._fragment(
                    "aliases", selection.name.value, lambda f: self.aliases(f.selection_set)
                )
            elif isinstance(selection, InlineFragmentNode):
                total += self.aliases(selection.selection_set)
            elif isinstance(selection, FieldNode):
                total += (1 if selection.alias else 0) + self.aliases(selection.selection_set)
        return total

    def depth(self, selection_set: SelectionSetNode | None) -> int:
        deepest = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FragmentSpreadNode):
                depth = self._fragment(
                    "depth", selection.name.value, lambda f: self.depth(f.selection_set)
                )
            elif isinstance(selection, InlineFragmentNode):
                depth = self.depth(selection.selection_set)
            elif isinstance(selection, FieldNode):
                depth = 1 + self.depth(selection.selection_set)
            else:  # pragma: no cover - graphql-core has no other selection kinds
                depth = 0
            deepest = max(deepest, depth)
        return deepest

    def operation_cost(
        self, operation: OperationDefinitionNode, root: Any, variables: dict[str, Any]
    ) -> int:
        # a page size may come from a variable, or from that variable's default
        self.variables = variables
        self._memo = {key: value for key, value in self._memo.items() if key[0] != "cost"}
        return self.cost(operation.selection_set, root)

    def cost(self, selection_set: SelectionSetNode | None, parent: Any) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FragmentSpreadNode):
                total += self._fragment("cost", selection.name.value, self._fragment_cost)
            elif isinstance(selection, InlineFragmentNode):
                target = parent
                if selection.type_condition is not None:
                    target = self.schema.get_type(selection.type_condition.name.value) or parent
                total += self.cost(selection.selection_set, target)
            elif isinstance(selection, FieldNode):
                total += self._field_cost(selection, parent)
        return total

    def _fragment_cost(self, fragment: FragmentDefinitionNode) -> int:
        target = self.schema.get_type(fragment.type_condition.name.value)
        return self.cost(fragment.selection_set, target) if target is not None else 0

    def _field_cost(self, field: FieldNode, parent: Any) -> int:
        definition = None
        if isinstance(parent, GraphQLObjectType) or hasattr(parent, "fields"):
            definition = parent.fields.get(field.name.value)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if not is_composite_type(named):
            return 0
        inner = 1 + self.cost(field.selection_set, named)
        if "first" in definition.args or "last" in definition.args:
            return self._page_size(field, definition) * inner
        if is_list_type(get_nullable_type(definition.type)):
            return self._list_size(field, parent, definition) * inner
        return inner

    def _list_size(self, field: FieldNode, parent: Any, definition: Any) -> int:
        """How many objects a plain list field may answer: as many as the ids it was
        given (`nodes(ids:)`), else its stated bound."""
        for argument in field.arguments or ():
            declared = definition.args.get(argument.name.value)
            if declared is None or not is_list_type(get_nullable_type(declared.type)):
                continue
            value = argument.value
            if isinstance(value, ListValueNode):
                return max(len(value.values), 1)
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                return max(len(given), 1) if isinstance(given, list) else 1
        if "pageInfo" in parent.fields:
            return 1  # a connection's edges: its page size was counted on the connection
        return LIST_BOUNDS.get((parent.name, field.name.value), DEFAULT_LIST_BOUND)

    def _page_size(self, field: FieldNode, definition: Any) -> int:
        """The page a connection field asks for: the largest `first`/`last` given (an
        unset variable gives nothing, it does not cancel the other), else the field's own
        default (`transactions` shows 5), else the default page."""
        sizes: list[tuple[int, str]] = []
        for argument in field.arguments or ():
            name = argument.name.value
            if name not in ("first", "last"):
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                sizes.append((_literal_int(value.value), name))
            elif isinstance(value, VariableNode):
                raw = self.variables.get(value.name.value)
                if isinstance(raw, int) and not isinstance(raw, bool):
                    sizes.append((raw, name))
        declared = definition.args["first"].default_value if "first" in definition.args else None
        default = declared if isinstance(declared, int) else DEFAULT_PAGE_SIZE
        size, name = max(sizes) if sizes else (default, "first")
        if size > MAX_PAGE_SIZE:
            self.oversize.append(name)
        return max(size, 1)
