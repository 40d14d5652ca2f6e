"""The schedule: every periodic job, when it runs and why, in one table.

Cron has five fields (minute hour day month weekday), or six with seconds last. Times
are UTC. Each tick runs once across all workers (procrastinate records every tick it
defers), and a tick missed while no worker ran is caught up only if it is at most
ten minutes late.
"""

from __future__ import annotations

from dataclasses import dataclass

# every module declaring jobs, scheduled or queued by requests: importing them registers
# the jobs, and `linehub worker` imports nothing else that would
from jobs import exports, housekeeping, lines, payments, reports, usage_export  # noqa: F401


@dataclass(frozen=True)
class Scheduled:
    job: str
    cron: str
    what: str
    # a row a JOB_MODULES module added: scheduled only where that module is configured
    module: str | None = None


SCHEDULE: tuple[Scheduled, ...] = (
    Scheduled(
        "billing.close_periods",
        "*/10 * * * *",
        "the billing day: monthly fees and subscriptions charged, packages renewed",
    ),
    Scheduled(
        "payments.reconcile",
        "* * * * *",
        "payments open for over a minute: sent again under their key, or read back",
    ),
    Scheduled(
        "payments.autopay",
        "* * * * *",
        "autopays due: below their threshold, or their day of the month",
    ),
    Scheduled(
        "payments.trust_due",
        "*/5 * * * *",
        "trust payments past their date and unpaid: overdue, the line suspended",
    ),
    Scheduled(
        "reports.monthly",
        "0 6 1 * *",
        "on the 1st, 09:00 Moscow time: last month's detail by e-mail to who asked for it",
    ),
    Scheduled(
        "lines.settle_blocks",
        "*/5 * * * *",
        "end blocks whose date has come; charge home internet's paid block days",
    ),
    Scheduled(
        "housekeeping.retry_stalled",
        "* * * * * */15",
        "requeue the jobs of workers that stopped beating (killed mid-job)",
    ),
    Scheduled(
        "housekeeping.purge_expired",
        "17 * * * *",
        "delete one-time secrets (temporary passwords, refresh tokens, e-mail codes) "
        "expired over a day ago",
    ),
    Scheduled(
        "housekeeping.expire_files",
        "*/10 * * * *",
        "delete the files of exports whose 24-hour links have expired",
    ),
    Scheduled(
        "housekeeping.delete_finished_jobs",
        "42 3 * * *",
        "drop queue rows of jobs finished over 30 days ago",
    ),
)


# rows added by the modules of JOB_MODULES (an extension, or a test's probes); linehub's
# own periodic work is the table above
EXTENSIONS: list[Scheduled] = []


def entries(modules: tuple[str, ...] = ()) -> tuple[Scheduled, ...]:
    """linehub's schedule, and the rows of the configured JOB_MODULES."""
    return (*SCHEDULE, *(entry for entry in EXTENSIONS if entry.module in modules))
