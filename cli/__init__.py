"""`linehub`: serve, run jobs, migrate, load the demo, play the network's side (USSD)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from config import ConfigError, Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="linehub", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the GraphQL API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)

    worker = sub.add_parser("worker", help="run background jobs and the schedule (PostgreSQL)")
    worker.add_argument("--name", help="how this worker shows in logs (default host:pid)")

    jobs = sub.add_parser("jobs", help="the job queue: list jobs, retry a failed one, schedule")
    jobs.add_argument("--failed", action="store_true", help="only jobs that failed for good")
    jobs_sub = jobs.add_subparsers(dest="jobs_command")
    retry = jobs_sub.add_parser("retry", help="queue a failed job again")
    retry.add_argument("job_id", type=int)
    jobs_sub.add_parser("schedule", help="the periodic jobs: job, cron (UTC), what it does")

    ledger = sub.add_parser("ledger", help="the money ledger")
    ledger_sub = ledger.add_subparsers(dest="ledger_command", required=True)
    ledger_sub.add_parser(
        "verify", help="recompute every balance from the ledger; exit 1 on any drift"
    )

    usage = sub.add_parser("usage", help="the network's usage records")
    usage_sub = usage.add_subparsers(dest="usage_command", required=True)
    usage_import = usage_sub.add_parser(
        "import", help="store and rate records from a JSON-lines file (as POST /network/usage)"
    )
    usage_import.add_argument("file")

    sub.add_parser("migrate", help="bring the database to the current schema (idempotent)")
    make = sub.add_parser("makemigrations", help="write a migration for model changes")
    make.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if models differ from history"
    )

    demo = sub.add_parser("demo", help="load the demo family (API.md section 9)")
    group = demo.add_mutually_exclusive_group()
    group.add_argument("--reset", action="store_true", help="wipe all data, then load the demo")
    group.add_argument(
        "--if-empty", action="store_true", help="load only into an empty database, else skip"
    )

    sub.add_parser("schema", help="print the GraphQL SDL")

    ussd = sub.add_parser("ussd", help="a USSD request sent from a number, e.g. '*110*9#'")
    ussd.add_argument("msisdn")
    ussd.add_argument("code")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"linehub: configuration error: {exc}", file=sys.stderr)
        return 2

    if args.command == "serve":
        from cli.serve import serve

        return serve(settings, host=args.host, port=args.port, workers=args.workers)
    if args.command == "usage":
        from cli.usage import import_usage

        return asyncio.run(import_usage(settings, args.file))
    if args.command == "worker":
        from cli.worker import run_worker

        return asyncio.run(run_worker(settings, name=args.name))
    if args.command == "jobs":
        from cli import jobs

        if args.jobs_command == "schedule":
            return jobs.print_schedule(settings)
        if args.jobs_command == "retry":
            return asyncio.run(jobs.retry(settings, args.job_id))
        return asyncio.run(jobs.list_jobs(settings, failed=args.failed))
    if args.command == "ledger":
        from cli.ledger import verify_command

        return asyncio.run(verify_command(settings))
    if args.command == "schema":
        from schema import build_schema

        print(build_schema(settings).as_str())
        return 0
    if args.command == "migrate":
        from cli.db import migrate

        return asyncio.run(migrate(settings))
    if args.command == "makemigrations":
        from cli.db import makemigrations

        return asyncio.run(makemigrations(settings, check=args.check))
    if args.command == "demo":
        from cli.demo import load_demo_command

        return asyncio.run(load_demo_command(settings, reset=args.reset, if_empty=args.if_empty))
    if args.command == "ussd":
        from cli.network import ussd_command

        return asyncio.run(ussd_command(settings, args.msisdn, args.code))
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
