"""Tortoise models and the domain rules that change them; imports nothing else of linehub.

Tortoise copies a model's first docstring line and field descriptions into SQL comments
and its SQLite migration runner splits statements on semicolons: keep both free of `;`
and quotes.
"""

from models.access import (
    AccessLevel,
    AccessRequest,
    AuditAction,
    AuditEntry,
    Grant,
    MobileNetworkAccess,
    PrimaryLine,
    Relation,
    RequestStatus,
)
from models.allowance import Allowance, AllowanceKind
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
from models.ledger import EntryKind, LedgerEntry, post_entry
from models.line import DeviceKind, Line, LineStatus
from models.person import User
from models.service import ChargePeriod, LineService, Service, ServiceKind
from models.social import SocialAttempt, SocialIdentity, SocialLoginCode, SocialPurpose
from models.tariff import Tariff, TariffKind

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
    "ChargePeriod",
    "Contract",
    "ContractKind",
    "Credential",
    "DeviceKind",
    "EmailConfirmation",
    "EntryKind",
    "Grant",
    "LedgerEntry",
    "Line",
    "LineService",
    "LineStatus",
    "LoginLock",
    "MobileNetworkAccess",
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
    "User",
    "post_entry",
]


def tortoise_config(database_url: str) -> dict:
    """The Tortoise configuration for one database URL; migrations live in models.migrations."""
    return {
        "connections": {"default": database_url},
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
