"""The per-request context every resolver receives as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from config import Settings
from resolvers.loaders import Loaders


@dataclass
class Context:
    """Built once per GraphQL request by the HTTP view; loaders live exactly that long."""

    request: Request
    response: Response | None
    settings: Settings
    language: str
    request_id: str
    client_ip: str | None
    peer_trusted: bool = False
    loaders: Loaders = field(default_factory=Loaders)
    extra: dict[str, Any] = field(default_factory=dict)
