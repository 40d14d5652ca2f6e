"""Relation facts: which lines a person can reach and through which relations.

Two queries answer it for any number of lines (grants of the viewer, then the lines),
so a family of fifty costs what a family of five does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pypika_tortoise.context import SqlContext
from pypika_tortoise.queries import QueryBuilder
from pypika_tortoise.terms import Term
from tortoise.queryset import QuerySet

from models.access import AccessLevel, Grant, GrantStatus, Relation
from models.compiled import Compiled
from models.contract import Contract
from models.line import Line

Facts = list[tuple[Relation, AccessLevel | None]]

# the viewer's own contracts first, then their own number on someone's contract, then
# numbers delegated to them
RELATION_ORDER = {Relation.OWNER: 0, Relation.USER: 1, Relation.DELEGATE: 2}


@dataclass
class LineFacts:
    line: Line
    facts: Facts


def facts_of(line: Line, viewer_id: int, grant_levels: dict[int, AccessLevel]) -> Facts:
    facts: Facts = []
    if line.contract.holder_id == viewer_id:
        facts.append((Relation.OWNER, None))
    elif line.user_id == viewer_id:
        facts.append((Relation.USER, AccessLevel(line.user_level)))
    if line.id in grant_levels:
        facts.append((Relation.DELEGATE, grant_levels[line.id]))
    return facts


def _live_grants(viewer_id: int) -> QuerySet[Grant]:
    # an invitation not yet accepted (or declined) gives nothing
    return Grant.filter(grantee_id=viewer_id, status=GrantStatus.ACTIVE, revoked_at__isnull=True)


# every request of a logged-in viewer runs these: compiled once per shape (models.compiled)
_GRANTS = Compiled(Grant, _live_grants, lambda viewer_id: [viewer_id, GrantStatus.ACTIVE.value])
_GRANTS_ON = Compiled(
    Grant,
    lambda viewer_id, line_ids: _live_grants(viewer_id).filter(line_id__in=line_ids),
    lambda viewer_id, line_ids: [viewer_id, GrantStatus.ACTIVE.value, *line_ids],
)


async def _grant_levels(
    viewer_id: int, line_ids: Iterable[int] | None = None
) -> dict[int, AccessLevel]:
    if line_ids is None:
        grants = await _GRANTS.run(viewer_id)
    else:
        grants = await _GRANTS_ON.run(viewer_id, list(line_ids))
    levels: dict[int, AccessLevel] = {}
    for found in grants:
        # two grants on one line cannot exist (grant() updates), but FULL wins if they did
        if levels.get(found.line_id) is not AccessLevel.FULL:
            levels[found.line_id] = AccessLevel(found.level)
    return levels


class _Union(Term):
    """`SELECT .. UNION SELECT ..` as a term (the container of an IN).

    pypika's own set operation renders its parameters as `?` whatever the dialect (it
    reads the dialect off the query, where there is none), which PostgreSQL refuses;
    rendered here with the outer statement's context, the values stay bound parameters
    numbered in the statement's order on both databases.
    """

    def __init__(self, *queries: QueryBuilder) -> None:
        super().__init__()
        self.queries = queries

    def get_sql(self, ctx: SqlContext) -> str:
        inner = ctx.copy(subquery=False, with_alias=False)
        sql = " UNION ".join(query.get_sql(inner) for query in self.queries)
        return f"({sql})" if ctx.subquery else sql


def reachable_line_ids(viewer_id: int, granted: Iterable[int]) -> Term:
    """The ids of the viewer's lines, as a UNION of one indexed lookup per relation.

    `holder_id = ? OR user_id = ?` across the contract join can use no index and reads
    every line; each branch here is an index lookup (contract.holder_id, then
    line.contract_id; line.user_id; the primary key for the granted ids), and the union
    is a handful of ids.
    """
    line, contract = Line._meta.basetable, Contract._meta.basetable
    query = Line._meta.db.query_class
    held = query.from_(contract).select(contract.id).where(contract.holder_id == viewer_id)
    branches = [
        query.from_(line).select(line.id).where(line.contract_id.isin(held)),
        query.from_(line).select(line.id).where(line.user_id == viewer_id),
    ]
    if granted := list(granted):
        branches.append(query.from_(line).select(line.id).where(line.id.isin(granted)))
    return _Union(*branches)


_REACHABLE = Compiled(
    Line,
    lambda viewer_id, granted: Line.filter(
        id__in=reachable_line_ids(viewer_id, granted)
    ).select_related("contract"),
    # the UNION's branches in order: held contracts, own number, granted ids
    lambda viewer_id, granted: [viewer_id, viewer_id, *granted],
)
# lines by id with their contract: the access facts and the request's line loader
LINES_BY_ID = Compiled(Line, lambda ids: Line.filter(id__in=ids).select_related("contract"), list)


async def reachable_lines(viewer_id: int) -> list[LineFacts]:
    """Every line the viewer has a relation to, with the relations (two queries)."""
    levels = await _grant_levels(viewer_id)
    lines = await _REACHABLE.run(viewer_id, list(levels))
    return [LineFacts(line, facts_of(line, viewer_id, levels)) for line in lines]


async def facts_for_lines(viewer_id: int, line_ids: list[int]) -> dict[int, LineFacts]:
    """Facts for given lines (by id); lines without a relation get empty facts."""
    if not line_ids:
        return {}
    levels = await _grant_levels(viewer_id, line_ids)
    lines = await LINES_BY_ID.run(line_ids)
    return {line.id: LineFacts(line, facts_of(line, viewer_id, levels)) for line in lines}


def in_display_order(found: Iterable[LineFacts], primary_line_id: int | None) -> list[LineFacts]:
    """A viewer's lines in the order they are listed: the primary number first, then by
    their closest relation (`RELATION_ORDER`), then contract and line, so that a
    contract's lines stay together and pages stay stable."""

    def key(item: LineFacts) -> tuple[bool, int, int, int]:
        rank = min(RELATION_ORDER[relation] for relation, _ in item.facts)
        return (item.line.id != primary_line_id, rank, item.line.contract_id, item.line.id)

    return sorted(found, key=key)
