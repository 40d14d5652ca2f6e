"""Contracts: a mobile contract with its lines, or a home internet and TV contract."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from models.person import User


class ContractKind(StrEnum):
    MOBILE = "MOBILE"
    HOME_INTERNET = "HOME_INTERNET"


class Contract(Model):
    """The legal agreement: its holder owns every line on it."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=20, unique=True)
    kind = fields.CharEnumField(ContractKind, max_length=16)
    holder: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="contracts", on_delete=fields.RESTRICT
    )
    holder_id: int
    # home-internet contracts log in with `089xxxxxxx` (API.md section 3)
    login = fields.CharField(max_length=10, null=True, unique=True)
    signed_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contract"
        # a holder's contracts, and the holder branch of the visible lines
        indexes = (Index(fields=("holder_id",), name="contract_holder_idx"),)
