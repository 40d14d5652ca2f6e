"""The one error vocabulary of linehub: codes never change with the language."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    LOCKED = "LOCKED"
    PASSWORD_CHANGE_REQUIRED = "PASSWORD_CHANGE_REQUIRED"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    PASSWORD_MISMATCH = "PASSWORD_MISMATCH"
    RATE_LIMITED = "RATE_LIMITED"
    SESSION_REVOKED = "SESSION_REVOKED"
    NOT_AVAILABLE = "NOT_AVAILABLE"
    IDENTITY_IN_USE = "IDENTITY_IN_USE"
    NOT_BOUND = "NOT_BOUND"
    INTERNAL = "INTERNAL"
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
    TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    QUERY_TOO_LARGE = "QUERY_TOO_LARGE"
    TOO_MANY_PASSWORD_CHECKS = "TOO_MANY_PASSWORD_CHECKS"
    TIMEOUT = "TIMEOUT"
    RESPONSE_TOO_LARGE = "RESPONSE_TOO_LARGE"
    # managing a line and its money (API.md section 10)
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    INCOMPATIBLE = "INCOMPATIBLE"
    PRICE_CHANGED = "PRICE_CHANGED"
    LINE_BLOCKED = "LINE_BLOCKED"
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"
    LOGIN_DISABLED = "LOGIN_DISABLED"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    PAYMENT_DECLINED = "PAYMENT_DECLINED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    LIMIT_REACHED = "LIMIT_REACHED"
    # the HTTP edge's own codes (web/): a request refused before GraphQL runs, or a
    # document that does not parse or fit; listed so a client can switch over all codes
    BAD_REQUEST = "BAD_REQUEST"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_ALLOWED = "PERSISTED_QUERY_NOT_ALLOWED"


class DomainError(Exception):
    """An expected failure: becomes a `UserError` in a payload or a coded GraphQL error.

    `message_key` names a message in the i18n catalogue (the code itself when omitted);
    `params` fill its placeholders; `field` is the input path that was wrong.
    """

    def __init__(
        self,
        code: ErrorCode,
        message_key: str | None = None,
        *,
        field: list[str] | None = None,
        **params: object,
    ) -> None:
        self.code = code
        self.message_key = message_key or code.value
        self.field = field
        self.params = params
        super().__init__(f"{code.value}: {self.message_key}")
