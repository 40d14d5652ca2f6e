"""Work started and not waited for: after a request answers, or an SMS handed to a gateway."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger("linehub.deferred")


class Deferred:
    """Tasks run after the answer is sent, held until done (the loop keeps only weak
    references). `settle()` waits for them: a graceful shutdown, and tests that read the
    outbox right after a request. Each task keeps its request's context (request id)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[object]] = set()

    def start(self, work: Coroutine[Any, Any, object]) -> None:
        # whatever the work returns is dropped: nobody waits for its answer
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[object]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("deferred work failed: %r", error, exc_info=error)

    async def settle(self) -> None:
        """Wait until no task is left, those started meanwhile too (bound it with
        asyncio.timeout: the tasks go on, only the waiting stops)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))
