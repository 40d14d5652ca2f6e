"""`linehub ussd`: what the network would POST to /network/ussd, from the command line."""

from __future__ import annotations

import sys

from tortoise import Tortoise

from auth.services import AuthServices
from auth.ussd import handle_ussd
from config import Settings
from models import tortoise_config
from models.errors import DomainError


async def ussd_command(settings: Settings, msisdn: str, code: str) -> int:
    await Tortoise.init(config=tortoise_config(settings.database_url))
    services = AuthServices.from_settings(settings)
    try:
        print(await handle_ussd(msisdn, code, services))
        return 0
    except DomainError as exc:
        print(f"linehub ussd: {exc.code.value}", file=sys.stderr)
        return 1
    finally:
        await services.close()
        await Tortoise.close_connections()
