"""What the identity rules need from the outside world, built once per app from Settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from auth.passwords import Hasher
from auth.throttle import Throttle, throttle_for
from auth.tokens import AccessTokens
from config import Settings
from gateways.deferred import Deferred
from gateways.email import EmailGateway, email_gateway
from gateways.sms import SmsGateway, sms_gateway


@dataclass
class AuthServices:
    settings: Settings
    hasher: Hasher
    tokens: AccessTokens
    throttle: Throttle
    sms: SmsGateway
    email: EmailGateway
    deferred: Deferred = field(default_factory=Deferred)

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthServices:
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
        )

    async def close(self) -> None:
        await self.deferred.settle()  # a password being issued still reaches its SMS
        for part in (self.sms, self.throttle):
            close = getattr(part, "close", None)
            if close is not None:
                await close()
