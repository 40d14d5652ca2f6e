"""Queries run by plan (schema.plans, schema.runner) answer exactly as graphql-core does:
the same data, the same errors at the same paths, the same nulls where a non-null
field failed, with fragments, aliases, arguments, lists, interfaces and unions, and
synchronous and asynchronous resolvers mixed."""

from __future__ import annotations

import asyncio
import gc
from typing import Annotated, Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from config import Settings
from schema import build_schema
from schema.execution import PLANNED, Execution


@strawberry.interface
class Thing:
    name: str


@strawberry.type
class Tool(Thing):
    weight: int


@strawberry.type
class Pet(Thing):
    legs: int

    @strawberry.field
    async def sound(self) -> str:
        await asyncio.sleep(0)
        return "meow"


@strawberry.type
class Stone:
    hard: bool = True


Found = Annotated[Tool | Pet | Stone, strawberry.union("Found")]


@strawberry.type
class Box:
    label: str
    things: list[Thing]

    @strawberry.field
    def sizes(self, times: int = 1) -> list[int]:
        return [n * times for n in (1, 2, 3)]

    @strawberry.field
    def broken(self) -> str:
        raise ValueError("broken on purpose")

    @strawberry.field
    def must(self) -> str:
        return None  # type: ignore[return-value]  # a non-null field that returns null

    @strawberry.field
    async def later(self, word: str = "soon") -> str:
        await asyncio.sleep(0)
        return word.upper()

    @strawberry.field
    async def later_broken(self) -> int:
        await asyncio.sleep(0)
        raise ValueError("late and broken")

    @strawberry.field
    def items(self) -> list[str | None]:
        return ["a", None, "c"]

    @strawberry.field
    def strict_items(self) -> list[str]:
        return ["a", None, "c"]  # type: ignore[list-item]


def boxes() -> list[Box]:
    return [
        Box(label="first", things=[Tool(name="hammer", weight=2), Pet(name="cat", legs=4)]),
        Box(label="second", things=[]),
    ]


@strawberry.type
class Query:
    @strawberry.field
    def boxes(self) -> list[Box]:
        return boxes()

    @strawberry.field
    async def box(self, index: int) -> Box | None:
        found = boxes()
        return found[index] if index < len(found) else None

    @strawberry.field
    def found(self) -> list[Found]:
        return [Tool(name="saw", weight=1), Pet(name="dog", legs=4), Stone()]

    @strawberry.field
    def strict_box(self) -> Box:
        return boxes()[0]


PLANNED_SCHEMA = strawberry.Schema(Query, execution_context_class=Execution)
PLAIN_SCHEMA = strawberry.Schema(
    Query, execution_context_class=StrawberryGraphQLCoreExecutionContext
)

DOCUMENTS = {
    "fields, aliases and __typename": """{ boxes { __typename label alias: label
        things { __typename name } } }""",
    "fragments on interfaces and types": """
        fragment T on Thing { name ... on Tool { weight } }
        { boxes { things { ...T ... on Pet { legs sound } } } }""",
    "unions": "{ found { __typename ... on Tool { name weight } ... on Pet { name } } }",
    "arguments, literal and variable": """query Q($t: Int!, $w: String) {
        boxes { sizes twice: sizes(times: 2) asked: sizes(times: $t) later(word: $w) } }""",
    "an async root field, with and without a result": """{ one: box(index: 0) { label
        later } none: box(index: 9) { label } }""",
    "a failing nullable field": "{ boxes { label broken } }",
    "a failing non-null field nulls its object": "{ boxes { label must } }",
    "a failing async non-null field nulls its object": "{ boxes { label laterBroken } }",
    "a null in a list of nullable items": "{ boxes { items } }",
    "a null in a list of non-null items nulls the list": "{ boxes { label strictItems } }",
    "a failure up to the root": "{ strictBox { must } }",
}


async def run(schema: strawberry.Schema, document: str) -> dict[str, Any]:
    result = await schema.execute(document, variable_values={"t": 3, "w": "now"})
    errors = sorted((e.message, tuple(e.path or ())) for e in result.errors or [])
    return {"data": result.data, "errors": errors}


@pytest.mark.parametrize("name", list(DOCUMENTS))
async def test_a_planned_query_answers_as_graphql_core_does(name: str) -> None:
    document = DOCUMENTS[name]
    expected = await run(PLAIN_SCHEMA, document)
    planned = await run(PLANNED_SCHEMA, document)
    assert planned == expected
    # and again from the kept plan
    assert await run(PLANNED_SCHEMA, document) == expected


async def test_a_cached_document_is_planned_once_and_a_passing_one_takes_its_plan_along() -> None:
    app_schema = build_schema(Settings(env="test"))
    text = "{ tariffs(first: 2) { edges { node { name } } } }"
    built = PLANNED.built
    for _ in range(3):
        assert (await app_schema.execute(text)).errors is None
    assert PLANNED.built == built + 1  # the document cache hands the same document over
    gc.collect()
    alive = len(PLANNED)
    await run(PLANNED_SCHEMA, "{ boxes { label } }")  # parsed for this request only
    gc.collect()
    assert len(PLANNED) == alive


async def test_what_a_plan_cannot_express_runs_on_graphql_core() -> None:
    # directives depend on the variables, introspection is graphql-core's own
    for document in (
        "query Q($w: String) { boxes { label @include(if: true) later(word: $w) } }",
        "{ __schema { queryType { name } } boxes { label } }",
    ):
        assert await run(PLANNED_SCHEMA, document) == await run(PLAIN_SCHEMA, document)
