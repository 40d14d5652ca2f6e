"""Text people type that others will read: no characters that are not text."""

from __future__ import annotations

import unicodedata

from models.errors import DomainError, ErrorCode

# control characters (newlines, escapes), format characters (bidirectional overrides
# that reorder what a reader sees), line and paragraph separators
_NOT_TEXT = frozenset({"Cc", "Cf", "Zl", "Zp"})


def plain_text(value: str, *, field: str) -> str:
    """`value` if it holds none of `_NOT_TEXT`, else INVALID_INPUT `control_characters`.

    A name with newlines and a fake "security service" text was pasted into an SMS
    (issue 11): names are shown to others, so they are one line of plain text.
    """
    if any(unicodedata.category(ch) in _NOT_TEXT for ch in value):
        raise DomainError(ErrorCode.INVALID_INPUT, "control_characters", field=[field])
    return value
