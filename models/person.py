"""People who log in: the contract holder, a child with their own login, a grandmother."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class User(Model):
    """A person with a linehub login. Their number, contract login or alias identifies them."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    alias = fields.CharField(max_length=32, null=True, unique=True)
    birth_year = fields.IntField(null=True)
    email = fields.CharField(max_length=254, null=True)
    access_requests_allowed = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "person"

    def __str__(self) -> str:
        return self.name
