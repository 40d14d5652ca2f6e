"""The context every resolver and domain call receives: who acts, with which services.

One `Context` type for every entry point. The HTTP view builds it from a request, a
WebSocket from its `connection_init` payload, the CLI and scheduled jobs act as the
system, and a job run for a person acts with that person's session. Nothing in it is a
web framework type, so resolvers run the same way under each of them.

Example:
    context = Context.for_system(services)                          # CLI, schedule
    context = Context.for_connection(services, {"authorization": "Bearer ..."})
    context = Context.for_session(services, session, language="ru")  # a person's job
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from auth.sessions import ClientInfo, authenticate
from config import Settings
from i18n import DEFAULT_LANGUAGE, LANGUAGES, OPERATOR_LANGUAGE, negotiate
from models import Session
from models.errors import DomainError, ErrorCode
from resolvers.loaders import Loaders
from services import Services

NO_CLIENT = ClientInfo(user_agent="", ip=None)


class Acting(StrEnum):
    """Who a context acts for: a person (through a session, maybe none yet) or the
    system itself (the CLI, the network's side, scheduled work), which has no session
    and so reaches no person's data through the API."""

    PERSON = "PERSON"
    SYSTEM = "SYSTEM"


def new_request_id() -> str:
    return secrets.token_hex(8)


@dataclass(eq=False)
class Context:
    """One unit of work: a request, a subscription, a command or a job.

    Loaders cache per context, so a context lives exactly as long as that unit: one
    per HTTP request, one per subscription event, one per job run.

    Args:
        services: the process's services.
        language: `en` or `ru`, for messages and texts sent on this work's behalf.
        request_id: ties log lines to this unit of work.
        client: the user agent and address of the person's device, when known.
        peer_trusted: the TCP peer is a trusted proxy (its headers are believed).
        network_msisdns: the header-enrichment values a trusted proxy sent.
        credentials: the `Authorization` value as sent (`Bearer <accessToken>`).
        acting: a person or the system.
    """

    services: Services
    language: str = DEFAULT_LANGUAGE
    request_id: str = field(default_factory=new_request_id)
    client: ClientInfo = NO_CLIENT
    peer_trusted: bool = False
    network_msisdns: tuple[str, ...] = ()
    credentials: str | None = None
    acting: Acting = Acting.PERSON
    loaders: Loaders = field(default_factory=Loaders)
    # the session a login mutation just opened: `Session.current` is true for it
    issued_session_id: uuid.UUID | None = None
    _session: Session | None = field(default=None, repr=False)
    _checked: bool = field(default=False, repr=False)
    _auth_error: DomainError | None = field(default=None, repr=False)
    _checking: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    @classmethod
    def for_system(
        cls,
        services: Services,
        *,
        language: str = OPERATOR_LANGUAGE,
        request_id: str | None = None,
    ) -> Context:
        """The system acting (CLI, the network's side, the schedule): no session.

        The operator's language by default: texts it sends on its own go out in it.
        """
        return cls(
            services,
            language=_language(language),
            request_id=request_id or new_request_id(),
            acting=Acting.SYSTEM,
            _checked=True,
        )

    @classmethod
    def for_session(
        cls, services: Services, session: Session, *, language: str = DEFAULT_LANGUAGE
    ) -> Context:
        """A person's work outside a request (a job they asked for), with their session
        as loaded by the caller; access is computed from it as for their requests."""
        return cls(services, language=_language(language), _session=session, _checked=True)

    @classmethod
    def for_connection(
        cls,
        services: Services,
        payload: Mapping[str, object] | None,
        *,
        client: ClientInfo = NO_CLIENT,
        accept_language: str | None = None,
    ) -> Context:
        """A WebSocket's context from its `connection_init` payload:
        `{"authorization": "Bearer <accessToken>", "language": "ru"}` (both optional;
        the language falls back to the upgrade request's Accept-Language)."""
        payload = payload or {}
        authorization = payload.get("authorization")
        language = payload.get("language")
        return cls(
            services,
            language=_language(language)
            if isinstance(language, str)
            else negotiate(accept_language),
            client=client,
            # a payload that names something other than a string is a bad credential,
            # not an anonymous one: the subscriber learns to log in again
            credentials=authorization
            if isinstance(authorization, str)
            else (None if authorization is None else ""),
        )

    @property
    def settings(self) -> Settings:
        return self.services.settings

    async def current_session(self) -> Session | None:
        """The session of the credentials, checked once per context; None without any.

        Credentials that are present but bad raise (UNAUTHENTICATED or SESSION_REVOKED)
        every time they are asked for, so the client learns to refresh or log in again.
        """
        if not self._checked:
            # resolvers ask at once (viewer and node in one document): one check for all
            async with self._checking:
                if not self._checked:
                    try:
                        self._session = await self._authenticate()
                    except DomainError as exc:
                        self._auth_error = exc
                    self._checked = True
        if self._auth_error is not None:
            raise self._auth_error
        return self._session

    async def _authenticate(self) -> Session | None:
        if self.credentials is None:
            return None
        scheme, _, token = self.credentials.partition(" ")
        if scheme.lower() != "bearer":
            raise DomainError(ErrorCode.UNAUTHENTICATED)
        return await authenticate(token.strip(), self.services.tokens)

    def forget_session(self) -> None:
        """After logout the rest of the request runs without the session."""
        self._session, self._auth_error, self._checked = None, None, True


def _language(language: str) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE
