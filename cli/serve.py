"""`linehub serve`: uvicorn with the app factory, proxy headers handled by linehub itself."""

from __future__ import annotations

import uvicorn

from config import Settings
from web.logs import configure_logging


def serve(settings: Settings, *, host: str, port: int, workers: int) -> int:
    configure_logging(settings.log_level, settings.log_format)
    uvicorn.run(
        "app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # forwarded headers are trusted only from TRUSTED_PROXY_CIDRS (web.client), so
        # uvicorn must not rewrite the peer address from them on its own
        proxy_headers=False,
        server_header=False,
        log_config=None,
        timeout_graceful_shutdown=20,
    )
    return 0
