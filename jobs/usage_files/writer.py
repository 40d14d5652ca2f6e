"""The one shape every usage-detail writer has: open, write pages, close or abort.

Every method blocks (files, compression, font subsetting) and is called through
`asyncio.to_thread`, one at a time, by `write_usage_file`.
"""

from __future__ import annotations

import threading
from pathlib import Path

from jobs.usage_files.records import UsageHeader, UsageRow
from jobs.usage_files.texts import Texts


class FileWriter:
    """A file being written page by page; subclasses fill in `_write`, `_close`, `_abort`.

    The lock matters when the job is cancelled: the page being written goes on in its
    thread, and `abort` has to wait for it instead of closing the file under it.
    """

    # rows one file may hold; None: no cap (only the PDF has one)
    max_rows: int | None = None

    def __init__(self, path: Path, header: UsageHeader) -> None:
        self.path = path
        self.header = header
        self.texts = Texts.of(header.language)
        self.rows = 0
        self._lock = threading.Lock()

    def write(self, rows: list[UsageRow]) -> None:
        with self._lock:
            self._write(rows)
            self.rows += len(rows)

    def close(self, truncated: bool) -> None:
        """Finish the file; `truncated` says rows were left out (the PDF then says so)."""
        with self._lock:
            self._close(truncated)

    def abort(self) -> None:
        """Drop the file after a failure: no half-written file is left behind."""
        with self._lock:
            try:
                self._abort()
            finally:
                self.path.unlink(missing_ok=True)

    def _write(self, rows: list[UsageRow]) -> None:
        raise NotImplementedError

    def _close(self, truncated: bool) -> None:
        raise NotImplementedError

    def _abort(self) -> None:
        raise NotImplementedError
