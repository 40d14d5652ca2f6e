"""Jobs a person follows: their list, one by id, asking for an export, its link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from auth.policy import AccountData, Capability
from auth.throttle import EXPORTS_PER_USER, enforce
from i18n import translate
from jobs.exports import TRANSACTIONS
from jobs.user import JOB_FAILED, submit
from models.errors import DomainError, ErrorCode
from models.job import Job, JobStatus
from resolvers.access import requires
from resolvers.access.lines import line_for_mutation
from resolvers.guard import require_session, sees_account
from resolvers.pagination import Keyset, Page, PageArgs, paginate

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context

JOBS = Keyset("jobs", (("created_at", datetime), ("id", int)), descending=True)
# a statement covers at most a year: longer ones are several requests
MAX_EXPORT_PERIOD = timedelta(days=366)


async def resolve_jobs(info: Info[Context, None], args: PageArgs) -> Page[Job]:
    """The person's jobs, newest first; a LIMITED session sees none (their files hold
    what such a session may not read)."""
    session = await require_session(info)
    if not await sees_account(info, AccountData.JOBS):
        return Page.empty()
    return await paginate(Job.filter(owner_id=session.user_id), JOBS, args)


async def resolve_job_nodes(info: Info[Context, None], ids: list[int | None]) -> list[Job | None]:
    """Jobs by id: another person's, or any for a LIMITED session, are null."""
    session = await info.context.current_session()
    if session is None or not await sees_account(info, AccountData.JOBS):
        return [None] * len(ids)
    wanted = [i for i in ids if i is not None]
    rows = {r.id: r for r in await Job.filter(id__in=wanted, owner_id=session.user_id)}
    return [rows.get(i) if i is not None else None for i in ids]


def download_url(info: Info[Context, None], job: Job) -> str | None:
    if job.status is not JobStatus.DONE or job.file_path is None or job.expires_at is None:
        return None
    if job.expires_at <= datetime.now(UTC):
        return None
    services = info.context.services
    token = services.links.sign(job.id, int(job.expires_at.timestamp()), job.file_path)
    return f"{services.settings.public_url}/exports/{token}"


def error_text(info: Info[Context, None], job: Job) -> str | None:
    if job.status is not JobStatus.FAILED:
        return None
    return translate(job.error_code or JOB_FAILED, info.context.language)


def _period(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start or end - start > MAX_EXPORT_PERIOD:
        raise DomainError(ErrorCode.INVALID_INPUT, "export_period", field=["to"])
    return start, end


@requires(Capability.VIEW_USAGE)
async def resolve_request_transactions_export(
    info: Info[Context, None], need: Capability, msisdn: str, start: datetime, end: datetime
) -> Job:
    """Queue a statement of the line's payments and charges; the file's language is the
    request's (Accept-Language)."""
    line, _, session = await line_for_mutation(info, msisdn, need)
    since, until = _period(start, end)
    await enforce(info.context.services.throttle, EXPORTS_PER_USER.of(str(session.user_id)))
    arguments: dict[str, Any] = {
        "line_id": line.id,
        "start": since.isoformat(),
        "end": until.isoformat(),
        "language": info.context.language,
    }
    return await submit(info.context.services.jobs, session.user_id, TRANSACTIONS, arguments)
