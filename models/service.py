"""The service catalogue and the services connected to a line."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.indexes import Index
from tortoise.models import Model
from tortoise.transactions import in_transaction

from i18n import OPERATOR_LANGUAGE, translate
from models.access import AuditAction
from models.access.audit import Actor, record
from models.contract import Contract
from models.errors import DomainError, ErrorCode
from models.ledger import charge
from models.line import Line, LineStatus
from models.money import format_decimal, to_decimal
from models.request import LineRequest, LineRequestKind, record_request
from models.search import Searchable
from models.tariff import Tariff


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
    # services of one group exclude each other (two roaming packages)
    exclusive_group = fields.CharField(max_length=40, null=True)
    # codes of the tariffs that do not allow it (a children's tariff and roaming), comma
    # separated: a handful at most, read with the service
    forbidden_on = fields.CharField(max_length=400, null=True)
    # a content service's own short number: a call or message to it is using the service
    short_number = fields.CharField(max_length=8, null=True)

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


def refusal(
    service: Service, contract_kind: str, tariff: Tariff | None, connected: list[Service]
) -> DomainError | None:
    """Why `service` cannot be connected to a line (INCOMPATIBLE), or None.

    Mobile services go on a mobile contract's SIMs, home-internet and TV ones on a
    home-internet contract (TV ones where the tariff has TV); a tariff may forbid a
    service (a children's tariff, roaming); two services of one exclusive group (two
    roaming packages) exclude each other.
    """

    if service.archived:
        return DomainError(ErrorCode.INCOMPATIBLE, "service_archived", field=["serviceId"])
    home = contract_kind == "HOME_INTERNET"
    if home != (service.kind in (ServiceKind.HOME_INTERNET, ServiceKind.TV)):
        return DomainError(ErrorCode.INCOMPATIBLE, "service_wrong_contract", field=["serviceId"])
    if service.kind is ServiceKind.TV and not (tariff and tariff.tv_channels):
        return DomainError(ErrorCode.INCOMPATIBLE, "service_needs_tv", field=["serviceId"])
    if tariff is not None and tariff.code in (service.forbidden_on or "").split(","):
        return DomainError(
            ErrorCode.INCOMPATIBLE, "service_forbidden_by_tariff", field=["serviceId"]
        )
    other = conflicting(service, connected)
    if other is not None:
        return DomainError(
            ErrorCode.INCOMPATIBLE,
            "service_conflicts",
            field=["serviceId"],
            service=service.name,
            other=other.name,
        )
    return None


def conflicting(service: Service, connected: list[Service]) -> Service | None:
    return next(
        (
            other
            for other in connected
            if service.exclusive_group and other.exclusive_group == service.exclusive_group
        ),
        None,
    )


def first_charge(service: Service) -> int:
    """What connecting charges at once: a paid subscription's first period (a one-off
    service its price); free services nothing."""
    if service.price > 0 and service.period is not ChargePeriod.NONE:
        return service.price
    return 0


async def connect(line_id: int, service_id: int, actor: Actor) -> LineRequest | None:
    """Connect a service, charging a paid one's first period; all of it or nothing.

    Connecting what is connected changes and charges nothing (None): the line is
    locked first and (line, service) is unique, so twenty parallel submits connect once
    and charge once.
    """
    try:
        async with in_transaction() as conn:
            line = await Line.filter(id=line_id).using_db(conn).select_for_update().get()
            service = await Service.get_or_none(id=service_id, using_db=conn)
            if service is None:
                raise DomainError(ErrorCode.NOT_FOUND, field=["serviceId"])
            connected = [
                row.service
                for row in await LineService.filter(line_id=line_id)
                .using_db(conn)
                .select_related("service")
            ]
            if any(other.id == service.id for other in connected):
                return None
            if line.status is LineStatus.BLOCKED:
                raise DomainError(ErrorCode.LINE_BLOCKED, "line_blocked", field=["msisdn"])
            contract = await Contract.get(id=line.contract_id, using_db=conn)
            tariff = await Tariff.get_or_none(id=line.tariff_id or 0, using_db=conn)
            refused = refusal(service, contract.kind, tariff, connected)
            if refused is not None:
                raise refused
            await LineService.create(
                line_id=line_id, service_id=service.id, price=service.price, using_db=conn
            )
            price = first_charge(service)
            if price:
                await charge(
                    conn,
                    line_id,
                    price,
                    translate("ledger_service", OPERATOR_LANGUAGE, service=service.name),
                )
            request = await record_request(
                line_id,
                LineRequestKind.SERVICE_CONNECT,
                actor,
                "request_service_connect",
                {"service": service.name},
                price=price or None,
                using_db=conn,
            )
            details = {"service": service.name, "price": format_decimal(to_decimal(price))}
            await record(line_id, actor, AuditAction.SERVICE_CONNECT, details, using_db=conn)
    except IntegrityError:
        # a parallel submit connected it first; this one's charge was rolled back with it
        return None
    return request


async def disconnect(line_id: int, service_id: int, actor: Actor) -> LineRequest | None:
    """Disconnect a service; what is not connected changes nothing (None). Nothing paid
    is refunded: a subscription runs out with its period."""
    async with in_transaction() as conn:
        line = await Line.filter(id=line_id).using_db(conn).select_for_update().get()
        row = (
            await LineService.filter(line_id=line_id, service_id=service_id)
            .using_db(conn)
            .select_related("service")
            .first()
        )
        if row is None:
            if not await Service.exists(id=service_id):
                raise DomainError(ErrorCode.NOT_FOUND, field=["serviceId"])
            return None
        if line.status is LineStatus.BLOCKED:
            raise DomainError(ErrorCode.LINE_BLOCKED, "line_blocked", field=["msisdn"])
        await LineService.filter(id=row.id).using_db(conn).delete()
        name = row.service.name
        request = await record_request(
            line_id,
            LineRequestKind.SERVICE_DISCONNECT,
            actor,
            "request_service_disconnect",
            {"service": name},
            using_db=conn,
        )
        details = {"service": name}
        await record(line_id, actor, AuditAction.SERVICE_DISCONNECT, details, using_db=conn)
    return request
