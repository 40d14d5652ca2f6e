"""`linehub ussd`: what the network would POST to /network/ussd, from the command line."""

from __future__ import annotations

import sys

from auth.ussd import handle_ussd
from cli.runtime import system_context
from config import Settings
from models.errors import DomainError


async def ussd_command(settings: Settings, msisdn: str, code: str) -> int:
    async with system_context(settings) as context:
        try:
            print(await handle_ussd(msisdn, code, context.services))
        except DomainError as exc:
            print(f"linehub ussd: {exc.code.value}", file=sys.stderr)
            return 1
    return 0
