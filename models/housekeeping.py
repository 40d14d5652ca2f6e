"""Rows that have outlived their use: one-time secrets long expired.

Kept a day past their expiry, so that a support question about yesterday still finds
them; after that they are only risk (hashed, but secrets all the same) and weight.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.identity import EmailConfirmation, RefreshToken, TemporaryPassword

KEEP_EXPIRED = timedelta(days=1)


async def purge_expired(now: datetime | None = None) -> dict[str, int]:
    """Delete expired one-time secrets; answers how many rows of each table went."""
    before = (now or datetime.now(UTC)) - KEEP_EXPIRED
    removed: dict[str, int] = {}
    for model in (TemporaryPassword, RefreshToken, EmailConfirmation):
        removed[model._meta.db_table] = await model.filter(expires_at__lt=before).delete()
    return removed
