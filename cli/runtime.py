"""What a command needs to act: the database, the services and a context, in one call."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from tortoise import Tortoise

from config import Settings
from models import tortoise_config
from resolvers.context import Context
from services import Services


@contextlib.asynccontextmanager
async def system_context(
    settings: Settings, *, manage_database: bool = True
) -> AsyncIterator[Context]:
    """Open the database and the services, yield the system's context, close both.

    Tests that own the database pass manage_database=False, as for `create_app`.

    Example:
        async with system_context(settings) as context:
            await handle_ussd(msisdn, code, context.services)
    """
    if manage_database:
        await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        async with Services.from_settings(settings) as services:
            yield Context.for_system(services)
    finally:
        if manage_database:
            await Tortoise.close_connections()
