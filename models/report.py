"""The monthly report by e-mail: which line's month went to whom, claimed once.

A report is claimed (its row written) before it is made and sent, so two workers, or a
rerun of the schedule, never send a month twice; a send that fails gives the claim back
for the job's next try.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model

if TYPE_CHECKING:
    from models.line import Line
    from models.person import User


class MonthlyReport(Model):
    id = fields.BigIntField(primary_key=True)
    line: fields.ForeignKeyRelation[Line] = fields.ForeignKeyField(
        "linehub.Line", related_name="reports", on_delete=fields.CASCADE
    )
    line_id: int
    month = fields.CharField(max_length=7, description="YYYY-MM")
    recipient: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="reports_received", null=True, on_delete=fields.SET_NULL
    )
    recipient_id: int | None
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "monthly_report"
        unique_together = (("line", "month"),)


async def claim(line_id: int, month: str, recipient_id: int) -> MonthlyReport | None:
    """The report of `month` for the line, now this caller's to send; None when it was
    claimed before (sent, or being sent by another worker)."""
    try:
        return await MonthlyReport.create(line_id=line_id, month=month, recipient_id=recipient_id)
    except IntegrityError:
        return None


async def sent(report: MonthlyReport) -> None:
    await MonthlyReport.filter(id=report.id).update(sent_at=datetime.now(UTC))


async def release(report: MonthlyReport) -> None:
    """A send that failed: the next try claims the month again."""
    await MonthlyReport.filter(id=report.id, sent_at=None).delete()
