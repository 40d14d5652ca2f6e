"""The hand-written baseline of the dashboard bench: Starlette + asyncpg, no GraphQL.

It answers `POST /graphql` with the JSON linehub gives for the dashboard query
(bench/dashboard.py, QUERY) and does the same access work: the access token checked
with `auth.tokens.AccessTokens`, the session row read on every request (a revoked,
expired or unfinished session refused, `last_seen_at` written at most once a minute),
the lines the viewer may see from their relations, and each field's capability from
`auth.policy.line_access` (a field it does not allow is null). Four statements on one
pooled connection; the pool skips the reset round trip (no LISTEN, no advisory locks).

`python -m bench.baseline --port N --workers 2` (DATABASE_URL, SECRET_KEY from the
environment) runs it the way `linehub serve` runs linehub: uvicorn, forked workers on
one shared socket; that socket has TCP_NODELAY set, which accepted sockets inherit.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from uvicorn.supervisors import Multiprocess

from auth.policy import Capability, line_access
from auth.tokens import AccessTokens, TokenError
from models.access import AccessLevel, Relation
from models.allowance import KB_PER_MB

LAST_SEEN_RESOLUTION = timedelta(minutes=1)
PAGE = 50  # the dashboard asks for lines(first: 50)
RANK = {Relation.OWNER: 0, Relation.USER: 1, Relation.DELEGATE: 2}
UNITS = {"MINUTES": "min", "SMS": "sms", "DATA": "MB"}

SESSION = """
SELECT user_id, access_cap, must_set_password, revoked_at, expires_at, last_seen_at
FROM session WHERE id = $1
"""
# every relation the viewer has to a line, as indexed lookups; the line's own columns ride
# along on each relation row
LINES = """
SELECT r.relation, r.level, l.id, l.msisdn, l.status, l.balance, l.contract_id, t.name AS tariff,
       (SELECT line_id FROM primary_line WHERE user_id = $1) AS primary_id
FROM (
    SELECT l.id AS line_id, 'OWNER' AS relation, NULL AS level
    FROM contract c JOIN line l ON l.contract_id = c.id WHERE c.holder_id = $1
    UNION ALL
    SELECT id, 'USER', user_level FROM line WHERE user_id = $1
    UNION ALL
    SELECT line_id, 'DELEGATE', level FROM line_grant
    WHERE grantee_id = $1 AND status = 'ACTIVE' AND revoked_at IS NULL
) r
JOIN line l ON l.id = r.line_id
LEFT JOIN tariff t ON t.id = l.tariff_id
"""
REMAINS = """
SELECT line_id, kind, "left", unlimited FROM allowance WHERE line_id = ANY($1::int[]) ORDER BY kind
"""
SERVICES = """
SELECT ls.line_id, s.name, ls.price
FROM line_service ls JOIN service s ON s.id = ls.service_id
WHERE ls.line_id = ANY($1::int[]) ORDER BY ls.id
"""


def money(kopecks: int) -> str:
    """12345 -> "123.45", -5 -> "-0.05": the Decimal text linehub answers."""
    sign = "-" if kopecks < 0 else ""
    whole, cents = divmod(abs(kopecks), 100)
    return f"{sign}{whole}.{cents:02d}"


def node_id(line_id: int) -> str:
    return base64.b64encode(f"Line:{line_id}".encode()).decode()


def error(code: str, message: str) -> Response:
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(json.dumps(body), media_type="application/json")


class Dashboard:
    def __init__(self, database_url: str, secret_key: str) -> None:
        self.database_url = database_url
        self.tokens = AccessTokens(secret_key)
        self.pool: asyncpg.Pool | None = None

    @asynccontextmanager
    async def lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        async def no_reset(_conn: asyncpg.Connection) -> None:
            return None

        self.pool = await asyncpg.create_pool(
            self.database_url, min_size=2, max_size=10, reset=no_reset
        )
        try:
            yield
        finally:
            await self.pool.close()

    async def graphql(self, request: Request) -> Response:
        body = json.loads(await request.body())
        if not isinstance(body, dict) or "viewer" not in str(body.get("query", "")):
            return error("BAD_REQUEST", "only the dashboard query is answered here")
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return error("UNAUTHENTICATED", "Log in first")
        try:
            claims = self.tokens.verify(token.strip())
        except TokenError:
            return error("UNAUTHENTICATED", "Log in first")
        assert self.pool is not None
        async with self.pool.acquire() as conn:
            session = await conn.fetchrow(SESSION, claims.session_id)
            now = datetime.now(UTC)
            if session is None or session["user_id"] != claims.user_id:
                return error("UNAUTHENTICATED", "Log in first")
            if session["revoked_at"] is not None:
                return error("SESSION_REVOKED", "The session was ended")
            if session["expires_at"] <= now or session["must_set_password"]:
                return error("UNAUTHENTICATED", "Log in first")
            seen = session["last_seen_at"]
            if seen is None or now - seen > LAST_SEEN_RESOLUTION:
                await conn.execute(
                    "UPDATE session SET last_seen_at = $2 WHERE id = $1", claims.session_id, now
                )
            lines = await self._lines(conn, claims.user_id, AccessLevel(session["access_cap"]))
        return Response(json.dumps({"data": {"viewer": {"lines": {"edges": lines}}}}))

    async def _lines(
        self, conn: asyncpg.Connection, viewer_id: int, cap: AccessLevel
    ) -> list[dict[str, Any]]:
        rows = await conn.fetch(LINES, viewer_id)
        facts: dict[int, list[tuple[Relation, AccessLevel | None]]] = {}
        by_id: dict[int, asyncpg.Record] = {}
        for row in rows:
            relation = Relation(row["relation"])
            level = AccessLevel(row["level"]) if row["level"] else None
            facts.setdefault(row["id"], []).append((relation, level))
            by_id[row["id"]] = row
        primary = rows[0]["primary_id"] if rows else None

        def order(line_id: int) -> tuple[bool, int, int, int]:
            # the holder of a contract is not also its line's USER (models.access.facts)
            rank = min(RANK[relation] for relation, _ in facts[line_id])
            return (line_id != primary, rank, by_id[line_id]["contract_id"], line_id)

        page = sorted(facts, key=order)[:PAGE]
        remains: dict[int, list[dict[str, Any]]] = {line_id: [] for line_id in page}
        services: dict[int, list[dict[str, Any]]] = {line_id: [] for line_id in page}
        for row in await conn.fetch(REMAINS, page):
            kind = row["kind"]
            # as linehub: no size, no number when unlimited; data kept in KB, shown in MB
            left = None if row["unlimited"] else row["left"]
            if left is not None and kind == "DATA":
                left //= KB_PER_MB
            remains[row["line_id"]].append({"kind": kind, "left": left, "unit": UNITS[kind]})
        for row in await conn.fetch(SERVICES, page):
            services[row["line_id"]].append(
                {"service": {"name": row["name"]}, "price": {"amount": money(row["price"])}}
            )
        edges = []
        for line_id in page:
            row = by_id[line_id]
            relations = facts[line_id]
            if any(r is Relation.OWNER for r, _ in relations):
                relations = [(r, lv) for r, lv in relations if r is not Relation.USER]
            access = line_access(line_id, relations, cap)
            summary = access.allows(Capability.VIEW_SUMMARY)
            tariff = {"name": row["tariff"]} if row["tariff"] is not None else None
            node = {
                "id": node_id(line_id),
                "msisdn": row["msisdn"],
                "status": row["status"],
                "balance": {"amount": money(row["balance"]), "currency": "RUB"}
                if summary
                else None,
                "tariff": tariff if summary else None,
                "remains": remains[line_id] if summary else None,
                "services": services[line_id] if access.allows(Capability.VIEW_SERVICES) else None,
            }
            edges.append({"node": node})
        return edges


def create_app() -> Starlette:
    dashboard = Dashboard(os.environ["DATABASE_URL"], os.environ["SECRET_KEY"])
    routes = [Route("/graphql", dashboard.graphql, methods=["POST"])]
    return Starlette(routes=routes, lifespan=dashboard.lifespan)


def listening_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Linux copies it to every accepted socket: answers leave without waiting for an ACK
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.baseline", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    config = uvicorn.Config(
        "bench.baseline:create_app",
        factory=True,
        workers=args.workers,
        log_config=None,
        access_log=False,
        server_header=False,
    )
    sock = listening_socket(args.host, args.port)
    if args.workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
