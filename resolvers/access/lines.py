"""Finding lines for a viewer: the visible list, one by number or id, and mutation guards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from auth.policy import Capability, LineAccess, line_access
from models import Line, Relation, Session
from models.access.facts import LineFacts, in_display_order, reachable_lines
from models.access.viewer import primary_line_id
from models.errors import DomainError, ErrorCode
from models.line import DeviceKind
from models.msisdn import normalize_line_number
from resolvers.guard import require_session
from resolvers.pagination import Page, PageArgs, paginate_list

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context
    from resolvers.loaders import LineAccessByLineIdLoader


@dataclass(frozen=True)
class LineFilter:
    relation: Relation | None = None
    device_kind: DeviceKind | None = None


async def access_loader(info: Info[Context, None]) -> tuple[Session, LineAccessByLineIdLoader]:
    session = await require_session(info)
    loader = info.context.loaders.line_access(session.user_id, session.access_cap)
    return session, loader


async def access_to(info: Info[Context, None], line_id: int) -> LineAccess:
    _, loader = await access_loader(info)
    return await loader.load(line_id)


async def visible_lines(
    info: Info[Context, None], line_filter: LineFilter, args: PageArgs
) -> Page[Line]:
    """Every visible line that passes the filter, in the viewer's display order."""
    session, loader = await access_loader(info)
    viewer_id = session.user_id
    reachable = await reachable_lines(viewer_id)
    primary = await primary_line_id(viewer_id)
    shown: list[LineFacts] = []
    for found in reachable:
        access = line_access(found.line.id, found.facts, session.access_cap)
        loader.prime(found.line.id, access)
        info.context.loaders.line_by_id.prime(found.line.id, found.line)
        if line_filter.relation and line_filter.relation not in access.relations:
            continue
        if line_filter.device_kind and found.line.device_kind != line_filter.device_kind:
            continue
        shown.append(found)
    return paginate_list([found.line for found in in_display_order(shown, primary)], args)


async def line_by_number(info: Info[Context, None], msisdn: str) -> Line | None:
    """`viewer.line(msisdn)`: null unless the viewer has a relation to it.

    An unknown number runs the same access queries (for id 0) as a hidden one.
    """
    number = normalize_line_number(msisdn)
    line = await Line.get_or_none(msisdn=number)
    return (await lines_by_ids(info, [line.id if line is not None else 0]))[0]


async def lines_by_ids(info: Info[Context, None], ids: list[int]) -> list[Line | None]:
    """node(id) for lines: the same answer for a line that is hidden as for none at all."""
    session = await info.context.current_session()
    if session is None or session.must_set_password:
        return [None for _ in ids]
    _, loader = await access_loader(info)
    accesses = await loader.load_many(ids)
    lines = await info.context.loaders.line_by_id.load_many(ids)
    return [line if access.visible else None for line, access in zip(lines, accesses, strict=True)]


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
