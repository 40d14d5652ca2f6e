"""What the identity rules need from the outside world.

A protocol, not a container: the process's one container is `services.Services`, which
sits above auth/ in the layering and satisfies this structurally. Domain functions here
take it as `svc` and use only these parts.
"""

from __future__ import annotations

from typing import Protocol

from auth.passwords import Hasher
from auth.throttle import Throttle
from auth.tokens import AccessTokens
from config import Settings
from gateways.deferred import Deferred
from gateways.email import EmailGateway
from gateways.sms import SmsGateway


class AuthServices(Protocol):
    @property
    def settings(self) -> Settings: ...
    @property
    def hasher(self) -> Hasher: ...
    @property
    def tokens(self) -> AccessTokens: ...
    @property
    def throttle(self) -> Throttle: ...
    @property
    def sms(self) -> SmsGateway: ...
    @property
    def email(self) -> EmailGateway: ...
    @property
    def deferred(self) -> Deferred: ...
