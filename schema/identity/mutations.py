"""Identity mutations: one `input`, a payload with `errors`, names fixed by API.md."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.relay import GlobalID
from strawberry.types import Info

from auth.sessions import IssuedSession
from models.access import MobileNetworkAccess
from resolvers.context import Context
from resolvers.identity import login as login_resolvers
from resolvers.identity import password as password_resolvers
from resolvers.identity import sessions as session_resolvers
from schema.identity.types import LoginPayload, Session
from schema.mutation import run_payload
from schema.scalars import UserError

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(
    MobileNetworkAccess, description="What a mobile-network session may do on a number."
)


@strawberry.input
class RequestPasswordInput:
    login: str = strawberry.field(description="A number in any format, 089 login or alias.")


@strawberry.input
class LoginInput:
    login: str = strawberry.field(description="A number in any format, 089 login or alias.")
    password: str = strawberry.field(description="Temporary or permanent password.")


@strawberry.input
class RefreshSessionInput:
    refresh_token: str = strawberry.field(description="The refresh token of the last login.")


@strawberry.input
class LoginWithMobileNetworkInput:
    device_name: str | None = strawberry.field(default=None, description="Shown in sessions.")


@strawberry.input
class RevokeSessionInput:
    session_id: strawberry.ID = strawberry.field(description="Global id of a Session.")


@strawberry.input
class SetPasswordInput:
    password: str = strawberry.field(description="8 to 128 characters, hard to guess.")
    password_repeat: str = strawberry.field(description="The same again.")


@strawberry.input
class ChangePasswordInput:
    old_password: str = strawberry.field(description="The current permanent password.")
    new_password: str = strawberry.field(description="8 to 128 characters, hard to guess.")
    new_password_repeat: str = strawberry.field(description="The same again.")


@strawberry.type
class RequestPasswordPayload:
    errors: list[UserError] = strawberry.field(description="The same whether the login exists.")


@strawberry.type
class LogoutPayload:
    errors: list[UserError]


@strawberry.type
class RevokeSessionPayload:
    session: Session | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RevokeOtherSessionsPayload:
    revoked: int | None = strawberry.field(default=None, description="How many were ended.")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SetPasswordPayload:
    session: Session | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ChangePasswordPayload:
    session: Session | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def logged_in(info: Info[Context, None]) -> Callable[[IssuedSession], dict[str, Any]]:
    """Payload fields of a new session; Session.current marks it as the current one."""

    def fields(issued: IssuedSession) -> dict[str, Any]:
        info.context.issued_session_id = issued.session.id
        return {
            "access_token": issued.access_token,
            "refresh_token": issued.refresh_token,
            "session": issued.session,
        }

    return fields


@strawberry.type
class IdentityMutations:
    @strawberry.mutation(description="Send a temporary password by SMS (same answer always).")
    async def request_password(
        self, info: Info[Context, None], input: RequestPasswordInput
    ) -> RequestPasswordPayload:
        work = password_resolvers.resolve_request_password(info, input.login)
        return await run_payload(info, RequestPasswordPayload, work)

    @strawberry.mutation(description="Log in with a temporary or permanent password.")
    async def login(self, info: Info[Context, None], input: LoginInput) -> LoginPayload:
        work = login_resolvers.resolve_login(info, input.login, input.password)
        return await run_payload(info, LoginPayload, work, logged_in(info))

    @strawberry.mutation(description="Spend a refresh token for a new token pair.")
    async def refresh_session(
        self, info: Info[Context, None], input: RefreshSessionInput
    ) -> LoginPayload:
        work = login_resolvers.resolve_refresh_session(info, input.refresh_token)
        return await run_payload(info, LoginPayload, work, logged_in(info))

    @strawberry.mutation(description="Log in through the operator's network, no password.")
    async def login_with_mobile_network(
        self, info: Info[Context, None], input: LoginWithMobileNetworkInput | None = None
    ) -> LoginPayload:
        device_name = input.device_name if input else None
        work = login_resolvers.resolve_login_with_mobile_network(info, device_name)
        return await run_payload(info, LoginPayload, work, logged_in(info))

    @strawberry.mutation(description="End the current session.")
    async def logout(self, info: Info[Context, None]) -> LogoutPayload:
        return await run_payload(info, LogoutPayload, login_resolvers.resolve_logout(info))

    @strawberry.mutation(description="End one of your sessions.")
    async def revoke_session(
        self, info: Info[Context, None], input: RevokeSessionInput
    ) -> RevokeSessionPayload:
        try:
            node_id = GlobalID.from_id(input.session_id).node_id
        except Exception:
            node_id = ""
        work = session_resolvers.resolve_revoke_session(info, node_id)
        return await run_payload(info, RevokeSessionPayload, work, "session")

    @strawberry.mutation(description="Log out everywhere else: end every session but this one.")
    async def revoke_other_sessions(self, info: Info[Context, None]) -> RevokeOtherSessionsPayload:
        work = session_resolvers.resolve_revoke_other_sessions(info)
        return await run_payload(info, RevokeOtherSessionsPayload, work, "revoked")

    @strawberry.mutation(description="Set the first permanent password after a temporary one.")
    async def set_password(
        self, info: Info[Context, None], input: SetPasswordInput
    ) -> SetPasswordPayload:
        work = password_resolvers.resolve_set_password(info, input.password, input.password_repeat)
        return await run_payload(info, SetPasswordPayload, work, "session")

    @strawberry.mutation(description="Change the permanent password; ends all other sessions.")
    async def change_password(
        self, info: Info[Context, None], input: ChangePasswordInput
    ) -> ChangePasswordPayload:
        work = password_resolvers.resolve_change_password(
            info, input.old_password, input.new_password, input.new_password_repeat
        )
        return await run_payload(info, ChangePasswordPayload, work, "session")
