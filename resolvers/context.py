"""The per-request context every resolver receives as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from auth.services import AuthServices
from auth.sessions import ClientInfo, authenticate
from config import Settings
from models import Session
from models.errors import DomainError, ErrorCode
from resolvers.loaders import Loaders

_UNSET: Any = object()


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
    _session: Any = field(default=_UNSET, repr=False)
    _auth_error: DomainError | None = field(default=None, repr=False)

    @property
    def auth(self) -> AuthServices:
        return self.request.app.state.auth

    @property
    def client(self) -> ClientInfo:
        return ClientInfo(self.request.headers.get("user-agent", ""), self.client_ip)

    async def current_session(self) -> Session | None:
        """The session of the bearer token, checked once per request; None without a token.

        A token that is present but bad raises (UNAUTHENTICATED or SESSION_REVOKED) every
        time it is asked for, so the client learns to refresh or log in again.
        """
        if self._session is _UNSET:
            header = self.request.headers.get("authorization", "")
            scheme, _, token = header.partition(" ")
            if not header:
                self._session = None
            else:
                try:
                    if scheme.lower() != "bearer":
                        raise DomainError(ErrorCode.UNAUTHENTICATED)
                    self._session = await authenticate(token.strip(), self.auth.tokens)
                except DomainError as exc:
                    self._session, self._auth_error = None, exc
        if self._auth_error is not None:
            raise self._auth_error
        return self._session

    def forget_session(self) -> None:
        """After logout the rest of the request runs without the session."""
        self._session, self._auth_error = None, None
