"""The GraphQL-over-HTTP reference audits (npm `graphql-http`) against a real server.

`linehub serve` runs in a subprocess on a free port, on the test database; graphql-http,
pinned in tests/http/audit/package-lock.json, is installed once into
tests/http/audit/node_modules; tests/http/audit/run_audits.mjs runs every audit of
`serverAudits` and prints the results. Every audit must pass: MUSTs, SHOULDs and MAYs.
Without node and npm the test fails: CI has them, and a skipped conformance test would
let a regression through.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.servers import free_port, start_hub, stop_hub

AUDIT_DIR = Path(__file__).parent / "audit"
REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30
# serverAudits of the pinned version has 61 audits; fewer means the runner broke
MIN_AUDITS = 60


async def run(*command: str, cwd: Path, seconds: float) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(seconds):
            out, err = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail(f"{' '.join(command)} did not finish in {seconds} s")
    return process.returncode or 0, out.decode(), err.decode()


def pinned_version() -> str:
    return json.loads((AUDIT_DIR / "package.json").read_text())["dependencies"]["graphql-http"]


def installed_version() -> str | None:
    manifest = AUDIT_DIR / "node_modules" / "graphql-http" / "package.json"
    if not manifest.exists():
        return None
    return json.loads(manifest.read_text())["version"]


async def ensure_graphql_http() -> None:
    """Install the pinned graphql-http from the lockfile unless it is already there."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("node and npm are needed for the GraphQL-over-HTTP audit (CI has them)")
    if installed_version() == pinned_version():
        return
    code, out, err = await run(
        "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error", cwd=AUDIT_DIR, seconds=300
    )
    assert code == 0, f"npm ci failed in {AUDIT_DIR}:\n{out}\n{err}"
    assert installed_version() == pinned_version()


@pytest.fixture
async def server(database_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """`linehub serve` on a free port and the test database; yields the /graphql URL."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ENV": "test",
        "SECRET_KEY": "audit-secret-key-" + "x" * 32,
        "LOG_LEVEL": "WARNING",
    }
    process = await start_hub(env, port, tmp_path / "server.log")
    try:
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        await stop_hub(process)


async def test_every_graphql_over_http_audit_passes(server: str) -> None:
    await ensure_graphql_http()
    code, out, err = await run("node", "run_audits.mjs", server, cwd=AUDIT_DIR, seconds=120)
    assert code == 0, f"the audit runner failed:\n{out}\n{err}"
    results = json.loads(out)
    assert len(results) >= MIN_AUDITS, results
    failing = [r for r in results if r["status"] != "ok"]
    report = "\n".join(f"{r['id']} [{r['status']}] {r['name']}: {r['reason']}" for r in failing)
    assert not failing, f"{len(failing)} of {len(results)} audits failed:\n{report}"
