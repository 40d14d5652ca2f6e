"""Blocking a line: why and since when (line.block), blockLine and unblockLine."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from models.block import BlockReason
from resolvers import block as block_resolvers
from resolvers.block import BlockView
from resolvers.context import Context
from schema.access.permissions import line_mutation
from schema.access.types import LineRef
from schema.mutation import line_and_request, run_payload
from schema.request import LineRequest
from schema.scalars import UserError

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(BlockReason, description="LOST: at once, for a lost phone; VOLUNTARY: a pause.")


@strawberry.type(description="Why a line is blocked, and since when.")
class LineBlock:
    @strawberry.field(description="Lost, or a voluntary pause.")
    def reason(self, root: strawberry.Parent[BlockView]) -> BlockReason:
        return root.row.reason

    @strawberry.field(description="Blocked since.")
    def since(self, root: strawberry.Parent[BlockView]) -> datetime:
        return root.row.since

    @strawberry.field(description="A voluntary block ends by itself then.")
    def until(self, root: strawberry.Parent[BlockView]) -> datetime | None:
        return root.row.until

    @strawberry.field(
        description="Home internet: free voluntary block days left this calendar year "
        "(90 a year; each day beyond costs 10 ₽). Null for other lines."
    )
    def free_days_left_this_year(self, root: strawberry.Parent[BlockView]) -> int | None:
        return root.free_days_left


@strawberry.input
class BlockLineInput:
    msisdn: str = strawberry.field(description="The number, any format.")
    reason: BlockReason = strawberry.field(description="LOST or VOLUNTARY.")
    until: datetime | None = strawberry.field(
        default=None, description="VOLUNTARY only: when it ends by itself (a year at most)."
    )


@strawberry.input
class UnblockLineInput:
    msisdn: str = strawberry.field(description="The number, any format.")


@strawberry.type
class BlockLinePayload:
    line: LineRef | None = None
    request: LineRequest | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class UnblockLinePayload:
    line: LineRef | None = None
    request: LineRequest | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class BlockMutations:
    @line_mutation(block_resolvers.resolve_block_line, "Block the number (a lost phone: at once).")
    async def block_line(
        self, info: Info[Context, None], input: BlockLineInput
    ) -> BlockLinePayload:
        work = block_resolvers.resolve_block_line(info, input.msisdn, input.reason, input.until)
        return await run_payload(info, BlockLinePayload, work, line_and_request)

    @line_mutation(block_resolvers.resolve_unblock_line, "End the number's block.")
    async def unblock_line(
        self, info: Info[Context, None], input: UnblockLineInput
    ) -> UnblockLinePayload:
        work = block_resolvers.resolve_unblock_line(info, input.msisdn)
        return await run_payload(info, UnblockLinePayload, work, line_and_request)
