"""What the usage-detail writers take in and hand back.

The job that reads a line's usage turns its records into `UsageRow`s, page by page; the
writers know nothing of the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path


@dataclass(frozen=True)
class UsageRow:
    """One charged event, as the person sees it in the file.

    Args:
        started_at: when it began, timezone-aware (UTC); files show Moscow time.
        kind: "CALL", "SMS", "MMS" or "DATA".
        direction: "IN" or "OUT" (not shown for DATA: a session has no direction).
        counterpart: a 10-digit national number ("9162223344"), a short code, or None.
        seconds: a call's duration.
        bytes: a data session's volume.
        units: how many SMS or MMS.
        roaming: whether it happened abroad.
        zone: the roaming zone's name ("Европа"), when known.
        cost: integer kopecks, never a float.
    """

    started_at: datetime
    kind: str
    direction: str
    counterpart: str | None
    seconds: int | None
    bytes: int | None
    units: int | None
    roaming: bool
    zone: str | None
    cost: int


@dataclass(frozen=True)
class UsageHeader:
    """What every file says about itself: whose number, which period [start, end), when."""

    msisdn: str
    start: datetime
    end: datetime
    language: str
    generated_at: datetime


class ExportFormat(StrEnum):
    """The file kinds a person can ask for."""

    PDF = "PDF"
    XLSX = "XLSX"
    CSV = "CSV"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self]

    @property
    def suffix(self) -> str:
        return f".{self.value.lower()}"


MEDIA_TYPES = {
    ExportFormat.PDF: "application/pdf",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
}


@dataclass(frozen=True)
class WrittenFile:
    """The finished file.

    Args:
        rows: how many usage rows are in it.
        truncated: the PDF's row cap stopped it before the last row; the file says so.
        path: where it was written.
        media_type: its Content-Type.
    """

    rows: int
    truncated: bool
    path: Path
    media_type: str
