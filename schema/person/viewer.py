"""`viewer`: the logged-in person and everything they can reach. Null when not logged in."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from resolvers.access import viewer as access_viewer
from resolvers.access.lines import LineFilter as LineQuery
from resolvers.access.lines import line_by_number, visible_lines
from resolvers.access.requests import pending_requests_for_owner
from resolvers.identity.sessions import resolve_sessions
from resolvers.pagination import PageArgs
from resolvers.person import resolve_viewer
from schema.access.types import AccessRequest, LineGrant
from schema.contract import Contract
from schema.identity.types import Session
from schema.line import Line, LineFilter
from schema.pagination import Connection
from schema.person.types import User


@strawberry.type(description="The logged-in person's view of linehub.")
class Viewer:
    user: User = strawberry.field(description="Who is logged in.")
    session: Session = strawberry.field(description="The session making this request.")

    @strawberry.field(description="Every live session of this person, newest first.")
    async def sessions(self, info: Info) -> list[Session]:
        return await resolve_sessions(info)  # type: ignore[return-value]

    @strawberry.field(description="Every visible line: your primary number first.")
    async def lines(
        self,
        info: Info,
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
        return Connection.from_page(await visible_lines(info, query, args))  # type: ignore[return-value]

    @strawberry.field(description="One of your lines by number, any format; null if not yours.")
    async def line(self, info: Info, msisdn: str) -> Line | None:
        return await line_by_number(info, msisdn)  # type: ignore[return-value]

    @strawberry.field(description="Contracts you hold.")
    async def contracts(self, info: Info) -> list[Contract]:
        return await access_viewer.resolve_contracts(info)  # type: ignore[return-value]

    @strawberry.field(description="Access you gave to others on your numbers.")
    async def grants_given(self, info: Info) -> list[LineGrant]:
        return await access_viewer.resolve_grants_given(info)  # type: ignore[return-value]

    @strawberry.field(description="Access others gave you.")
    async def grants_received(self, info: Info) -> list[LineGrant]:
        return await access_viewer.resolve_grants_received(info)  # type: ignore[return-value]

    @strawberry.field(description="Requests for your numbers waiting for your answer.")
    async def access_requests(self, info: Info) -> list[AccessRequest]:
        return await pending_requests_for_owner(info)  # type: ignore[return-value]


@strawberry.type
class ViewerQueries:
    @strawberry.field(description="The logged-in viewer; null without an access token.")
    async def viewer(self, info: Info) -> Viewer | None:
        return await resolve_viewer(info)  # type: ignore[return-value]
