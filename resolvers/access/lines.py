"""Finding lines for a viewer: the visible list, one by number or id, and mutation guards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from auth.policy import Capability, LineAccess, line_access
from models import Line, Relation, Session
from models.access.facts import in_display_order, reachable_lines
from models.access.viewer import primary_line_id
from models.errors import DomainError, ErrorCode
from models.line import DeviceKind
from models.msisdn import normalize_line_number
from resolvers.guard import require_session
from resolvers.pagination import Page, PageArgs, paginate_list

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context
    from resolvers.loaders import LineAccessByLineIdLoader, Loaders


@dataclass(frozen=True, slots=True)
class LineView:
    """A line as this request's viewer sees it: its row and their access, decided once.

    Access is decided when a line enters the answer (the list, `node`, a mutation's
    payload), for all of them at once; every field of the schema's `Line` then checks
    its capability against `access` synchronously, with no lookup of its own.
    """

    row: Line
    access: LineAccess
    loaders: Loaders

    @property
    def id(self) -> int:
        return self.row.id


@dataclass(frozen=True)
class LineFilter:
    relation: Relation | None = None
    device_kind: DeviceKind | None = None


async def access_loader(info: Info[Context, None]) -> tuple[Session, LineAccessByLineIdLoader]:
    session = await require_session(info)
    loader = info.context.loaders.line_access(session.user_id, session.access_cap)
    return session, loader


async def visible_lines(
    info: Info[Context, None], line_filter: LineFilter, args: PageArgs
) -> Page[LineView]:
    """Every visible line that passes the filter, in the viewer's display order."""
    session, loader = await access_loader(info)
    loaders = info.context.loaders
    viewer_id = session.user_id
    reachable = await reachable_lines(viewer_id)
    primary = await primary_line_id(viewer_id)
    shown: dict[int, LineView] = {}
    for found in reachable:
        line = found.line
        access = line_access(line.id, found.facts, session.access_cap)
        loader.prime(line.id, access)
        loaders.line_by_id.prime(line.id, line)
        if line_filter.relation and line_filter.relation not in access.relations:
            continue
        if line_filter.device_kind and line.device_kind != line_filter.device_kind:
            continue
        shown[line.id] = LineView(line, access, loaders)
    ordered = in_display_order((f for f in reachable if f.line.id in shown), primary)
    return paginate_list([shown[found.line.id] for found in ordered], args)


async def line_by_number(info: Info[Context, None], msisdn: str) -> LineView | None:
    """`viewer.line(msisdn)`: null unless the viewer has a relation to it.

    An unknown number runs the same access queries (for id 0) as a hidden one.
    """
    number = normalize_line_number(msisdn)
    line = await Line.get_or_none(msisdn=number)
    return (await lines_by_ids(info, [line.id if line is not None else 0]))[0]


async def lines_by_ids(info: Info[Context, None], ids: list[int]) -> list[LineView | None]:
    """node(id) for lines: the same answer for a line that is hidden as for none at all."""
    session = await info.context.current_session()
    if session is None or session.must_set_password:
        return [None for _ in ids]
    _, loader = await access_loader(info)
    loaders = info.context.loaders
    accesses = await loader.load_many(ids)
    lines = await loaders.line_by_id.load_many(ids)
    return [
        LineView(line, access, loaders) if line is not None and access.visible else None
        for line, access in zip(lines, accesses, strict=True)
    ]


async def line_for_mutation(
    info: Info[Context, None], msisdn: str, capability: Capability, field: str = "msisdn"
) -> tuple[Line, LineAccess, Session]:
    """The line a mutation acts on: NOT_FOUND if invisible, FORBIDDEN without
    `capability` (the one the mutation was declared with, `requires`)."""
    session, loader = await access_loader(info)
    try:
        number = normalize_line_number(msisdn, field=field)
    except DomainError:
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_msisdn", field=[field]) from None
    line = await Line.get_or_none(msisdn=number).select_related("contract")
    # an unknown number runs the same access queries (for id 0) as a hidden one: the
    # answer and its timing must not tell them apart
    access = await loader.load(line.id if line is not None else 0)
    if line is None or not access.visible:
        raise DomainError(ErrorCode.NOT_FOUND, field=[field])
    if not access.allows(capability):
        raise DomainError(ErrorCode.FORBIDDEN, field=[field])
    return line, access, session


async def reloaded(info: Info[Context, None], line: Line, access: LineAccess) -> LineView:
    """The line as a change left it (balance, status, block), for a mutation's payload."""
    fresh = await Line.get(id=line.id)
    fresh.contract = line.contract
    info.context.loaders.blocks_by_line_id.clear(line.id)
    return LineView(fresh, access, info.context.loaders)
