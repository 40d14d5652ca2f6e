"""YooKassa's error object, and the plain pages an outage serves instead of it."""

from __future__ import annotations

import uuid

from starlette.responses import JSONResponse, PlainTextResponse, Response


class ApiError(Exception):
    """An answer of the form `{"type": "error", "code": ..., ...}`.

    Args:
        status: the HTTP status (400, 401, 404, 500).
        code: YooKassa's error code: `invalid_request`, `invalid_credentials`,
            `not_found`, `internal_server_error`.
        description: for a developer reading the log, not for the customer.
        parameter: the offending request parameter, dotted (`amount.value`).

    Example:
        >>> raise ApiError(400, "invalid_request", "Too long", parameter="description")
    """

    def __init__(
        self, status: int, code: str, description: str, *, parameter: str | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.code = code
        self.description = description
        self.parameter = parameter

    def response(self) -> JSONResponse:
        body = {
            "type": "error",
            "id": str(uuid.uuid4()),
            "code": self.code,
            "description": self.description,
        }
        if self.parameter is not None:
            body["parameter"] = self.parameter
        return JSONResponse(body, status_code=self.status)


def invalid(parameter: str | None, description: str) -> ApiError:
    return ApiError(400, "invalid_request", description, parameter=parameter)


def outage(status: int) -> Response:
    """What `Behaviour.down` answers with.

    A 500 is YooKassa's own JSON error (its docs say: the outcome is unknown, repeat the
    request with the same idempotence key). Anything else is what a proxy in front of a
    dead service sends: a plain page, not JSON, so a client that assumes JSON on every
    answer finds out here.
    """
    if status == 500:
        return ApiError(500, "internal_server_error", "Internal server error").response()
    headers = {"Retry-After": "30"} if status == 503 else {}
    return PlainTextResponse(f"{status} dev acquirer is down", status_code=status, headers=headers)
