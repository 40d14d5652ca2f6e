"""Run the bench scenarios and print their tables: `python -m bench [--only NAME ...] [--sql]`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time

# importing a scenario module registers its scenarios, in this order
from bench import dashboard, engine, http, jobs, passwords, plans, queries, topups, usage  # noqa: F401
from bench.core import SCENARIOS, Scenario
from bench.env import bench_environment


def _parse(argv: list[str]) -> argparse.Namespace:
    names = [s.name for s in SCENARIOS]
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", action="append", choices=names, help="run just these")
    parser.add_argument("--sql", action="store_true", help="list the counted statements")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    return parser.parse_args(argv)


async def _run(chosen: list[Scenario], show_sql: bool) -> int:
    failed = 0
    async with bench_environment(show_sql=show_sql) as env:
        for item in chosen:
            start = time.perf_counter()
            try:
                table = await item.run(env)
            except Exception as exc:  # one broken scenario must not hide the others' numbers
                failed += 1
                print(f"{item.name}: failed: {exc!r}\n", flush=True)
                continue
            print(f"{table.render()}\n  ({item.name}: {time.perf_counter() - start:.1f} s)\n")
    return failed


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    if args.list:
        for item in SCENARIOS:
            print(f"{item.name:<14} {item.description}")
        return 0
    # the app logs every request; the bench's output is its tables
    logging.disable(logging.INFO)
    chosen = [s for s in SCENARIOS if not args.only or s.name in args.only]
    start = time.perf_counter()
    failed = asyncio.run(_run(chosen, args.sql))
    print(f"bench: {len(chosen)} scenarios in {time.perf_counter() - start:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
