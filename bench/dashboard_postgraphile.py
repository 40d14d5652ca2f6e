"""PostGraphile 5, the dashboard bench's third server (issue 10).

It serves the same tables from the same database with the same checks: the access
token verified as linehub verifies it (bench/postgraphile/graphile.config.mjs), the
session behind it live and the visible lines the UNION linehub runs, both in PostgreSQL
row security (bench/postgraphile/rls.sql). Its schema is its own (`allSubscriberLines`,
`tariffByTariffId`, money in kopecks), so its answer is compared with linehub's by
content, line by line, not byte for byte.

Node and npm come from the machine; `npm ci` installs the locked PostGraphile into
bench/postgraphile/node_modules on first use. Without node the scenario says so and
leaves the column out: the bench is not CI.
"""

from __future__ import annotations

import asyncio
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg

from models.allowance import AllowanceKind, shown

HERE = Path(__file__).resolve().parent / "postgraphile"
QUERY = (
    "{ allSubscriberLines(first: 50, orderBy: ROW_ID_ASC) { nodes { msisdn status balance "
    "tariffByTariffId { name } "
    "allowancesByLineId(orderBy: KIND_ASC) { nodes { kind left unlimited } } "
    "lineServicesByLineId(orderBy: ROW_ID_ASC) { nodes { serviceByServiceId { name } price } } "
    "} } }"
)
# one line as both answers say it: (status, balance in kopecks, tariff, remains, services)
Line = tuple[str, int, str | None, tuple[tuple[str, int | None], ...], tuple[tuple[str, int], ...]]


def missing() -> str | None:
    """Why PostGraphile cannot run here, or None."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"{tool} is not on PATH"
    return None


async def install() -> None:
    """`npm ci` from the committed lock file, once."""
    if (HERE / "node_modules" / "postgraphile").is_dir():
        return
    process = await asyncio.create_subprocess_exec(
        "npm",
        "ci",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        cwd=HERE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=300)
    if process.returncode:
        raise RuntimeError(f"npm ci for PostGraphile failed:\n{out.decode()[-2000:]}")


async def prepare_database(url: str) -> None:
    """The role, the row security and the GraphQL name PostGraphile runs with."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute((HERE / "rls.sql").read_text())
    finally:
        await conn.close()


def command() -> list[str]:
    return ["node", str(HERE / "server.mjs")]


def environment(url: str, secret_key: str, port: int, workers: int) -> dict[str, str]:
    return {
        "PORT": str(port),
        "WORKERS": str(workers),
        "DATABASE_URL": url,
        "SECRET_KEY": secret_key,
        "GRAPHILE_ENV": "production",
    }


def kopecks(amount: str) -> int:
    return int(Decimal(amount) * 100)


def ours(answer: dict[str, Any]) -> dict[str, Line]:
    """linehub's dashboard answer, by number."""
    found: dict[str, Line] = {}
    for edge in answer["data"]["viewer"]["lines"]["edges"]:
        line = edge["node"]
        tariff = line["tariff"]
        found[line["msisdn"]] = (
            line["status"],
            kopecks(line["balance"]["amount"]),
            tariff["name"] if tariff else None,
            tuple((r["kind"], r["left"]) for r in line["remains"]),
            tuple((s["service"]["name"], kopecks(s["price"]["amount"])) for s in line["services"]),
        )
    return found


def theirs(answer: dict[str, Any]) -> dict[str, Line]:
    """PostGraphile's answer, by number (its bigints arrive as strings)."""
    found: dict[str, Line] = {}
    for line in answer["data"]["allSubscriberLines"]["nodes"]:
        tariff = line["tariffByTariffId"]
        found[line["msisdn"]] = (
            line["status"],
            int(line["balance"]),
            tariff["name"] if tariff else None,
            tuple(
                # the table keeps data in KB; linehub shows whole MB (models.allowance)
                (
                    r["kind"],
                    None if r["unlimited"] else shown(AllowanceKind(r["kind"]), int(r["left"])),
                )
                for r in line["allowancesByLineId"]["nodes"]
            ),
            tuple(
                (s["serviceByServiceId"]["name"], int(s["price"]))
                for s in line["lineServicesByLineId"]["nodes"]
            ),
        )
    return found
