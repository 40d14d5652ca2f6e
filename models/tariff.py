"""Tariffs: the price plan of a line, with its monthly allowances."""

from __future__ import annotations

import hashlib
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.search import Searchable


class TariffKind(StrEnum):
    MOBILE = "MOBILE"
    HOME_INTERNET = "HOME_INTERNET"
    TV = "TV"


class Tariff(Searchable, Model):
    """A price plan. Money is integer kopecks, an allowance left empty is not included."""

    search_fields = ("code", "name", "description")

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=120)
    description = fields.TextField(default="")
    kind = fields.CharEnumField(TariffKind, max_length=16)
    monthly_fee = fields.BigIntField(description="kopecks")
    minutes = fields.IntField(null=True)
    sms = fields.IntField(null=True)
    data_mb = fields.IntField(null=True)
    unlimited_data = fields.BooleanField(default=False)
    speed_mbps = fields.IntField(null=True)
    tv_channels = fields.IntField(null=True)
    archived = fields.BooleanField(default=False)
    # bonuses given on every top-up, in percent of it; null: the tariff gives none
    bonus_percent = fields.IntField(null=True)
    # prices beyond the packages, kopecks; null: the operator's standard (models.rating)
    minute_price = fields.BigIntField(null=True)
    offnet_minute_price = fields.BigIntField(null=True)
    sms_price = fields.BigIntField(null=True)
    mms_price = fields.BigIntField(null=True)
    mb_price = fields.BigIntField(null=True)

    class Meta:
        table = "tariff"
        ordering = ("monthly_fee", "id")


def fingerprint(tariff: Tariff) -> str:
    """What a price quote depends on in a tariff: an edit of any of it voids the quote."""
    parts = (
        tariff.id,
        tariff.kind,
        tariff.monthly_fee,
        tariff.minutes,
        tariff.sms,
        tariff.data_mb,
        tariff.unlimited_data,
        tariff.archived,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
