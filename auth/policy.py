"""The access policy: the only place that knows which relation grants which capability.

API.md section 5. A viewer's capabilities on a line are the union over their relations
to it (OWNER; USER or DELEGATE at FULL or LIMITED), intersected with what the session
may do at most (FULL for password and social logins; the owner's setting for
mobile-network logins).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from models.access import AccessLevel, GrantStatus, Relation

if TYPE_CHECKING:
    from models.line import Line


class Capability(StrEnum):
    VIEW_SUMMARY = "VIEW_SUMMARY"
    VIEW_SERVICES = "VIEW_SERVICES"
    TOP_UP = "TOP_UP"
    VIEW_USAGE = "VIEW_USAGE"
    MANAGE_SERVICES = "MANAGE_SERVICES"
    CHANGE_TARIFF = "CHANGE_TARIFF"
    BLOCK = "BLOCK"
    TRUST_PAYMENT = "TRUST_PAYMENT"
    SEND_SMS = "SEND_SMS"
    MANAGE_LINE = "MANAGE_LINE"
    MANAGE_ACCESS = "MANAGE_ACCESS"


LIMITED_CAPABILITIES = frozenset(
    {Capability.VIEW_SUMMARY, Capability.VIEW_SERVICES, Capability.TOP_UP}
)
FULL_CAPABILITIES = LIMITED_CAPABILITIES | {
    Capability.VIEW_USAGE,
    Capability.MANAGE_SERVICES,
    Capability.CHANGE_TARIFF,
    Capability.BLOCK,
    Capability.TRUST_PAYMENT,
    Capability.SEND_SMS,
    Capability.MANAGE_LINE,
}
OWNER_CAPABILITIES = FULL_CAPABILITIES | {Capability.MANAGE_ACCESS}

BY_LEVEL = {AccessLevel.FULL: FULL_CAPABILITIES, AccessLevel.LIMITED: LIMITED_CAPABILITIES}


@dataclass(frozen=True)
class LineAccess:
    """What one viewer may do on one line in this request. Empty relations = invisible."""

    line_id: int
    relations: frozenset[Relation]
    capabilities: frozenset[Capability]

    @property
    def visible(self) -> bool:
        return bool(self.relations)

    @property
    def level(self) -> AccessLevel:
        return AccessLevel.FULL if self.capabilities >= FULL_CAPABILITIES else AccessLevel.LIMITED

    def allows(self, capability: Capability) -> bool:
        return capability in self.capabilities


def line_access(
    line_id: int,
    relations: Iterable[tuple[Relation, AccessLevel | None]],
    session_cap: AccessLevel,
) -> LineAccess:
    """Capabilities for a set of (relation, level) facts under a session cap."""
    granted: set[Capability] = set()
    kinds: set[Relation] = set()
    for relation, level in relations:
        kinds.add(relation)
        if relation is Relation.OWNER:
            granted |= OWNER_CAPABILITIES
        elif level is not None:
            granted |= BY_LEVEL[level]
    capabilities = frozenset(granted) & BY_LEVEL_CAP[session_cap]
    return LineAccess(line_id, frozenset(kinds), capabilities)


# a session cap limits everything, MANAGE_ACCESS included: a LIMITED mobile-network
# session of the owner cannot hand out access
BY_LEVEL_CAP = {AccessLevel.FULL: OWNER_CAPABILITIES, AccessLevel.LIMITED: LIMITED_CAPABILITIES}


class AccountData(StrEnum):
    """What belongs to the whole account rather than to one line (see `may_use_account`)."""

    CONTRACTS = "CONTRACTS"  # viewer.contracts
    GRANTS_GIVEN = "GRANTS_GIVEN"  # viewer.grantsGiven (grants received stay visible)
    # requests waiting for the holder's answer, and whether anyone may ask at all
    ACCESS_REQUESTS = "ACCESS_REQUESTS"
    SESSIONS = "SESSIONS"  # the other sessions: listing and revoking them
    EMAIL = "EMAIL"  # the recovery e-mail, pending or confirmed
    PROFILE = "PROFILE"  # alias, name and e-mail, as updateProfile changes them
    PASSWORD = "PASSWORD"  # noqa: S105 - the kind of data, not a password
    # bound social accounts: binding one adds a way in that opens FULL sessions
    PROVIDER_ACCOUNTS = "PROVIDER_ACCOUNTS"
    # answering invitations to others' numbers: accepting one adds access to the account
    INVITATIONS = "INVITATIONS"
    # the person's jobs and their files (exports of usage and payments)
    JOBS = "JOBS"
    # bound bank cards: seeing them, binding, unbinding, and paying with one
    CARDS = "CARDS"


# The session cap decides alone: a LIMITED session may read a line the way its cap
# allows, but everything above the lines is the account holder's, at FULL strength
ACCOUNT_DATA_BY_CAP: dict[AccessLevel, frozenset[AccountData]] = {
    AccessLevel.FULL: frozenset(AccountData),
    AccessLevel.LIMITED: frozenset(),
}


def may_use_account(session_cap: AccessLevel, data: AccountData) -> bool:
    """Whether a session with this cap may see and change one kind of account-wide data.

    The rule: a LIMITED session (a mobile-network login capped at LIMITED) sees and
    changes no account-wide data at all: no contracts, grants given, access requests,
    sessions, e-mail, profile, password or bound provider accounts; only a FULL session
    (password, social, or a mobile-network login capped at FULL) does. Lists of such
    data answer empty and changes are FORBIDDEN, so a phone that merely sits on the
    operator's network cannot take over the account it belongs to.

    Example:
        >>> may_use_account(AccessLevel.LIMITED, AccountData.SESSIONS)
        False
    """
    # an unknown cap sees nothing: the rule fails closed
    return data in ACCOUNT_DATA_BY_CAP.get(session_cap, frozenset())


def may_revoke(access: LineAccess, own_grant: bool, manage: Capability) -> bool:
    """Whether a viewer may revoke a grant on the line `access` describes.

    The grantee may give up their own grant; anyone else needs `manage` (the capability
    revokeLineAccess is declared with). Who else holds a line is MANAGE_ACCESS data, so
    the caller answers a refusal exactly like a grant that never existed.
    """
    return own_grant or access.allows(manage)


def sees_grantee(status: GrantStatus, grantee_id: int, viewer_id: int | None) -> bool:
    """Whether a viewer is shown who holds a grant: the grantee themselves always, anyone
    else (the holder) only once the grantee accepted. Until then the holder sees the
    login they typed and nothing more: inviting a login must not tell whose it is, or
    that anyone has it.
    """
    return viewer_id == grantee_id or status is GrantStatus.ACTIVE


def sees_request_number(line: Line | None, viewer_id: int) -> bool:
    """Whether the viewer is shown the number an access request names: only the holder,
    who must answer it. The asker typed it themselves, and showing it back would tell a
    real request from a decoy."""
    return line is not None and line.contract.holder_id == viewer_id
