"""`linehub serve` as a real process on a free loopback port, started and stopped by a test."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import httpx
import pytest

from tests.helpers import ROOT

STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _read(log: Path) -> str:
    return log.read_text(errors="replace")


def _started(log: Path) -> int:
    return _read(log).count("Application startup complete")


async def start_hub(
    env: dict[str, str], port: int, log: Path, *, workers: int = 1
) -> asyncio.subprocess.Process:
    """Start `linehub serve`; return once /readyz answers and every worker has started."""
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )
    async with httpx.AsyncClient(timeout=2) as client:
        for _ in range(STARTUP_SECONDS * 10):
            try:
                ready = await client.get(f"http://127.0.0.1:{port}/readyz")
                # /readyz may come from the first worker up; the others log when they are
                if ready.status_code == 200 and (workers == 1 or _started(log) >= workers):
                    return process
            except httpx.TransportError:
                pass
            if process.returncode is not None:
                break
            await asyncio.sleep(0.1)
    process.kill()
    await process.wait()
    pytest.fail(f"linehub serve did not start:\n{_read(log)}")


async def stop_hub(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout=30)
        except TimeoutError:
            process.kill()
            await process.wait()
