"""Access mutations: grant, revoke, levels, requests and consent."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from resolvers.access import grants as grant_resolvers
from resolvers.access import requests as request_resolvers
from resolvers.context import Context
from schema.access.permissions import line_mutation
from schema.access.types import AccessRequest, LineGrant, grant_id, request_id
from schema.identity.mutations import MobileNetworkAccess
from schema.identity.types import AccessLevel
from schema.line import Line
from schema.mutation import run_payload
from schema.scalars import UserError


@strawberry.input
class GrantLineAccessInput:
    msisdn: str = strawberry.field(description="Your number, any format.")
    grantee: str = strawberry.field(description="Their login: number, 089 login or alias.")
    level: AccessLevel = strawberry.field(description="FULL or LIMITED.")


@strawberry.input
class RevokeLineAccessInput:
    grant_id: strawberry.ID = strawberry.field(description="LineGrant.id")


@strawberry.input
class RespondToGrantInput:
    grant_id: strawberry.ID = strawberry.field(description="LineGrant.id of an invitation.")
    accept: bool = strawberry.field(description="true to accept, false to decline.")


@strawberry.input
class SetLineUserAccessInput:
    msisdn: str = strawberry.field(description="A number on your contract used by someone else.")
    level: AccessLevel = strawberry.field(description="What its user may do.")


@strawberry.input
class SetLineUserLoginInput:
    msisdn: str = strawberry.field(description="A number on your contract used by someone else.")
    enabled: bool = strawberry.field(description="false: their own login stops, sessions end.")


@strawberry.input
class SetMobileNetworkAccessInput:
    msisdn: str = strawberry.field(description="One of your numbers, any format.")
    level: MobileNetworkAccess = strawberry.field(description="FULL, LIMITED or DISABLED.")


@strawberry.input
class RequestLineAccessInput:
    msisdn: str = strawberry.field(description="The number you ask for.")
    level: AccessLevel = strawberry.field(description="FULL or LIMITED.")


@strawberry.input
class ConfirmLineAccessInput:
    request_id: strawberry.ID = strawberry.field(description="AccessRequest.id")
    code: str = strawberry.field(description="The code the number received by SMS.")


@strawberry.input
class RespondToAccessRequestInput:
    request_id: strawberry.ID = strawberry.field(description="AccessRequest.id")
    approve: bool = strawberry.field(description="true to grant, false to refuse.")


@strawberry.input
class SetAccessRequestsAllowedInput:
    allowed: bool = strawberry.field(description="false: nobody can ask for your numbers.")


@strawberry.type
class GrantLineAccessPayload:
    grant: LineGrant | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RevokeLineAccessPayload:
    grant: LineGrant | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RespondToGrantPayload:
    grant: LineGrant | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SetLineUserAccessPayload:
    line: Line | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SetLineUserLoginPayload:
    line: Line | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SetMobileNetworkAccessPayload:
    level: MobileNetworkAccess | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RequestLineAccessPayload:
    request: AccessRequest | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ConfirmLineAccessPayload:
    grant: LineGrant | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RespondToAccessRequestPayload:
    request: AccessRequest | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SetAccessRequestsAllowedPayload:
    allowed: bool | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AccessMutations:
    @line_mutation(
        grant_resolvers.resolve_grant_line_access, "Offer someone access to your number."
    )
    async def grant_line_access(
        self, info: Info[Context, None], input: GrantLineAccessInput
    ) -> GrantLineAccessPayload:
        work = grant_resolvers.resolve_grant_line_access(
            info, input.msisdn, input.grantee, input.level
        )
        return await run_payload(info, GrantLineAccessPayload, work, "grant")

    @strawberry.mutation(description="Accept or decline access someone offered you.")
    async def respond_to_grant(
        self, info: Info[Context, None], input: RespondToGrantInput
    ) -> RespondToGrantPayload:
        work = grant_resolvers.resolve_respond_to_grant(
            info, grant_id(input.grant_id), input.accept
        )
        return await run_payload(info, RespondToGrantPayload, work, "grant")

    @line_mutation(
        grant_resolvers.resolve_revoke_line_access,
        "Take access back (giving up your own grant needs nothing).",
    )
    async def revoke_line_access(
        self, info: Info[Context, None], input: RevokeLineAccessInput
    ) -> RevokeLineAccessPayload:
        work = grant_resolvers.resolve_revoke_line_access(info, grant_id(input.grant_id))
        return await run_payload(info, RevokeLineAccessPayload, work, "grant")

    @line_mutation(
        grant_resolvers.resolve_set_line_user_access, "Set what a number's own user may do."
    )
    async def set_line_user_access(
        self, info: Info[Context, None], input: SetLineUserAccessInput
    ) -> SetLineUserAccessPayload:
        work = grant_resolvers.resolve_set_line_user_access(info, input.msisdn, input.level)
        return await run_payload(info, SetLineUserAccessPayload, work, "line")

    @line_mutation(
        grant_resolvers.resolve_set_line_user_login, "Switch the number's own user's login."
    )
    async def set_line_user_login(
        self, info: Info[Context, None], input: SetLineUserLoginInput
    ) -> SetLineUserLoginPayload:
        work = grant_resolvers.resolve_set_line_user_login(info, input.msisdn, input.enabled)
        return await run_payload(info, SetLineUserLoginPayload, work, "line")

    @line_mutation(
        grant_resolvers.resolve_set_mobile_network_access, "What a mobile-network login may do."
    )
    async def set_mobile_network_access(
        self, info: Info[Context, None], input: SetMobileNetworkAccessInput
    ) -> SetMobileNetworkAccessPayload:
        work = grant_resolvers.resolve_set_mobile_network_access(info, input.msisdn, input.level)
        return await run_payload(info, SetMobileNetworkAccessPayload, work, "level")

    @strawberry.mutation(description="Ask for access: a code goes to that number by SMS.")
    async def request_line_access(
        self, info: Info[Context, None], input: RequestLineAccessInput
    ) -> RequestLineAccessPayload:
        work = request_resolvers.resolve_request_line_access(info, input.msisdn, input.level)
        return await run_payload(info, RequestLineAccessPayload, work, "request")

    @strawberry.mutation(description="Enter the code the number received: 3 tries, 15 minutes.")
    async def confirm_line_access(
        self, info: Info[Context, None], input: ConfirmLineAccessInput
    ) -> ConfirmLineAccessPayload:
        work = request_resolvers.resolve_confirm_line_access(
            info, request_id(input.request_id), input.code
        )
        return await run_payload(info, ConfirmLineAccessPayload, work, "grant")

    @line_mutation(
        request_resolvers.resolve_respond_to_access_request, "Answer a request for your number."
    )
    async def respond_to_access_request(
        self, info: Info[Context, None], input: RespondToAccessRequestInput
    ) -> RespondToAccessRequestPayload:
        work = request_resolvers.resolve_respond_to_access_request(
            info, request_id(input.request_id), input.approve
        )
        return await run_payload(info, RespondToAccessRequestPayload, work, "request")

    @strawberry.mutation(description="Allow or forbid requests for all your numbers.")
    async def set_access_requests_allowed(
        self, info: Info[Context, None], input: SetAccessRequestsAllowedInput
    ) -> SetAccessRequestsAllowedPayload:
        work = request_resolvers.resolve_set_access_requests_allowed(info, input.allowed)
        return await run_payload(info, SetAccessRequestsAllowedPayload, work, "allowed")
