"""Fields read off their parent by a plain function, and what a list field looks ahead at.

Strawberry resolves a field that has no resolver and no extension (a "basic" field) with
one call: no `Info`, no argument conversion, no extension chain. A field with a resolver
pays all of that for every object of a list, and a 50-line dashboard has some 1 500 of
them (issue 10). `computed(read, ...)` keeps the basic path for a field that still needs
a function, a conversion to `Money` for instance: strawberry calls `read(parent)`.
`read` may return an awaitable; graphql-core awaits it like any resolver's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Self

from strawberry.types import Info
from strawberry.types.field import StrawberryField
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from resolvers.context import Context

Read = Callable[[Any], Any]


class ComputedField(StrawberryField):
    """A basic field whose value is `read(parent)`.

    Args:
        read: the parent object in, the field's value (or an awaitable of it) out.
    """

    def __init__(self, *, read: Read | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.read: Read = read or (lambda parent: getattr(parent, self.python_name))

    def get_result(self, source: Any, info: Info | None, args: list[Any], kwargs: Any) -> Any:
        return self.read(source)

    # strawberry copies fields (generic types, interfaces) through __copy__, which only
    # knows its own constructor's arguments
    def __copy__(self) -> Self:
        copied = super().__copy__()
        copied.read = self.read
        return copied


def computed(read: Read, description: str) -> Any:
    """`price: Money = computed(lambda row: Money.from_kopecks(row.price), "...")`."""
    return ComputedField(read=read, description=description)


def selected_names(info: Info[Context, None], *path: str) -> set[str]:
    """The field names selected at `path` below the current field, through fragments.

    `selected_names(info, "edges", "node")` in a connection's resolver names the fields
    its nodes were asked for, so the resolver can load their relations for the whole
    page at once.
    """
    # selected_fields holds the current field itself (once per node that asked for it)
    level = [child for field in _fields(info.selected_fields) for child in field.selections]
    for name in path:
        level = [c for field in _fields(level) if field.name == name for c in field.selections]
    return {field.name for field in _fields(level)}


def _fields(selections: Iterable[Selection]) -> Iterable[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)
