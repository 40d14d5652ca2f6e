"""`linehub worker`: run background jobs and the schedule until SIGTERM or SIGINT."""

from __future__ import annotations

import logging
import os
import socket

from tortoise import Tortoise

from config import Settings
from jobs.engine import on_postgres
from models import tortoise_config
from services import Services
from web.logs import configure_logging

log = logging.getLogger("linehub.worker")


async def run_worker(settings: Settings, *, name: str | None = None) -> int:
    configure_logging(settings.log_level, settings.log_format)
    if not on_postgres(settings.database_url):
        # on SQLite the queue lives in the server's memory: a worker here would see none
        log.error("linehub worker needs PostgreSQL; on SQLite `linehub serve` runs the jobs")
        return 2
    name = name or f"{socket.gethostname()}:{os.getpid()}"
    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        async with Services.from_settings(settings) as services:
            log.info("worker started", extra={"worker": name})
            await services.jobs.work(services, name=name)
    finally:
        await Tortoise.close_connections()
    log.info("worker stopped", extra={"worker": name})
    return 0
