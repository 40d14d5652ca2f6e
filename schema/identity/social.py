"""Social login in GraphQL: providers, bound identities, and the four mutations of API.md 6.

An app starts a flow with startSocialLogin or startSocialBinding, sends the browser to
the `authorizationUrl`, and gets it back at its `redirectUri` with `?code=` (or
`?error=`, and `?state=` when it passed one). completeSocialLogin(code) then opens the
session, or, for a binding, binds the account to the logged-in person who started it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import strawberry
from graphql import GraphQLResolveInfo
from strawberry import relay
from strawberry.relay import GlobalID
from strawberry.types import Info

import models
from resolvers.context import Context
from resolvers.identity import social as resolvers
from resolvers.identity.social import ProviderInfo
from schema.identity.types import LoginPayload
from schema.mutation import run_payload
from schema.person.types import User
from schema.scalars import UserError

if TYPE_CHECKING:
    from auth.social import Completed

REDIRECT_URI = "An app URI registered in SOCIAL_REDIRECT_URIS, matched exactly."
APP_STATE = "Up to 200 characters, handed back as `state` with the code or error."
RETURNS = (
    "The browser comes back to `redirectUri` with `code` for completeSocialLogin, or with "
    "`error`: ACCESS_DENIED, PROVIDER_UNAVAILABLE, PROVIDER_ERROR, INVALID_ID_TOKEN, "
    "INVALID_STATE, NOT_BOUND, IDENTITY_IN_USE or INTERNAL."
)


@strawberry.type(description="A configured login provider: VK ID, Yandex ID, Google, ...")
class SocialProvider:
    id: strawberry.ID = strawberry.field(description='Pass to startSocialLogin, e.g. "vk".')
    kind: str = strawberry.field(
        description="oidc (OpenID Connect, ID token verified) or oauth2 (userinfo); "
        "unconfigured for an account bound at a provider since removed."
    )

    @strawberry.field(description="Display name in the request's language.")
    def name(self, root: strawberry.Parent[ProviderInfo], info: Info[Context, None]) -> str:
        return root.name_ru if info.context.language == "ru" else root.name_en


@strawberry.type(
    description="A provider account bound to you; log in with it instead of a password."
)
class SocialIdentity(relay.Node):
    id: relay.NodeID[int]
    display_name: str | None = strawberry.field(description="The account's name there.")
    bound_at: datetime = strawberry.field(description="When it was bound.")

    @strawberry.field(description="Where the account is.", graphql_type=SocialProvider)
    def provider(
        self, root: strawberry.Parent[models.SocialIdentity], info: Info[Context, None]
    ) -> ProviderInfo:
        return resolvers.provider_for(info, root)

    @classmethod
    def is_type_of(cls, obj: Any, _info: GraphQLResolveInfo) -> bool:
        return isinstance(obj, models.SocialIdentity | cls)

    # rows, not instances of this class (Node.resolve_nodes is typed as returning Self)
    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        return await resolvers.social_identities_by_ids(info, list(node_ids))


@strawberry.input
class StartSocialLoginInput:
    provider: strawberry.ID = strawberry.field(description="A SocialProvider id.")
    redirect_uri: str = strawberry.field(description=REDIRECT_URI)
    state: str | None = strawberry.field(default=None, description=APP_STATE)


@strawberry.input
class StartSocialBindingInput:
    provider: strawberry.ID = strawberry.field(description="A SocialProvider id.")
    redirect_uri: str = strawberry.field(description=REDIRECT_URI)
    state: str | None = strawberry.field(default=None, description=APP_STATE)


@strawberry.input
class CompleteSocialLoginInput:
    code: str = strawberry.field(description="The one-time `code` the app received.")


@strawberry.input
class UnbindSocialIdentityInput:
    identity_id: strawberry.ID = strawberry.field(description="Global id of a SocialIdentity.")


@strawberry.type
class StartSocialLoginPayload:
    authorization_url: str | None = strawberry.field(
        default=None, description="Send the browser here; valid for 10 minutes, once."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why it failed, if it did."
    )


@strawberry.type
class StartSocialBindingPayload:
    authorization_url: str | None = strawberry.field(
        default=None, description="Send the browser here; valid for 10 minutes, once."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why it failed, if it did."
    )


@strawberry.type
class UnbindSocialIdentityPayload:
    unbound_identity_id: strawberry.ID | None = strawberry.field(
        default=None, description="The global id of the identity that was unbound."
    )
    user: User | None = strawberry.field(default=None, description="You, as you are now.")
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why it failed, if it did."
    )


def _completed(info: Info[Context, None]) -> Callable[[Completed], dict[str, Any]]:
    """completeSocialLogin's payload: the new session and its tokens, or, for a binding,
    the binder's own session and no tokens. Session.current marks either as current."""

    def fields(done: Completed) -> dict[str, Any]:
        info.context.issued_session_id = done.session.id
        if done.issued is None:
            return {"session": done.session}
        return {
            "access_token": done.issued.access_token,
            "refresh_token": done.issued.refresh_token,
            "session": done.session,
        }

    return fields


def _unbound(raw_id: str) -> Callable[[models.User], dict[str, Any]]:
    def fields(user: models.User) -> dict[str, Any]:
        return {"unbound_identity_id": strawberry.ID(raw_id), "user": user}

    return fields


def _node_id(raw: str) -> str:
    """The database id inside a SocialIdentity global id; anything else finds nothing."""
    try:
        gid = GlobalID.from_id(raw)
    except Exception:
        return ""
    return gid.node_id if gid.type_name == "SocialIdentity" else ""


@strawberry.type
class SocialQueries:
    @strawberry.field(
        description="The configured social login providers.", graphql_type=list[SocialProvider]
    )
    def social_providers(self, info: Info[Context, None]) -> list[ProviderInfo]:
        return resolvers.resolve_social_providers(info)


@strawberry.type
class SocialMutations:
    @strawberry.mutation(description="Start logging in with a bound provider account. " + RETURNS)
    async def start_social_login(
        self, info: Info[Context, None], input: StartSocialLoginInput
    ) -> StartSocialLoginPayload:
        work = resolvers.resolve_start_social_login(
            info, str(input.provider), input.redirect_uri, input.state
        )
        return await run_payload(info, StartSocialLoginPayload, work, "authorization_url")

    @strawberry.mutation(
        description="Start binding a provider account to you (a FULL session). " + RETURNS
    )
    async def start_social_binding(
        self, info: Info[Context, None], input: StartSocialBindingInput
    ) -> StartSocialBindingPayload:
        work = resolvers.resolve_start_social_binding(
            info, str(input.provider), input.redirect_uri, input.state
        )
        return await run_payload(info, StartSocialBindingPayload, work, "authorization_url")

    @strawberry.mutation(
        description="Exchange the one-time code: a login code opens a SOCIAL session; a "
        "binding code binds the account, sent with the token of the person who started it "
        "(the payload then carries that session and no new tokens)."
    )
    async def complete_social_login(
        self, info: Info[Context, None], input: CompleteSocialLoginInput
    ) -> LoginPayload:
        work = resolvers.resolve_complete_social_login(info, input.code)
        return await run_payload(info, LoginPayload, work, _completed(info))

    @strawberry.mutation(description="Unbind one of your provider accounts.")
    async def unbind_social_identity(
        self, info: Info[Context, None], input: UnbindSocialIdentityInput
    ) -> UnbindSocialIdentityPayload:
        raw = str(input.identity_id)
        work = resolvers.resolve_unbind_social_identity(info, _node_id(raw))
        return await run_payload(info, UnbindSocialIdentityPayload, work, _unbound(raw))
