"""Serving a development server for real: uvicorn on a loopback port, in a thread.

Shared by the dev provider and the dev acquirer (and the tests' webhook receivers). A
thread, not a subprocess, on purpose: a test and the server share objects (switches, a
store), so a plain assignment changes the server's next answer. The socket is bound
before the app is built, so the app knows its own URL without racing another process
for a "free" port.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from typing import TypeVar

import uvicorn
from starlette.types import ASGIApp

STARTUP_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 10.0
T = TypeVar("T")


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


@contextmanager
def run_asgi(
    build: Callable[[str], ASGIApp],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    name: str = "loopback",
) -> Iterator[str]:
    """Serve `build(base_url)` with uvicorn in a thread until the block ends; the base URL."""
    sock = _bind(host, port)
    try:
        base_url = f"http://{host}:{sock.getsockname()[1]}"
        server = uvicorn.Server(
            uvicorn.Config(
                build(base_url),
                log_level="warning",
                access_log=False,
                # Nothing here needs websockets or lifespan; not loading them keeps the
                # thread free of their import-time deprecation warnings.
                ws="none",
                lifespan="off",
                http="h11",
            )
        )
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True
        )
        thread.start()
        try:
            _wait_started(server, thread, name)
            yield base_url
        finally:
            server.should_exit = True
            thread.join(SHUTDOWN_TIMEOUT)
    finally:
        sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread, name: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"{name}: uvicorn exited during startup")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name}: uvicorn did not start in time")
        time.sleep(0.01)


@asynccontextmanager
async def in_thread(manager: AbstractContextManager[T]) -> AsyncIterator[T]:
    """A blocking context manager (a `run_*` above) entered and left off the event loop."""
    running = await asyncio.to_thread(manager.__enter__)
    try:
        yield running
    except BaseException as exc:
        if not await asyncio.to_thread(manager.__exit__, type(exc), exc, exc.__traceback__):
            raise
    else:
        await asyncio.to_thread(manager.__exit__, None, None, None)
