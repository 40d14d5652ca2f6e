"""A JSON-lines outbox file: what the `file` SMS and e-mail backends write, one object a line."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path


class JsonLinesOutbox:
    """Appends `{..., sent_at}` objects; the lock keeps concurrent lines whole, the thread
    keeps file I/O off the event loop."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._lock = asyncio.Lock()

    async def append(self, **fields: object) -> None:
        line = json.dumps({**fields, "sent_at": datetime.now(UTC).isoformat()}, ensure_ascii=False)
        async with self._lock:
            await asyncio.to_thread(self._write, line)

    def _write(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as outbox:
            outbox.write(line + "\n")
