"""What is left of a line's package this billing period."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.line import Line


class AllowanceKind(StrEnum):
    MINUTES = "MINUTES"
    SMS = "SMS"
    DATA = "DATA"


UNITS = {AllowanceKind.MINUTES: "min", AllowanceKind.SMS: "sms", AllowanceKind.DATA: "MB"}


class Allowance(Model):
    """Remaining minutes, SMS or megabytes, unlimited ones keep left informational."""

    id = fields.IntField(primary_key=True)
    line: fields.ForeignKeyRelation[Line] = fields.ForeignKeyField(
        "linehub.Line", related_name="allowances"
    )
    line_id: int
    kind = fields.CharEnumField(AllowanceKind, max_length=8)
    total = fields.BigIntField()
    left = fields.BigIntField()
    unlimited = fields.BooleanField(default=False)
    resets_at = fields.DatetimeField()

    class Meta:
        table = "allowance"
        unique_together = (("line", "kind"),)
        ordering = ("kind",)

    @property
    def unit(self) -> str:
        return UNITS[self.kind]
