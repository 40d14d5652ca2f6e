"""blockLine, unblockLine and line.block."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from auth.policy import Capability
from models import DeviceKind, Line
from models.block import BlockReason, LineBlock, block, free_days_left, unblock
from models.request import LineRequest
from resolvers.access import requires
from resolvers.access.grants import actor_of
from resolvers.access.lines import LineView, line_for_mutation, reloaded

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


@dataclass(frozen=True)
class BlockView:
    row: LineBlock
    free_days_left: int | None  # the home-internet line's free block days this year


async def resolve_block(info: Info[Context, None], line: LineView) -> BlockView | None:
    """The line's current block (null when not blocked), through the request's loader:
    a list of lines reads every block in one query."""
    blocks = await info.context.loaders.blocks_by_line_id.load(line.row.id)
    current = next((b for b in blocks if b.ended_at is None), None)
    if current is None:
        return None
    return BlockView(current, _free_days(line.row, blocks))


def _free_days(line: Line, blocks: list[LineBlock]) -> int | None:
    if line.device_kind is not DeviceKind.ROUTER:
        return None
    return free_days_left(blocks, datetime.now(UTC))


@requires(Capability.BLOCK)
async def resolve_block_line(
    info: Info[Context, None],
    need: Capability,
    msisdn: str,
    reason: BlockReason,
    until: datetime | None,
) -> tuple[LineView, LineRequest | None]:
    line, access, session = await line_for_mutation(info, msisdn, need)
    _, request = await block(line.id, reason, until, actor_of(session))
    return await reloaded(info, line, access), request


@requires(Capability.BLOCK)
async def resolve_unblock_line(
    info: Info[Context, None], need: Capability, msisdn: str
) -> tuple[LineView, LineRequest | None]:
    line, access, session = await line_for_mutation(info, msisdn, need)
    request = await unblock(line.id, actor_of(session))
    return await reloaded(info, line, access), request
