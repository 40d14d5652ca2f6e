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

from models.access import AccessLevel, Relation


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
