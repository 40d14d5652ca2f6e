"""Tortoise models and the domain rules that change them; imports nothing else of linehub.

Tortoise copies a model's first docstring line and field descriptions into SQL comments
and its SQLite migration runner splits statements on semicolons: keep both free of `;`
and quotes.
"""

from tortoise.backends.base.config_generator import expand_db_url

import models.sqlite  # noqa: F401  (datetimes reach SQLite as UTC text)
from models.access import (
    AccessLevel,
    AccessRequest,
    AuditAction,
    AuditEntry,
    Grant,
    GrantStatus,
    MobileNetworkAccess,
    PrimaryLine,
    Relation,
    RequestStatus,
)
from models.allowance import Allowance, AllowanceKind
from models.autopay import Autopay, AutopayMode
from models.block import BlockReason, LineBlock
from models.card import Card
from models.contract import Contract, ContractKind
from models.identity import (
    AuthMethod,
    Credential,
    EmailConfirmation,
    LoginLock,
    RefreshToken,
    Session,
    TemporaryPassword,
    ThrottleLog,
)
from models.job import Job, JobFailure, JobStatus
from models.ledger import EntryKind, LedgerEntry, post_entry
from models.line import DeviceKind, Line, LineStatus
from models.payment import Payment, PaymentPurpose, PaymentStatus
from models.person import User
from models.report import MonthlyReport
from models.request import LineRequest, LineRequestKind, LineRequestStatus
from models.service import ChargePeriod, LineService, Service, ServiceKind
from models.social import SocialAttempt, SocialIdentity, SocialLoginCode, SocialPurpose
from models.tariff import Tariff, TariffKind
from models.trust import TrustPayment, TrustStatus
from models.usage import Direction, UsageFlag, UsageKind, UsageRecord

APP_LABEL = "linehub"

__all__ = [
    "APP_LABEL",
    "AccessLevel",
    "AccessRequest",
    "Allowance",
    "AllowanceKind",
    "AuditAction",
    "AuditEntry",
    "AuthMethod",
    "Autopay",
    "AutopayMode",
    "BlockReason",
    "Card",
    "ChargePeriod",
    "Contract",
    "ContractKind",
    "Credential",
    "DeviceKind",
    "Direction",
    "EmailConfirmation",
    "EntryKind",
    "Grant",
    "GrantStatus",
    "Job",
    "JobFailure",
    "JobStatus",
    "LedgerEntry",
    "Line",
    "LineBlock",
    "LineRequest",
    "LineRequestKind",
    "LineRequestStatus",
    "LineService",
    "LineStatus",
    "LoginLock",
    "MobileNetworkAccess",
    "MonthlyReport",
    "Payment",
    "PaymentPurpose",
    "PaymentStatus",
    "PrimaryLine",
    "RefreshToken",
    "Relation",
    "RequestStatus",
    "Service",
    "ServiceKind",
    "Session",
    "SocialAttempt",
    "SocialIdentity",
    "SocialLoginCode",
    "SocialPurpose",
    "Tariff",
    "TariffKind",
    "TemporaryPassword",
    "ThrottleLog",
    "TrustPayment",
    "TrustStatus",
    "UsageFlag",
    "UsageKind",
    "UsageRecord",
    "User",
    "post_entry",
]


async def keep_session(_: object) -> None:
    """asyncpg's pool reset, made a no-op (asyncpg itself still rolls back a transaction
    left open).

    By default every connection returned to the pool runs `pg_advisory_unlock_all(),
    CLOSE ALL, UNLISTEN *, RESET ALL`: one more round trip after every statement, a
    tenth of a dashboard request's CPU (issue 10). linehub keeps no session state on a
    pooled connection: no SET (SET LOCAL, inside a transaction, ends with it), no
    LISTEN, no advisory lock, no cursor outside a transaction. Code that needs any of
    them takes a connection of its own.
    """


def tortoise_config(database_url: str, *, statement_seconds: float | None = None) -> dict:
    """The Tortoise configuration for one database URL; migrations live in models.migrations.

    `statement_seconds`: PostgreSQL stops any statement running longer (the server's
    requests pass their time budget; migrations and the CLI pass none). SQLite has no
    such setting; the request's own deadline covers it there.
    """
    connection: str | dict = database_url
    if database_url.startswith(("postgres://", "postgresql://")):
        connection = expand_db_url(database_url)
        # asyncpg's create_pool takes what tortoise does not know itself
        connection["credentials"]["reset"] = keep_session
        if statement_seconds is not None:
            timeout = f"{max(1, round(statement_seconds * 1000))}ms"
            connection["credentials"]["server_settings"] = {"statement_timeout": timeout}
    return {
        "connections": {"default": connection},
        "apps": {
            APP_LABEL: {
                "models": ["models"],
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }
