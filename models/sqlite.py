"""Datetimes written to SQLite as UTC text.

SQLite has no datetime type: tortoise stores `isoformat(" ")` text and a filter compares
that text. A bound in another zone (the operator's day in Moscow, a client's `+03:00`)
would be compared by its digits and miss three hours of every day. Every aware datetime
is turned to UTC before it becomes text, so the stored values and every bound sort as
the instants they are. PostgreSQL's timestamptz needs none of this.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

# tortoise registers its own adapter when this module is first imported; ours replaces it
import tortoise.backends.sqlite.executor  # noqa: F401


def utc_text(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.isoformat(" ")


sqlite3.register_adapter(datetime, utc_text)
