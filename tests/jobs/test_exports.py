"""A job a person follows: a statement asked for over HTTP, made in the background, its
progress and link; nobody else sees it, and the link is the only key to the file."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import time_machine

from jobs.exports import TRANSACTIONS
from jobs.user import submit
from models import Job, JobFailure, JobStatus, LedgerEntry, Line, User
from models.job import Progress
from tests.conftest import GQL, TEST_DB
from tests.helpers import token_for
from tests.identity.test_mobile_network import NETWORK_LOGIN, PROXY, trusted
from tests.jobs.conftest import until

EXPORT = """
mutation E($m: String!, $from: DateTime!, $to: DateTime!) {
  requestTransactionsExport(input: {msisdn: $m, from: $from, to: $to}) {
    job { id kind status progress } errors { code field }
  }
}
"""
JOB = """
query J($id: ID!) { node(id: $id) { ... on Job {
  id kind status progress downloadUrl expiresAt error finishedAt } } }
"""
JOBS = "{ viewer { jobs(first: 10) { totalCount edges { node { id status } } } } }"


def period(days: int = 1) -> dict[str, str]:
    now = datetime.now(UTC)
    return {
        "from": (now - timedelta(days=days)).isoformat(),
        "to": (now + timedelta(hours=1)).isoformat(),
    }


async def export(gql: GQL, token: str, msisdn: str, **headers: str) -> dict[str, Any]:
    answer = await gql(EXPORT, {"m": msisdn, **period()}, token=token, headers=headers)
    return answer["data"]["requestTransactionsExport"]


async def finished(gql: GQL, token: str, job_id: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def done() -> bool:
        seen.update((await gql(JOB, {"id": job_id}, token=token))["data"]["node"])
        return seen["status"] in ("DONE", "FAILED")

    await until(done, 30, "the job to end")
    return seen


def statement(body: bytes, separator: str) -> list[list[str]]:
    assert body.startswith("\ufeff".encode()), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=separator))


async def test_a_statement_is_made_in_the_background_and_downloaded_by_its_link(
    gql: GQL, client: httpx.AsyncClient, demo, running_jobs
) -> None:
    anna = await token_for(gql, "9031234567")
    asked = await export(gql, anna, "+7 903 123-45-68", **{"Accept-Language": "ru"})
    assert asked["errors"] == []
    assert (asked["job"]["kind"], asked["job"]["status"]) == ("export.transactions", "QUEUED")

    job = await finished(gql, anna, asked["job"]["id"])
    assert (job["status"], job["progress"], job["error"]) == ("DONE", 1.0, None)
    expires = datetime.fromisoformat(job["expiresAt"])
    assert timedelta(hours=23, minutes=59) < expires - datetime.fromisoformat(job["finishedAt"])
    listed = (await gql(JOBS, token=anna))["data"]["viewer"]["jobs"]
    assert [e["node"]["id"] for e in listed["edges"]] == [job["id"]]

    response = await client.get(job["downloadUrl"].removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "private, no-store"
    rows = statement(response.content, ";")
    assert rows[0] == ["Дата (время московское)", "Тип", "Описание", "Сумма, ₽", "Баланс после, ₽"]
    line = await Line.get(msisdn="9031234568")
    # the demo's history before the day asked for stays out
    since = datetime.now(UTC) - timedelta(days=1)
    entries = await LedgerEntry.filter(line_id=line.id, created_at__gte=since).order_by(
        "created_at", "id"
    )
    assert len(rows) - 1 == len(entries) >= 2
    for row, entry in zip(rows[1:], entries, strict=True):
        assert row[2] == entry.description
        assert row[3] == f"{entry.amount / 100:.2f}".replace(".", ",")
        assert row[4] == f"{entry.balance_after / 100:.2f}".replace(".", ",")
    assert {row[1] for row in rows[1:]} <= {"Пополнение", "Списание"}


async def test_an_english_statement_is_written_the_english_way(
    gql: GQL, client: httpx.AsyncClient, demo, running_jobs
) -> None:
    anna = await token_for(gql, "9031234567")
    asked = await export(gql, anna, "9031234567", **{"Accept-Language": "en"})
    job = await finished(gql, anna, asked["job"]["id"])
    response = await client.get(job["downloadUrl"].removeprefix("http://127.0.0.1:8000"))
    rows = statement(response.content, ",")
    assert rows[0] == [
        "Date (Moscow time)",
        "Kind",
        "Description",
        "Amount, RUB",
        "Balance after, RUB",
    ]
    assert rows[1][1] == "Top-up"
    assert "." in rows[1][3]


async def test_the_link_is_the_only_key_and_a_changed_character_is_404(
    gql: GQL, client: httpx.AsyncClient, demo, running_jobs
) -> None:
    anna = await token_for(gql, "9031234567")
    job = await finished(gql, anna, (await export(gql, anna, "9031234567"))["job"]["id"])
    path = job["downloadUrl"].removeprefix("http://127.0.0.1:8000")
    token = path.removeprefix("/exports/")
    assert (await client.get(path)).status_code == 200
    job_id, expiry, mac = token.split(".")
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    guesses = [
        f"{job_id}.{expiry}.{flipped}",
        f"{job_id}.{int(expiry) + 3600}.{mac}",  # a longer life, same MAC
        f"{int(job_id) + 1}.{expiry}.{mac}",  # another job, same MAC
        f"{job_id}.{expiry}",
        "1.1.x",
        "../../etc/passwd",
        token + "x",
    ]
    for guess in guesses:
        refused = await client.get(f"/exports/{guess}")
        assert (refused.status_code, refused.text) == (404, "Not Found"), guess
    # an expired link is the same 404, and so is a link to a file that is gone
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=25)):
        assert (await client.get(path)).status_code == 404
    row = await Job.get(id=int(job_id))
    assert row.file_path is not None
    (Path(app_files(client)) / row.file_path).unlink()
    assert (await client.get(path)).status_code == 404


def app_files(client: httpx.AsyncClient) -> str:
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    return str(transport.app.state.services.settings.jobs.files_dir)  # type: ignore[attr-defined]


async def test_nobody_but_the_person_who_asked_sees_a_job_or_its_link(
    gql: GQL, make_gql, settings, demo, running_jobs
) -> None:
    anna, boris, galina = [
        await token_for(gql, who) for who in ("9031234567", "9161112233", "9162223344")
    ]
    job = await finished(gql, anna, (await export(gql, anna, "9031234567"))["job"]["id"])
    assert job["downloadUrl"]
    assert (await gql(JOB, {"id": job["id"]}, token=boris))["data"]["node"] is None
    assert (await gql(JOBS, token=boris))["data"]["viewer"]["jobs"]["edges"] == []
    # a LIMITED session of Anna herself (mobile network): not her files either
    network = make_gql(trusted(settings), PROXY)
    opened = await network(NETWORK_LOGIN, headers={"X-MSISDN": "9031234567"})
    limited = opened["data"]["loginWithMobileNetwork"]["accessToken"]
    assert (await network(JOB, {"id": job["id"]}, token=limited))["data"]["node"] is None
    assert (await network(JOBS, token=limited))["data"]["viewer"]["jobs"]["totalCount"] == 0
    refused = await export(network, limited, "9031234567")
    assert refused == {"job": None, "errors": [{"code": "FORBIDDEN", "field": ["msisdn"]}]}
    # a LIMITED delegate may not export, a stranger does not learn the number exists
    assert (await export(gql, galina, "9031234568"))["errors"] == [
        {"code": "FORBIDDEN", "field": ["msisdn"]}
    ]
    assert (await export(gql, boris, "9031234568"))["errors"] == [
        {"code": "NOT_FOUND", "field": ["msisdn"]}
    ]
    assert await Job.filter(owner_id__not=(await User.get(name="Анна Иванова")).id).count() == 0


async def test_a_bad_period_is_refused_and_queues_nothing(gql: GQL, demo) -> None:
    anna = await token_for(gql, "9031234567")
    now = datetime.now(UTC)
    for start, end in [
        (now, now),
        (now, now - timedelta(days=1)),
        (now - timedelta(days=400), now),
    ]:
        answer = await gql(
            EXPORT,
            {"m": "9031234567", "from": start.isoformat(), "to": end.isoformat()},
            token=anna,
        )
        payload = answer["data"]["requestTransactionsExport"]
        assert payload == {"job": None, "errors": [{"code": "INVALID_INPUT", "field": ["to"]}]}
    assert await Job.all().count() == 0


async def test_exports_are_throttled_per_person(gql: GQL, demo) -> None:
    anna = await token_for(gql, "9031234567")
    for _ in range(20):
        assert (await export(gql, anna, "9031234567"))["errors"] == []
    refused = await export(gql, anna, "9031234567")
    assert refused["errors"] == [{"code": "RATE_LIMITED", "field": None}]
    assert await Job.all().count() == 20


async def test_a_job_whose_line_is_gone_fails_at_once_with_a_clear_error(
    gql: GQL, app: Any, demo, running_jobs
) -> None:
    anna_id = (await User.get(name="Анна Иванова")).id
    arguments = {
        "line_id": 999_999,
        "start": "2026-01-01T00:00:00+00:00",
        "end": "2026-02-01T00:00:00+00:00",
        "language": "en",
    }
    row = await submit(app.state.services.jobs, anna_id, TRANSACTIONS, arguments)
    anna = await token_for(gql, "9031234567")
    job_id = (await gql(JOBS, token=anna))["data"]["viewer"]["jobs"]["edges"][0]["node"]["id"]
    seen = await finished(gql, anna, job_id)
    assert seen["status"] == "FAILED"
    assert seen["downloadUrl"] is None
    assert seen["error"] == "The number is no longer served, so there is nothing to export."
    russian = await gql(JOB, {"id": job_id}, token=anna, headers={"Accept-Language": "ru"})
    assert russian["data"]["node"]["error"] == "Номер больше не обслуживается, выгружать нечего."
    # refused, not retried: trying again would change nothing
    failures = await JobFailure.filter(queue_job_id=row.queue_job_id)
    assert [(f.attempt, f.error) for f in failures] == [(1, "JobRefused: export_line_gone")]


async def test_progress_is_written_a_few_times_a_second_not_per_row(demo) -> None:
    anna = await User.get(name="Анна Иванова")
    row = await Job.create(owner_id=anna.id, kind=TRANSACTIONS, status=JobStatus.RUNNING)
    progress = Progress(row)
    for done in range(1, 10_001):
        await progress.report(done / 10_000)
    assert progress.writes <= 3
    assert (await Job.get(id=row.id)).progress <= 1.0
    await asyncio.sleep(0.6)
    await progress.report(1.0)
    assert (await Job.get(id=row.id)).progress == 1.0


async def test_an_expired_file_is_deleted_by_the_schedule(
    gql: GQL, app: Any, demo, running_jobs
) -> None:
    anna = await token_for(gql, "9031234567")
    job = await finished(gql, anna, (await export(gql, anna, "9031234567"))["job"]["id"])
    row = await Job.get(status=JobStatus.DONE)
    assert row.file_path is not None
    kept = Path(app.state.services.settings.jobs.files_dir) / row.file_path
    assert kept.is_file()
    await Job.filter(id=row.id).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    await app.state.services.jobs.defer("housekeeping.expire_files")

    async def gone() -> bool:
        return (await Job.get(id=row.id)).file_path is None

    await until(gone, 30, "the expired file to be deleted")
    assert not kept.exists()
    assert (await gql(JOB, {"id": job["id"]}, token=anna))["data"]["node"]["downloadUrl"] is None


@pytest.mark.skipif(TEST_DB != "sqlite", reason="the queue is the server's memory on SQLite")
async def test_a_restarted_server_on_sqlite_queues_unfinished_jobs_again(
    gql: GQL, settings, demo
) -> None:
    from app import create_app

    anna = await token_for(gql, "9031234567")
    # asked of a server whose memory held the queue; it stops before running the job
    asked = await export(gql, anna, "9031234567")
    assert asked["errors"] == []
    restarted = create_app(settings, manage_database=False).state.services
    runner = asyncio.create_task(restarted.jobs.run_in_process(restarted))
    try:
        job = await finished(gql, anna, asked["job"]["id"])
        assert job["status"] == "DONE"
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await restarted.close()
