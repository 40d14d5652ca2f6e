"""Identity in GraphQL: sessions, logins, passwords."""

from schema.identity.mutations import IdentityMutations
from schema.identity.types import AuthMethod, Session

__all__ = ["AuthMethod", "IdentityMutations", "Session"]
