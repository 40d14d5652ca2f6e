"""Who may reach a line besides its holder: levels, grants, consent requests, audit."""

from __future__ import annotations

from enum import StrEnum


class AccessLevel(StrEnum):
    FULL = "FULL"
    LIMITED = "LIMITED"


class MobileNetworkAccess(StrEnum):
    """What a password-less session from the mobile network may do on this number."""

    FULL = "FULL"
    LIMITED = "LIMITED"
    DISABLED = "DISABLED"
