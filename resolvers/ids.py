"""Database ids from untrusted text: a guessed or absurd id finds nothing, never crashes."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]{1,10}")
MAX_ID = 2**31 - 1  # the largest PostgreSQL `integer`; BIGINT ids stay far below it too


def db_id(raw: object) -> int | None:
    """`"42"` -> 42; anything else (`"²"`, `"-1"`, 23 digits, `"0"`) -> None."""
    text = str(raw)
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None
