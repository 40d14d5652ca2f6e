"""Execution plans: what graphql-core works out for every object of an answer, once.

graphql-core executes a document by walking its syntax tree for every object it
completes: it looks each field up in the schema, collects fragments, asks each field's
type whether it is non-null, a list, a leaf or an object, and builds a resolve info and
a path, all for every line of a page (issue 10: about 4 µs a field, more than half of a
50-line dashboard). A plan is that work done once per document and kept: for each
selection set and the object type it runs on, the fields to answer in order, each with
its resolver, its static arguments and the shape of its value. `schema.execution` runs
plans; whatever a plan cannot express (a directive, introspection, a subscription,
incremental delivery) is left to graphql-core, which then runs the whole operation.

A document's plan is built whole before it first runs (so that what it cannot express
is known before anything has run), then kept with the document (schema.execution).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    type_from_ast,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.type.introspection import TypeNameMetaFieldDef
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from schema.fields import ComputedField

DEFINITION_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF

LEAF, OBJECT, LIST, ABSTRACT = range(4)


class Unplannable(Exception):
    """The document uses something plans leave to graphql-core."""


@dataclass(slots=True)
class Shape:
    """A field's type as the runner needs it: nullability, then what to do with a value."""

    type: GraphQLOutputType  # the whole type, non-null included
    non_null: bool
    kind: int
    nodes: list[FieldNode]
    details: list[FieldDetails]  # the nodes as graphql-core's error helpers take them
    # LEAF: the type and its output coercion
    coerce: Any = None
    leaf: Any = None
    # OBJECT: the type and the plan of its selection set
    object_type: GraphQLObjectType | None = None
    plan: ObjectPlan | None = None
    # LIST: the items' shape
    item: Shape | None = None
    # ABSTRACT: an OBJECT shape per possible type
    abstract: GraphQLAbstractType | None = None
    by_type: dict[str, Shape] = field(default_factory=dict)


@dataclass(slots=True)
class FieldPlan:
    key: str  # the response name (alias or field name)
    name: str
    definition: GraphQLField
    parent: GraphQLObjectType
    nodes: list[FieldNode]
    # a basic field's (no resolver, no extension: strawberry ignores info and arguments)
    # is read(source); any other's is resolve(source, info, **arguments)
    resolve: Any
    basic: bool
    has_arguments: bool
    # arguments that name variables are coerced per request; the others once, kept here
    dynamic: bool
    shape: Shape
    typename: str | None = None  # __typename: the parent's name, nothing to resolve
    arguments: dict[str, Any] | None = None


@dataclass(slots=True)
class ObjectPlan:
    type: GraphQLObjectType
    fields: list[FieldPlan]


class Planner:
    """Builds the plans of one operation of one document against one schema."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        operation: OperationDefinitionNode,
        default_resolver: Any,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.operation = operation
        self.default_resolver = default_resolver

    def root_plan(self, root_type: GraphQLObjectType) -> ObjectPlan:
        """The whole operation's plan: raises Unplannable before anything runs."""
        return self.object_plan(root_type, [self.operation.selection_set])

    def object_plan(
        self, object_type: GraphQLObjectType, selection_sets: list[SelectionSetNode]
    ) -> ObjectPlan:
        grouped: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._collect(object_type, selection_set, grouped, visited)
        return ObjectPlan(object_type, [self._field(object_type, k, n) for k, n in grouped.items()])

    def _collect(
        self,
        object_type: GraphQLObjectType,
        selection_set: SelectionSetNode,
        grouped: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if selection.directives:
                raise Unplannable("directive")  # @skip/@include depend on variables
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name.startswith("__") and name != "__typename":
                    raise Unplannable("introspection")
                key = selection.alias.value if selection.alias else name
                grouped.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection.type_condition, object_type):
                    self._collect(object_type, selection.selection_set, grouped, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in visited:
                    continue
                visited.add(name)
                fragment = self.fragments.get(name)
                if fragment is None or fragment.variable_definitions:
                    raise Unplannable("fragment")
                if self._applies(fragment.type_condition, object_type):
                    self._collect(object_type, fragment.selection_set, grouped, visited)

    def _applies(self, condition: Any, object_type: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        conditional = type_from_ast(self.schema, condition)
        if conditional is object_type:
            return True
        if is_abstract_type(conditional):
            return self.schema.is_sub_type(conditional, object_type)
        return False

    def _field(self, parent: GraphQLObjectType, key: str, nodes: list[FieldNode]) -> FieldPlan:
        name = nodes[0].name.value
        if name == "__typename":
            shape = Shape(TypeNameMetaFieldDef.type, True, LEAF, nodes, [])
            return FieldPlan(
                key,
                name,
                TypeNameMetaFieldDef,
                parent,
                nodes,
                None,
                True,
                False,
                False,
                shape,
                typename=parent.name,
            )
        definition = parent.fields.get(name)
        if definition is None:
            raise Unplannable(f"no field {parent.name}.{name}")
        resolve = definition.resolve or self.default_resolver
        basic = getattr(resolve, "_is_default", False) is True
        return FieldPlan(
            key,
            name,
            definition,
            parent,
            nodes,
            _reader(definition, resolve) if basic else resolve,
            basic=basic,
            has_arguments=bool(definition.args or nodes[0].arguments),
            dynamic=_names_variables(nodes[0]),
            shape=self._shape(definition.type, nodes),
        )

    def _shape(self, type_: GraphQLOutputType, nodes: list[FieldNode]) -> Shape:
        non_null = is_non_null_type(type_)
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        details = [FieldDetails(node, None) for node in nodes]
        if is_leaf_type(inner):
            coerce = inner.coerce_output_value
            return Shape(type_, non_null, LEAF, nodes, details, coerce=coerce, leaf=inner)
        if is_list_type(inner):
            assert isinstance(inner, GraphQLList)
            item = self._shape(inner.of_type, nodes)
            return Shape(type_, non_null, LIST, nodes, details, item=item)
        if is_object_type(inner):
            assert isinstance(inner, GraphQLObjectType)
            plan = self.object_plan(inner, _selection_sets(nodes))
            return Shape(type_, non_null, OBJECT, nodes, details, object_type=inner, plan=plan)
        if is_abstract_type(inner):
            by_type = {
                possible.name: Shape(
                    possible,
                    False,
                    OBJECT,
                    nodes,
                    details,
                    object_type=possible,
                    plan=self.object_plan(possible, _selection_sets(nodes)),
                )
                for possible in self.schema.get_possible_types(inner)
            }
            return Shape(type_, non_null, ABSTRACT, nodes, details, abstract=inner, by_type=by_type)
        raise Unplannable(f"type {type_}")


def _reader(definition: GraphQLField, resolve: Any) -> Any:
    """What a basic field's value is read with: strawberry's own resolver for it calls
    `field.get_result(source, None, [], {})`, which for a plain attribute is a getattr
    and for a ComputedField its `read`: call those directly."""
    field = (definition.extensions or {}).get(DEFINITION_BACKREF)
    if field is None:
        return lambda source: resolve(source, None)
    get_result = type(field).get_result
    if get_result is StrawberryField.get_result and field.default_resolver is getattr:
        return attrgetter(field.python_name)
    if get_result is ComputedField.get_result:
        return field.read
    bound = field.get_result
    return lambda source: bound(source, None, [], {})


def _selection_sets(nodes: list[FieldNode]) -> list[SelectionSetNode]:
    return [node.selection_set for node in nodes if node.selection_set is not None]


def _names_variables(node: FieldNode) -> bool:
    """Whether any argument of the field refers to a variable, however deep."""
    stack: list[Any] = [argument.value for argument in node.arguments or ()]
    while stack:
        value = stack.pop()
        kind = value.kind
        if kind == "variable":
            return True
        if kind == "list_value":
            stack.extend(value.values)
        elif kind == "object_value":
            stack.extend(f.value for f in value.fields)
    return False
