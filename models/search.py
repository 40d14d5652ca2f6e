"""Text search that behaves the same on SQLite and PostgreSQL.

SQLite's LOWER() and LIKE fold only ASCII, so Cyrillic search would differ between the
two databases. Searchable models therefore keep a normalised copy of their text in
`search_text`, and a query is normalised the same way (`normalize`), so the database only
compares plain strings with LIKE.

`search_text` is written by the ORM paths that go through Python: `save()` (also with
`update_fields` naming a source field), `create`, `get_or_create`, `update_or_create`,
`bulk_create` and `bulk_update`. A queryset `.update(name=...)` is plain SQL and cannot
see it; follow one that touches a source field with `refresh_search_texts`, e.g.
`await Tariff.filter(code="x").update(name="y")` then `await Tariff.refresh_search_texts(code="x")`.
The same call rewrites every row after a change to `normalize`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, overload

from tortoise import fields

if TYPE_CHECKING:
    from tortoise.backends.base.client import BaseDBAsyncClient
    from tortoise.models import Model

    # the mixin is only ever mixed into models: typed as one, it may call their methods
    _SearchableBase = Model
else:
    _SearchableBase = object

# Russian text writes "ё" or "е" for the same letter; people type "е" almost always
_FOLD = str.maketrans({"ё": "е"})


def normalize(text: str) -> str:
    """Compatibility-normalised, casefolded, "ё" as "е", whitespace collapsed to one space.

    Example:
        >>> normalize("  Доверительный   ПЛАТЁЖ ")
        'доверительный платеж'
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    # casefolding can leave decomposed letters (a combining diaeresis on "е")
    folded = unicodedata.normalize("NFKC", folded).translate(_FOLD)
    return " ".join(folded.split())


def search_words(text: str) -> list[str]:
    """The normalised words of a query, in order, duplicates dropped."""
    return list(dict.fromkeys(normalize(text).split()))


class Searchable(_SearchableBase):
    """Mixin: keeps `search_text` = the normalised `search_fields`, joined by spaces.

    Example:
        class Tariff(Searchable, Model):
            search_fields = ("code", "name", "description")
    """

    search_fields: ClassVar[tuple[str, ...]] = ()
    search_text = fields.TextField(default="")

    def refresh_search_text(self) -> None:
        parts = (str(getattr(self, name) or "") for name in self.search_fields)
        self.search_text = normalize(" ".join(parts))

    @overload
    @classmethod
    def _with_search_text(cls, names: Iterable[str]) -> list[str]: ...

    @overload
    @classmethod
    def _with_search_text(cls, names: None) -> None: ...

    @classmethod
    def _with_search_text(cls, names: Iterable[str] | None) -> list[str] | None:
        """`names` plus "search_text" when one of them is a source of it."""
        if names is None:
            return None
        names = list(names)
        if "search_text" not in names and any(n in cls.search_fields for n in names):
            names.append("search_text")
        return names

    async def save(
        self,
        using_db: BaseDBAsyncClient | None = None,
        update_fields: Iterable[str] | None = None,
        force_create: bool = False,
        force_update: bool = False,
    ) -> None:
        self.refresh_search_text()
        await super().save(
            using_db=using_db,
            update_fields=self._with_search_text(update_fields),
            force_create=force_create,
            force_update=force_update,
        )

    @classmethod
    def bulk_create(cls, objects: Iterable[Any], *args: Any, **kwargs: Any) -> Any:
        objects = list(objects)
        for obj in objects:
            obj.refresh_search_text()
        # the upsert form: conflicting rows get the listed fields, search_text with them
        if len(args) >= 3:
            args = (*args[:2], cls._with_search_text(args[2]), *args[3:])
        elif kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = cls._with_search_text(kwargs["update_fields"])
        return super().bulk_create(objects, *args, **kwargs)

    @classmethod
    def bulk_update(
        cls, objects: Iterable[Any], fields: Iterable[str], *args: Any, **kwargs: Any
    ) -> Any:
        objects = list(objects)
        for obj in objects:
            obj.refresh_search_text()
        return super().bulk_update(objects, cls._with_search_text(fields), *args, **kwargs)

    @classmethod
    async def refresh_search_texts(
        cls, using_db: BaseDBAsyncClient | None = None, **filters: Any
    ) -> int:
        """Recompute `search_text` of the rows matching `filters` (all rows without any).

        For what bypasses `save()`: a queryset `.update()` of a source field, raw SQL, or
        a change to `normalize` that stored rows predate. Returns how many rows changed.
        """
        rows = await cls.filter(**filters).using_db(using_db)
        stale = []
        for row in rows:
            before = row.search_text
            row.refresh_search_text()
            if row.search_text != before:
                stale.append(row)
        if stale:
            await super().bulk_update(stale, ["search_text"], using_db=using_db)
        return len(stale)
