"""The monthly report: switched on in the line's notification settings, sent on the 1st
by the worker with last month's detail as an XLSX, through a real SMTP server; once a
month, and only while its recipient may still read the line's usage."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from jobs.registry import JobRun
from jobs.reports import monthly, send_monthly
from models import AccessLevel, Line, User
from models.access.audit import Actor
from models.access.grants import revoke
from models.expenses import Month
from services import Services
from tests.conftest import GQL
from tests.helpers import accepted_grant, token_for
from tests.smtp import Inbox
from tests.usage.conftest import ANNA, MASHA, PETYA, body, record, send

SETTINGS = """mutation S($m: String!, $on: Boolean!) { updateLine(input: {msisdn: $m,
  monthlyReport: $on}) { line { notificationSettings { monthlyReport } } errors { code } } }"""


@pytest.fixture
async def worker(settings: Any, smtp_server: tuple[Inbox, int]) -> AsyncIterator[JobRun]:
    """What a worker's job gets, its mail going to the test's SMTP server."""
    smtp = dataclasses.replace(
        settings, email_backend="smtp", smtp_url=f"smtp://127.0.0.1:{smtp_server[1]}"
    )
    async with Services.from_settings(smtp) as services:
        yield JobRun(services, None, None, 1, True)  # type: ignore[arg-type]


async def _last_month_usage(client: httpx.AsyncClient, msisdn: str) -> str:
    last = Month.of(datetime.now(UTC)).before()
    start = last.start
    await send(
        client,
        body(
            record("m-1", msisdn, started=start + timedelta(days=3), seconds=300),
            record(
                "m-2", msisdn, started=start + timedelta(days=10), kind="SMS", seconds=None, units=2
            ),
        ),
    )
    return last.name


async def test_the_report_arrives_by_smtp_once_with_last_months_detail(
    gql: GQL, client: httpx.AsyncClient, demo, worker: JobRun, smtp_server: tuple[Inbox, int]
) -> None:
    await User.filter(name="Анна Иванова").update(email="anna@example.org")
    anna = await token_for(gql, ANNA)
    answer = (await gql(SETTINGS, {"m": MASHA, "on": True}, token=anna))["data"]["updateLine"]
    assert answer == {"line": {"notificationSettings": {"monthlyReport": True}}, "errors": []}
    month = await _last_month_usage(client, MASHA)
    assert await monthly(worker) == 1  # one line asked for it
    masha = await Line.get(msisdn=MASHA)
    assert await send_monthly(worker, line_id=masha.id, month=month) is True
    assert await send_monthly(worker, line_id=masha.id, month=month) is False  # once
    ((to, message),) = smtp_server[0].messages
    assert to == ["anna@example.org"]
    assert MASHA in message["Subject"]
    (attachment,) = list(message.iter_attachments())
    assert str(attachment.get_filename()).endswith(f"{month}.xlsx")
    sheet = load_workbook(io.BytesIO(attachment.get_content())).worksheets[0]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert any(isinstance(c, str) and "Звонок" in c for c in cells)
    assert sum(1 for c in cells if c == "SMS") >= 1


async def test_no_report_once_the_recipient_lost_the_right_or_switched_it_off(
    gql: GQL, client: httpx.AsyncClient, demo, worker: JobRun, smtp_server: tuple[Inbox, int]
) -> None:
    petya_line = await Line.get(msisdn=PETYA).select_related("contract__holder")
    boris = await User.get(name="Борис Петров")
    await User.filter(id=boris.id).update(email="boris@example.org")
    grant = await accepted_grant(petya_line, boris, AccessLevel.FULL, "9161112233")
    token = await token_for(gql, "9161112233")
    on = (await gql(SETTINGS, {"m": PETYA, "on": True}, token=token))["data"]["updateLine"]
    assert on["errors"] == []
    month = await _last_month_usage(client, PETYA)
    await revoke(grant, Actor(petya_line.contract.holder_id))
    assert await send_monthly(worker, line_id=petya_line.id, month=month) is False
    anna = await token_for(gql, ANNA)
    await User.filter(name="Анна Иванова").update(email="anna@example.org")
    await gql(SETTINGS, {"m": PETYA, "on": True}, token=anna)
    await gql(SETTINGS, {"m": PETYA, "on": False}, token=anna)
    assert await monthly(worker) == 0
    assert smtp_server[0].messages == []
