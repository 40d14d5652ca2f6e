"""Exports a person downloads: the statement of a line's payments and charges (CSV).

Rows are read by keyset pages and written page by page in a thread, so memory stays
flat and the event loop free however long the statement; progress is reported per page
and written a few times a second at most (`models.job.Progress`).
"""

from __future__ import annotations

import asyncio
import csv
from datetime import datetime
from pathlib import Path
from typing import IO

from i18n import OPERATOR_TIME_ZONE, translate
from jobs.registry import JobRefused, JobRun, Retry
from jobs.user import Output, file_path, user_job
from models.job import Job, Progress
from models.ledger import LedgerEntry, count_between, entries_between
from models.line import Line
from models.money import format_decimal, to_decimal

TRANSACTIONS = "export.transactions"
# Excel opens a CSV by the system's list separator: ";" with a decimal comma where people
# write numbers the Russian way, "," with a decimal point in English
DIALECTS = {"ru": (";", ","), "en": (",", ".")}
COLUMNS = ("export_date", "export_kind", "export_description", "export_amount", "export_balance")


def _money(kopecks: int, decimal_mark: str) -> str:
    return format_decimal(to_decimal(kopecks)).replace(".", decimal_mark)


def _write_page(out: IO[str], rows: list[LedgerEntry], language: str) -> None:
    separator, decimal_mark = DIALECTS[language]
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            (
                row.created_at.astimezone(OPERATOR_TIME_ZONE).strftime("%Y-%m-%d %H:%M:%S"),
                translate(f"entry_{row.kind.lower()}", language),
                row.description,
                _money(row.amount, decimal_mark),
                _money(row.balance_after, decimal_mark),
            )
        )


def _open(path: Path, language: str) -> IO[str]:
    # UTF-8 with a BOM: Excel reads Cyrillic right only with it
    out = path.open("w", encoding="utf-8-sig", newline="")
    separator, _ = DIALECTS[language]
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerow(
        [translate(key, language) for key in COLUMNS]
    )
    return out


@user_job(TRANSACTIONS, retry=Retry(attempts=3, backoff_seconds=30))
async def transactions(
    run: JobRun,
    job: Job,
    progress: Progress,
    line_id: int,
    start: str,
    end: str,
    language: str,
) -> Output:
    """A line's payments and charges in [start, end), oldest first."""
    line = await Line.get_or_none(id=line_id)
    if line is None:
        raise JobRefused("export_line_gone")
    since, until = datetime.fromisoformat(start), datetime.fromisoformat(end)
    total = await count_between(line_id, since, until)
    path = file_path(run.settings.jobs.files_dir, job, ".csv")
    out = await asyncio.to_thread(_open, path, language)
    try:
        done = 0
        async for rows in entries_between(line_id, since, until):
            await asyncio.to_thread(_write_page, out, rows, language)
            done += len(rows)
            await progress.report(done / total if total else 1.0)
    finally:
        await asyncio.to_thread(out.close)
    name = translate("export_transactions_file", language, msisdn=line.msisdn)
    return Output(path, f"{name}.csv", "text/csv; charset=utf-8")
