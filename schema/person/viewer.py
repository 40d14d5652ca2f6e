"""`viewer`: the logged-in person and everything they can reach. Null when not logged in."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

import models
from resolvers.access import viewer as access_viewer
from resolvers.access.lines import LineFilter as LineQuery
from resolvers.access.lines import LineView, line_by_number, visible_lines
from resolvers.access.requests import pending_requests_for_owner
from resolvers.card import resolve_cards
from resolvers.context import Context
from resolvers.expenses import (
    ExpenseView,
    ForgottenView,
    resolve_family_expenses,
    resolve_forgotten,
)
from resolvers.identity.sessions import resolve_sessions
from resolvers.job import resolve_jobs
from resolvers.pagination import PageArgs
from resolvers.person import ViewerData, resolve_viewer
from schema.access.permissions import prefetch
from schema.access.types import AccessRequest, LineGrant
from schema.card import Card
from schema.contract import Contract
from schema.expenses import ExpenseReport, ForgottenSubscription
from schema.identity.types import Session
from schema.job import Job
from schema.line import Line, LineFilter
from schema.pagination import Connection
from schema.person.types import User


@strawberry.type(description="The logged-in person's view of linehub.")
class Viewer:
    user: User = strawberry.field(description="Who is logged in.")
    session: Session = strawberry.field(description="The session making this request.")

    @strawberry.field(
        description="Every live session of this person, newest first.",
        graphql_type=list[Session],
    )
    async def sessions(self, info: Info[Context, None]) -> list[models.Session]:
        return await resolve_sessions(info)

    @strawberry.field(description="Every visible line: your primary number first.")
    async def lines(
        self,
        info: Info[Context, None],
        filter: LineFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Line]:
        query = LineQuery(
            relation=filter.relation if filter else None,
            device_kind=filter.device_kind if filter else None,
        )
        args = PageArgs(first=first, after=after, last=last, before=before)
        page = await visible_lines(info, query, args)
        await prefetch(info, page.items, Line, "edges", "node")
        return Connection.from_page(page)

    @strawberry.field(
        description="One of your lines by number, any format; null if not yours.",
        graphql_type=Line | None,
    )
    async def line(self, info: Info[Context, None], msisdn: str) -> LineView | None:
        return await line_by_number(info, msisdn)

    @strawberry.field(description="Contracts you hold.", graphql_type=list[Contract])
    async def contracts(self, info: Info[Context, None]) -> list[models.Contract]:
        return await access_viewer.resolve_contracts(info)

    @strawberry.field(
        description="Access you gave to others on your numbers.", graphql_type=list[LineGrant]
    )
    async def grants_given(self, info: Info[Context, None]) -> list[models.Grant]:
        return await access_viewer.resolve_grants_given(info)

    @strawberry.field(description="Access others gave you.", graphql_type=list[LineGrant])
    async def grants_received(self, info: Info[Context, None]) -> list[models.Grant]:
        return await access_viewer.resolve_grants_received(info)

    @strawberry.field(
        description="Your bound cards; empty in a LIMITED session.", graphql_type=list[Card]
    )
    async def cards(self, info: Info[Context, None]) -> list[models.Card]:
        return await resolve_cards(info)

    @strawberry.field(
        description='A month\'s expenses ("2026-11") of every line whose usage you may see.',
        graphql_type=list[ExpenseReport],
    )
    async def family_expenses(self, info: Info[Context, None], month: str) -> list[ExpenseView]:
        return await resolve_family_expenses(info, month)

    @strawberry.field(
        description="Paid subscriptions on your lines nobody used for 60 days or more.",
        graphql_type=list[ForgottenSubscription],
    )
    async def forgotten_subscriptions(self, info: Info[Context, None]) -> list[ForgottenView]:
        return await resolve_forgotten(info)

    @strawberry.field(description="Jobs you asked for (exports), newest first.")
    async def jobs(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Job]:
        page = await resolve_jobs(info, PageArgs(first=first, after=after))
        return Connection.from_page(page)

    @strawberry.field(
        description="Requests for your numbers waiting for your answer.",
        graphql_type=list[AccessRequest],
    )
    async def access_requests(self, info: Info[Context, None]) -> list[models.AccessRequest]:
        return await pending_requests_for_owner(info)


@strawberry.type
class ViewerQueries:
    @strawberry.field(
        description="The logged-in viewer; null without an access token.",
        graphql_type=Viewer | None,
    )
    async def viewer(self, info: Info[Context, None]) -> ViewerData | None:
        return await resolve_viewer(info)
