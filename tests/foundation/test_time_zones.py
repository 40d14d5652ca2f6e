"""A datetime is an instant whatever zone it is written in: stored values and filter
bounds compare as instants on SQLite (which keeps text) as on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from i18n import OPERATOR_TIME_ZONE
from models import User


async def test_a_bound_in_moscow_time_finds_what_the_same_instant_in_utc_finds() -> None:
    # 22:30 UTC is already the next day in Moscow: a textual comparison would get it wrong
    stored = datetime(2026, 12, 3, 22, 30, tzinfo=UTC)
    user = await User.create(name="Zone")
    await User.filter(id=user.id).update(created_at=stored)
    moscow_midnight = datetime(2026, 12, 4, tzinfo=OPERATOR_TIME_ZONE)  # 21:00 UTC on the 3rd
    assert await User.filter(created_at__gte=moscow_midnight).count() == 1
    assert await User.filter(created_at__lt=moscow_midnight).count() == 0
    after = moscow_midnight + timedelta(hours=2)  # 23:00 UTC, half an hour after it
    assert await User.filter(created_at__lt=after).count() == 1


async def test_a_value_stored_in_moscow_time_reads_back_as_the_same_instant() -> None:
    moment = datetime(2026, 12, 4, 0, 30, tzinfo=OPERATOR_TIME_ZONE)
    user = await User.create(name="Zone")
    await User.filter(id=user.id).update(created_at=moment)
    found = await User.get(id=user.id)
    assert found.created_at == moment
    assert await User.filter(created_at__gte=datetime(2026, 12, 3, 21, 15, tzinfo=UTC)).count()
