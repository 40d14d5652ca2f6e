"""The monthly report by e-mail: on the 1st, last month's usage detail (XLSX) to each
line's subscriber who asked for it, as long as they may still read that line's usage.

The schedule fans out one job per line, so one mailbox that refuses holds back nobody
else's and is retried on its own; each line's month is claimed before it is sent
(models.report), so a rerun or a second worker sends nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import UTC, datetime
from pathlib import Path

from auth.policy import Capability, line_access
from gateways.email import Attachment
from i18n import OPERATOR_LANGUAGE, translate
from jobs.registry import JobRun, Retry, job
from jobs.usage_export import pages
from jobs.usage_files import ExportFormat, UsageHeader, write_usage_file
from models.access import AccessLevel
from models.access.facts import facts_for_lines
from models.expenses import Month
from models.line import Line
from models.person import User
from models.report import claim, release, sent
from models.usage import UsageQuery

log = logging.getLogger("linehub.jobs")

SEND_MONTHLY = "reports.send_monthly"


@job("reports.monthly", retry=Retry(attempts=3, backoff_seconds=300), single=True)
async def monthly(run: JobRun) -> int:
    """Queue last month's report of every line someone asked it for."""
    month = Month.of(datetime.now(UTC)).before()
    queued = 0
    for line_id in await Line.filter(monthly_report_to_id__isnull=False).values_list(
        "id", flat=True
    ):
        await run.services.jobs.defer(SEND_MONTHLY, line_id=line_id, month=month.name)
        queued += 1
    return queued


@job(SEND_MONTHLY, retry=Retry(attempts=5, backoff_seconds=600))
async def send_monthly(run: JobRun, line_id: int, month: str) -> bool:
    """One line's report; False when there is nobody (left) to send it to."""
    line = await Line.get_or_none(id=line_id)
    if line is None or line.monthly_report_to_id is None:
        return False
    person = await User.get_or_none(id=line.monthly_report_to_id)
    # the right to read the detail is checked now, not when it was switched on: a grant
    # taken back since stops the report
    facts = await facts_for_lines(line.monthly_report_to_id, [line.id])
    access = line_access(
        line.id, facts[line.id].facts if line.id in facts else [], AccessLevel.FULL
    )
    if person is None or not person.email or not access.allows(Capability.VIEW_USAGE):
        return False
    period = Month.parse(month)
    report = await claim(line.id, period.name, person.id)
    if report is None:
        return False  # sent already
    try:
        await _send(run, line, person, period)
    except BaseException:
        await release(report)
        raise
    await sent(report)
    return True


async def _send(run: JobRun, line: Line, person: User, period: Month) -> None:
    language = OPERATOR_LANGUAGE
    query = UsageQuery(period.start, period.end)
    header = UsageHeader(line.msisdn, period.start, period.end, language, datetime.now(UTC))
    folder = run.settings.jobs.files_dir
    path = await asyncio.to_thread(_scratch, folder, line.id, period.name)
    try:
        written = await write_usage_file(path, ExportFormat.XLSX, header, pages(query, line.id))
        data = await asyncio.to_thread(written.path.read_bytes)
    finally:
        await asyncio.to_thread(path.unlink, True)
    name = translate("export_usage_file", language, msisdn=line.msisdn)
    await run.services.email.send(
        person.email or "",
        translate("report_subject", language, msisdn=line.msisdn, month=period.name),
        translate("report_body", language, msisdn=line.msisdn, month=period.name),
        [Attachment(f"{name} {period.name}.xlsx", ExportFormat.XLSX.media_type, data)],
    )
    log.info("monthly report sent", extra={"line": line.id, "month": period.name})


def _scratch(folder: str, line_id: int, month: str) -> Path:
    directory = Path(folder)
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"report-{line_id}-{month}-{secrets.token_hex(6)}.xlsx"
