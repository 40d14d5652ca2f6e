"""The service catalogue and the services connected to a line."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.search import Searchable

if TYPE_CHECKING:
    from models.line import Line


class ServiceKind(StrEnum):
    MOBILE = "MOBILE"
    HOME_INTERNET = "HOME_INTERNET"
    TV = "TV"


class ChargePeriod(StrEnum):
    NONE = "NONE"
    DAILY = "DAILY"
    MONTHLY = "MONTHLY"
    ONCE = "ONCE"


class Service(Searchable, Model):
    """An option a line can connect: free ones (caller id) and paid subscriptions."""

    search_fields = ("code", "name", "description")

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=120)
    description = fields.TextField(default="")
    kind = fields.CharEnumField(ServiceKind, max_length=16)
    price = fields.BigIntField(default=0, description="kopecks per period")
    period = fields.CharEnumField(ChargePeriod, max_length=8, default=ChargePeriod.NONE)
    is_subscription = fields.BooleanField(default=False)
    archived = fields.BooleanField(default=False)

    class Meta:
        table = "service"
        ordering = ("price", "id")


class LineService(Model):
    """A service connected to a line, with the price it was connected at."""

    id = fields.IntField(primary_key=True)
    line: fields.ForeignKeyRelation[Line] = fields.ForeignKeyField(
        "linehub.Line", related_name="services"
    )
    line_id: int
    service: fields.ForeignKeyRelation[Service] = fields.ForeignKeyField(
        "linehub.Service", related_name="connections", on_delete=fields.RESTRICT
    )
    service_id: int
    price = fields.BigIntField(description="kopecks per period, fixed when connected")
    connected_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "line_service"
        # (line, service) is unique, which indexes line_id; service_id on its own for
        # the RESTRICT check of a service's removal
        unique_together = (("line", "service"),)
        indexes = (Index(fields=("service_id",), name="line_service_service_idx"),)

    @property
    def paid(self) -> bool:
        return self.price > 0
