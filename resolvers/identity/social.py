"""socialProviders, startSocialLogin, startSocialBinding, completeSocialLogin,
unbindSocialIdentity, and a person's bound identities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from auth.policy import AccountData
from auth.sessions import require_recent_login
from auth.social import Completed, Provider, SocialLogin
from models import SocialIdentity, SocialPurpose, User
from models.errors import DomainError, ErrorCode
from models.social import unbind_identity
from resolvers.guard import require_session, sees_account_of
from resolvers.ids import db_id

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


UNCONFIGURED = "unconfigured"


@dataclass(frozen=True)
class ProviderInfo:
    """A provider as the API shows it; `kind` is oidc, oauth2, or unconfigured for an
    account bound at a provider that has since been removed from the configuration."""

    id: str
    kind: str
    name_en: str
    name_ru: str

    @classmethod
    def of(cls, provider: Provider) -> ProviderInfo:
        return cls(provider.id, provider.kind, provider.name_en, provider.name_ru)


def social(info: Info[Context, None]) -> SocialLogin:
    """The process's social login service."""
    return info.context.services.social


def resolve_social_providers(info: Info[Context, None]) -> list[ProviderInfo]:
    return [ProviderInfo.of(p) for p in social(info).providers]


async def resolve_start_social_login(
    info: Info[Context, None], provider: str, redirect_uri: str, state: str | None
) -> str:
    ctx = info.context
    return await social(info).start(
        provider,
        redirect_uri,
        purpose=SocialPurpose.LOGIN,
        user_id=None,
        app_state=state,
        throttle=ctx.services.throttle,
        client_ip=ctx.client.ip,
    )


async def resolve_start_social_binding(
    info: Info[Context, None], provider: str, redirect_uri: str, state: str | None
) -> str:
    session = await require_session(info, changes=AccountData.PROVIDER_ACCOUNTS)
    require_recent_login(session)
    ctx = info.context
    return await social(info).start(
        provider,
        redirect_uri,
        purpose=SocialPurpose.BIND,
        user_id=session.user_id,
        app_state=state,
        throttle=ctx.services.throttle,
        client_ip=ctx.client.ip,
    )


async def resolve_complete_social_login(info: Info[Context, None], code: str) -> Completed:
    ctx = info.context
    # asked for only by a binding code: a login must work whatever token came along
    return await social(info).complete(
        code, lambda: require_session(info), ctx.client, ctx.services.tokens
    )


async def resolve_unbind_social_identity(info: Info[Context, None], identity_id: str) -> User:
    session = await require_session(info, changes=AccountData.PROVIDER_ACCOUNTS)
    key = db_id(identity_id)
    if key is None:
        raise DomainError(ErrorCode.NOT_FOUND, field=["identityId"])
    await unbind_identity(session.user_id, key)
    return session.user


async def resolve_social_identities(info: Info[Context, None], user: User) -> list[SocialIdentity]:
    """Only one's own bound accounts are shown, and only in a FULL session."""
    if not await sees_account_of(info, user.id, AccountData.PROVIDER_ACCOUNTS):
        return []
    return list(await SocialIdentity.filter(user_id=user.id).order_by("bound_at", "id"))


async def social_identities_by_ids(
    info: Info[Context, None], ids: list[str]
) -> list[SocialIdentity | None]:
    """node(id) for bound identities: only the viewer's own, in a FULL session."""
    session = await info.context.current_session()
    if session is None or not await sees_account_of(
        info,
        session.user_id,
        AccountData.PROVIDER_ACCOUNTS,
    ):
        return [None for _ in ids]
    wanted = [i for i in (db_id(raw) for raw in ids) if i is not None]
    rows = {
        str(row.id): row
        for row in await SocialIdentity.filter(id__in=wanted, user_id=session.user_id)
    }
    return [rows.get(raw) for raw in ids]


def provider_for(info: Info[Context, None], identity: SocialIdentity) -> ProviderInfo:
    """The configured provider of a bound identity, or a stand-in once unconfigured."""
    provider = social(info).providers.get(identity.provider)
    if provider is None:
        return ProviderInfo(identity.provider, UNCONFIGURED, identity.provider, identity.provider)
    return ProviderInfo.of(provider)
