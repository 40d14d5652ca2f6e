"""requestUsageExport: the detail as PDF, XLSX or CSV, made by the worker with progress,
downloaded by its signed link; the files read back with Cyrillic intact."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import GQL
from tests.helpers import token_for
from tests.usage.conftest import ANNA, GALINA, MASHA, body, record, send

EXPORT = """
mutation E($m: String!, $f: ExportFormat!, $filter: UsageFilter) {
  requestUsageExport(input: {msisdn: $m, format: $f, filter: $filter}) {
    job { id status } errors { code field } } }
"""
JOB = "query J($id: ID!) { node(id: $id) { ... on Job { status progress downloadUrl error } } }"


async def finished(gql: GQL, token: str, job_id: str) -> dict[str, Any]:
    for _ in range(200):
        job = (await gql(JOB, {"id": job_id}, token=token))["data"]["node"]
        if job["status"] in ("DONE", "FAILED"):
            return job
        await asyncio.sleep(0.05)
    raise AssertionError("the export did not finish")


async def export(
    gql: GQL, client: httpx.AsyncClient, token: str, fmt: str, language: str = "ru"
) -> bytes:
    answer = await gql(
        EXPORT,
        {"m": MASHA, "f": fmt},
        token=token,
        headers={"Accept-Language": language},
    )
    payload = answer["data"]["requestUsageExport"]
    assert payload["errors"] == []
    job = await finished(gql, token, payload["job"]["id"])
    assert (job["status"], job["progress"]) == ("DONE", 1.0)
    response = await client.get(job["downloadUrl"].removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 200
    return response.content


async def _usage(client: httpx.AsyncClient) -> None:
    now = datetime.now(UTC)
    await send(
        client,
        body(
            record("x-1", MASHA, started=now - timedelta(days=2), counterpart=GALINA),
            record("x-2", MASHA, started=now - timedelta(days=1), roaming=True, zone="EUROPE"),
            record("x-3", MASHA, kind="DATA", seconds=None, bytes=5 * 1024**2, counterpart=None),
        ),
    )


async def test_a_pdf_and_an_xlsx_of_the_detail_read_back_with_cyrillic_intact(
    gql: GQL, client: httpx.AsyncClient, demo, running_jobs
) -> None:
    await _usage(client)
    anna = await token_for(gql, ANNA)
    pdf = await export(gql, client, anna, "PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Детализация" in text
    assert "₽" in text
    assert "916" in text  # the grandmother's number
    xlsx = await export(gql, client, anna, "XLSX")
    sheet = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert any(isinstance(v, datetime) for v in values)
    assert any(isinstance(v, float | int) and not isinstance(v, bool) for v in values)
    assert any(isinstance(v, str) and "Звонок" in v for v in values)
    csv = await export(gql, client, anna, "CSV", "en")
    assert csv.startswith(b"\xef\xbb\xbf")
    assert b"Call" in csv


async def test_only_view_usage_may_export_and_a_bad_period_queues_nothing(
    gql: GQL, client: httpx.AsyncClient, demo
) -> None:
    galina, anna = await token_for(gql, GALINA), await token_for(gql, ANNA)
    refused = await gql(EXPORT, {"m": MASHA, "f": "CSV"}, token=galina)
    assert [e["code"] for e in refused["data"]["requestUsageExport"]["errors"]] == ["FORBIDDEN"]
    long = {"from": "2024-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}
    too_long = await gql(
        EXPORT,
        {"m": MASHA, "f": "PDF", "filter": long},
        token=anna,
    )
    errors = too_long["data"]["requestUsageExport"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", ["filter", "to"])]
