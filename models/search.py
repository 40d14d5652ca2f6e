"""Case-insensitive text search that behaves the same on SQLite and PostgreSQL.

SQLite's LOWER() and LIKE fold only ASCII, so Cyrillic search would differ between the
two databases. Searchable models keep a lower-cased copy of their text, written on save.
"""

from __future__ import annotations

from typing import Any, ClassVar

from tortoise import fields


class Searchable:
    """Mixin: keeps `search_text` = casefolded `search_fields`, joined."""

    search_fields: ClassVar[tuple[str, ...]] = ()
    search_text = fields.TextField(default="")

    def refresh_search_text(self) -> None:
        parts = (str(getattr(self, name) or "") for name in self.search_fields)
        self.search_text = " ".join(parts).casefold()

    async def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_search_text()
        await super().save(*args, **kwargs)  # type: ignore[misc]


def search_term(text: str) -> str:
    return " ".join(text.split()).casefold()
