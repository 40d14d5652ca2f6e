"""updateProfile and confirmEmail: the person's own settings."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from resolvers import person as person_resolvers
from resolvers.context import Context
from schema.mutation import run_payload
from schema.person.types import User
from schema.scalars import UserError


@strawberry.input
class UpdateProfileInput:
    alias: str | None = strawberry.field(default=None, description="3–32 characters, a login.")
    name: str | None = strawberry.field(default=None, description="Display name.")
    email: str | None = strawberry.field(
        default=None, description="Recovery e-mail; counts once confirmed with the mailed code."
    )


@strawberry.input
class ConfirmEmailInput:
    code: str = strawberry.field(description="The code from the confirmation e-mail.")


@strawberry.type
class UpdateProfilePayload:
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ConfirmEmailPayload:
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PersonMutations:
    @strawberry.mutation(description="Set alias, display name or recovery e-mail.")
    async def update_profile(
        self, info: Info[Context, None], input: UpdateProfileInput
    ) -> UpdateProfilePayload:
        work = person_resolvers.resolve_update_profile(
            info, alias=input.alias, name=input.name, email=input.email
        )
        return await run_payload(info, UpdateProfilePayload, work, "user")

    @strawberry.mutation(description="Confirm the recovery e-mail with the mailed code.")
    async def confirm_email(
        self, info: Info[Context, None], input: ConfirmEmailInput
    ) -> ConfirmEmailPayload:
        work = person_resolvers.resolve_confirm_email(info, input.code)
        return await run_payload(info, ConfirmEmailPayload, work, "user")
