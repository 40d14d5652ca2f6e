"""The bench's moving parts: named scenarios, result tables and the statistics they print."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.env import BenchEnv

Cell = str | int | float


@dataclass
class Table:
    """One scenario's numbers: a title, column headers and rows, printed aligned."""

    title: str
    headers: Sequence[str]
    rows: list[Sequence[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: Cell) -> None:
        self.rows.append(cells)

    def render(self) -> str:
        text = [[_cell(c) for c in row] for row in [self.headers, *self.rows]]
        widths = [max(len(row[i]) for row in text) for i in range(len(self.headers))]

        def line(row: list[str]) -> str:
            # first column is a label (left), the rest are numbers (right)
            return "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()

        rule = "  ".join("-" * w for w in widths)
        out = [self.title, rule, line(text[0]), rule, *(line(r) for r in text[1:]), rule]
        out += [f"  {note}" for note in self.notes]
        return "\n".join(out)


def _cell(value: Cell) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:.2f}"
    return str(value)


ScenarioFn = Callable[["BenchEnv"], Awaitable[Table]]


@dataclass(frozen=True)
class Scenario:
    """A named async measurement. It gets the shared environment and returns its table."""

    name: str
    description: str
    run: ScenarioFn


SCENARIOS: list[Scenario] = []


def scenario(name: str, description: str) -> Callable[[ScenarioFn], ScenarioFn]:
    """Register `fn` under `name`; scenarios run in the order their modules register them.

    Example:
        @scenario("login", "statements and latency of the login mutation")
        async def login(env: BenchEnv) -> Table: ...
    """

    def register(fn: ScenarioFn) -> ScenarioFn:
        if any(s.name == name for s in SCENARIOS):
            raise ValueError(f"bench scenario {name!r} is registered twice")
        SCENARIOS.append(Scenario(name, description, fn))
        return fn

    return register


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def p95(samples: Sequence[float]) -> float:
    """Nearest-rank 95th percentile: a value that really occurred, not an interpolation."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def ms(seconds: float) -> float:
    return seconds * 1000


class Stopwatch:
    """Collects wall-clock samples of repeated calls (`perf_counter`, in seconds)."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    async def time(self, call: Callable[[], Awaitable[object]]) -> None:
        start = time.perf_counter()
        await call()
        self.samples.append(time.perf_counter() - start)


async def table_from_child(module: str, *args: str) -> Table:
    """Run `python -m <module> --json` in its own process (its own tortoise, its own
    database) and read back the table it printed."""
    import asyncio
    import json
    import sys

    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        "--json",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"{module} exited {child.returncode}: {err.decode()[-2000:]}")
    data = json.loads(out)
    return Table(data["title"], data["headers"], data["rows"], data["notes"])


def print_table(table: Table, argv: Sequence[str]) -> int:
    """A child's output: JSON for `table_from_child`, or the table for a person."""
    import json

    if "--json" in argv:
        print(json.dumps(table.__dict__, default=list))
    else:
        print(table.render())
    return 0
