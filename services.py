"""Every outbound service of the process, built once from Settings.

The app's lifespan, `linehub worker` and the CLI commands each build one `Services` and
close it when they stop; resolvers reach it through the request context, never through
the web framework's state. What a service needs from the outside world (an SMS
gateway, a Redis connection, an HTTP client) is opened here, so that a test, a command
and the server wire up exactly the same parts.

Example:
    async with Services.from_settings(settings) as services:
        context = Context.for_system(services)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType

from auth.links import DownloadLinks
from auth.passwords import Hasher
from auth.quotes import QuoteTokens
from auth.social import SocialLogin
from auth.throttle import Throttle, throttle_for
from auth.tokens import AccessTokens
from config import Settings
from gateways.acquirer import YooKassa, acquirer_for
from gateways.deferred import Deferred
from gateways.email import EmailGateway, email_gateway
from gateways.sms import SmsGateway, sms_gateway
from jobs.engine import JobQueue


@dataclass
class Services:
    """The process's outbound services. Satisfies `auth.services.AuthServices`."""

    settings: Settings
    hasher: Hasher
    tokens: AccessTokens
    throttle: Throttle
    sms: SmsGateway
    email: EmailGateway
    social: SocialLogin
    # background jobs: deferred here, run by `linehub worker` (in-process on SQLite)
    jobs: JobQueue
    # signed links to finished jobs' files
    links: DownloadLinks
    # signed price quotes (a tariff change's preview token)
    quotes: QuoteTokens
    # the card acquirer (YooKassa API v3, or the loopback one speaking it)
    acquirer: YooKassa
    # work a request started and did not wait for (an SMS being issued); close() waits
    deferred: Deferred = field(default_factory=Deferred)

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        """Build every service; nothing connects until first used."""
        return cls(
            settings=settings,
            hasher=Hasher(settings.argon2),
            tokens=AccessTokens(settings.secret_key),
            throttle=throttle_for(settings.redis_url),
            sms=sms_gateway(
                settings.sms_backend, outbox=settings.sms_outbox, url=settings.sms_http_url
            ),
            email=email_gateway(
                settings.email_backend,
                outbox=settings.email_outbox,
                smtp_url=settings.smtp_url,
                sender=settings.email_from,
            ),
            social=SocialLogin.from_settings(settings),
            jobs=JobQueue(settings),
            links=DownloadLinks(settings.secret_key),
            quotes=QuoteTokens(settings.secret_key),
            acquirer=acquirer_for(settings),
        )

    async def close(self) -> None:
        """Let started work finish (a password being issued still reaches its SMS), then
        release connections."""
        await self.deferred.settle()
        # only the backends that hold a connection (HTTP SMS, Redis) have a close()
        for part in (self.sms, self.throttle, self.email, self.acquirer):
            close = getattr(part, "close", None)
            if close is not None:
                await close()
        self.hasher.close()
        await self.jobs.close()

    async def __aenter__(self) -> Services:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
