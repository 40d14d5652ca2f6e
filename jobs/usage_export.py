"""The usage-detail export a person downloads: PDF, XLSX or CSV of a line's records.

Records are read oldest first in keyset pages and handed to the writers
(`jobs.usage_files`), which write each page in a thread: memory holds one page, however
many records; progress is reported per page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from i18n import translate
from jobs.registry import JobRefused, JobRun, Retry
from jobs.usage_files import ExportFormat, UsageHeader, UsageRow, write_usage_file
from jobs.user import Output, file_path, user_job
from models.job import Job, Progress
from models.line import Line
from models.usage import UsageQuery, oldest_first_values

USAGE = "export.usage"


# what a file shows of a record, in UsageRow's order, then the keyset's id; read as
# tuples, with no model instance per record: a page reads in a third of the time
COLUMNS = (
    "started_at",
    "kind",
    "direction",
    "counterpart",
    "seconds",
    "bytes",
    "units",
    "roaming",
    "zone",
    "cost",
    "id",
)


def _row(values: tuple[Any, ...]) -> UsageRow:
    started_at, kind, direction, counterpart, seconds, bytes_, units, roaming, zone, cost, _ = (
        values
    )
    return UsageRow(
        started_at=started_at,
        kind=kind.value,
        direction=direction.value,
        counterpart=counterpart,
        seconds=seconds,
        bytes=bytes_,
        units=units,
        roaming=roaming,
        zone=zone,
        cost=cost,
    )


async def pages(query: UsageQuery, line_id: int) -> AsyncIterator[list[UsageRow]]:
    async for records in oldest_first_values(query.records(line_id), COLUMNS):
        yield [_row(values) for values in records]


@user_job(USAGE, retry=Retry(attempts=3, backoff_seconds=30))
async def usage(
    run: JobRun,
    job: Job,
    progress: Progress,
    line_id: int,
    query: dict[str, Any],
    format: str,
    language: str,
) -> Output:
    """A line's usage for the asked filter, oldest first, as the asked file."""
    line = await Line.get_or_none(id=line_id)
    if line is None:
        raise JobRefused("export_line_gone")
    asked = UsageQuery.from_json(query)
    fmt = ExportFormat(format)
    total = await asked.records(line_id).count()
    now = datetime.now(UTC)
    header = UsageHeader(line.msisdn, asked.start or now, asked.end or now, language, now)
    path = file_path(run.settings.jobs.files_dir, job, fmt.suffix)

    async def report(done: int) -> None:
        await progress.report(done / total if total else 1.0)

    written = await write_usage_file(path, fmt, header, pages(asked, line_id), report)
    name = translate("export_usage_file", language, msisdn=line.msisdn)
    return Output(written.path, f"{name}{fmt.suffix}", written.media_type)
