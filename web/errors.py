"""Requests refused before GraphQL runs."""

from __future__ import annotations

from collections.abc import Mapping


class RequestError(Exception):
    """A request refused before GraphQL runs: HTTP status, stable code, message key."""

    def __init__(
        self,
        status: int,
        code: str,
        key: str,
        *,
        headers: Mapping[str, str] | None = None,
        **params: object,
    ) -> None:
        super().__init__(f"{status} {code}: {key}")
        self.status = status
        self.code = code
        self.key = key
        self.headers = dict(headers or {})
        self.params = params
