"""Changing a line's tariff: the priced preview with its token, and the change."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from i18n import translate
from models.allowance import shown
from models.tariff_change import Package, Quote
from resolvers import tariff_change as tariff_change_resolvers
from resolvers.context import Context
from schema.access.permissions import line_mutation
from schema.access.types import LineRef
from schema.allowance import AllowanceKind
from schema.mutation import line_and_request, run_payload
from schema.node import typed_db_id
from schema.request import LineRequest
from schema.scalars import Money, UserError
from schema.tariff import Tariff


@strawberry.type(description="A package as it will be after the change.")
class PackageAfter:
    kind: AllowanceKind = strawberry.field(description="Minutes, SMS or data.")
    unlimited: bool = strawberry.field(description="No cap.")

    @strawberry.field(description="This period's total; null when unlimited.")
    def total(self, root: strawberry.Parent[Package]) -> int | None:
        return None if root.unlimited else shown(root.kind, root.total)

    @strawberry.field(description="Left for the rest of this period; null when unlimited.")
    def left(self, root: strawberry.Parent[Package]) -> int | None:
        return None if root.unlimited else shown(root.kind, root.left)


@strawberry.type(description="What moving this line to a tariff would cost and give, now.")
class TariffChangePreview:
    @strawberry.field(description="The tariff asked about.", graphql_type=Tariff)
    def tariff(self, root: strawberry.Parent[tuple[Quote, str | None]]) -> object:
        return root[0].tariff

    @strawberry.field(description="Whether the change can be made now.")
    def allowed(self, root: strawberry.Parent[tuple[Quote, str | None]]) -> bool:
        return root[0].allowed

    @strawberry.field(description="Why not, in your language; null when allowed.")
    def reason(
        self, root: strawberry.Parent[tuple[Quote, str | None]], info: Info[Context, None]
    ) -> str | None:
        refused = root[0].refused
        if refused is None:
            return None
        return translate(refused.message_key, info.context.language, **refused.params)

    @strawberry.field(
        description="Charged at the change: the fee difference for the rest of the "
        "period, plus a change fee."
    )
    def charge_now(self, root: strawberry.Parent[tuple[Quote, str | None]]) -> Money:
        return Money.from_kopecks(root[0].charge_now)

    @strawberry.field(description="Of that, the fee for a second change within 30 days.")
    def change_fee(self, root: strawberry.Parent[tuple[Quote, str | None]]) -> Money:
        return Money.from_kopecks(root[0].change_fee)

    @strawberry.field(description="The new monthly fee.")
    def monthly_fee(self, root: strawberry.Parent[tuple[Quote, str | None]]) -> Money:
        return Money.from_kopecks(root[0].tariff.monthly_fee)

    @strawberry.field(description="When it takes effect: at once.")
    def effective_from(self, root: strawberry.Parent[tuple[Quote, str | None]]) -> datetime:
        return root[0].quoted_at

    @strawberry.field(
        description="The packages right after the change.", graphql_type=list[PackageAfter]
    )
    def remains_after(self, root: strawberry.Parent[tuple[Quote, str | None]]) -> list[Package]:
        return root[0].packages

    @strawberry.field(description="Pass to changeTariff within 15 minutes; null when not allowed.")
    def preview_token(self, root: strawberry.Parent[tuple[Quote, str | None]]) -> str | None:
        return root[1]


@strawberry.input
class ChangeTariffInput:
    msisdn: str = strawberry.field(description="The number, any format.")
    tariff_id: strawberry.ID = strawberry.field(description="Tariff.id")
    preview_token: str = strawberry.field(description="TariffChangePreview.previewToken")


@strawberry.type
class ChangeTariffPayload:
    line: LineRef | None = None
    request: LineRequest | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def tariff_db_id(raw: str) -> int | None:
    return typed_db_id(raw, "Tariff")


@strawberry.type
class TariffChangeMutations:
    @line_mutation(
        tariff_change_resolvers.resolve_change_tariff,
        "Move the line to a tariff at the price its preview quoted.",
    )
    async def change_tariff(
        self, info: Info[Context, None], input: ChangeTariffInput
    ) -> ChangeTariffPayload:
        work = tariff_change_resolvers.resolve_change_tariff(
            info, input.msisdn, tariff_db_id(input.tariff_id), input.preview_token
        )
        return await run_payload(info, ChangeTariffPayload, work, line_and_request)
