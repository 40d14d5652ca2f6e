"""The usage detail at ten million records: deep pages, ingestion and exports (PostgreSQL).

Runs in its own process (`python -m bench.usage`) against a throwaway database: migrated
with the real migrations, the demo loaded, a few thousand more lines, then
`usage_record` filled by PostgreSQL itself (INSERT .. SELECT generate_series, its
indexes and foreign key dropped while loading and built again after): one big line of
Anna's (BIG_ROWS records over the last year: page 1 000 at `first: 100` exists, and the
export has its million rows) and the rest spread over every other line.

Then, against a real `linehub serve` (one worker) on that database:
- the detail: page 1 and page 1 000 of the big line, reached once by walking the cursors
  and then asked SAMPLES times each, one request at a time; the EXPLAIN ANALYZE of each
  page's SELECT as the app sends it (captured at the driver, as bench/plans.py does);
- ingestion: batches of JSON lines POSTed to /network/usage by concurrent senders, and a
  file through `linehub usage import` (one process);
- exports: `export.usage` of the big line to XLSX and to CSV, each run by a fresh
  `linehub worker` (peak resident set from /proc: VmHWM), with a deadline per format;
  and the writers alone on generated rows (bench/usage_files.py) for comparison.

LINEHUB_BENCH_USAGE_ROWS, LINEHUB_BENCH_USAGE_EXPORT_SECONDS (0: no deadline) override
the sizes. `python -m bench.usage --exports` runs the exports alone, on a database of
the demo and the big line's BIG_ROWS records (a minute or two, not the whole run).

The parts: `sizes` (the figures above), `data` (the load), `server` (linehub serve and
/proc), `paging` (the detail and its plans), `ingest`, `exports`, `report` (the table)
and `run` (the whole, and `main`).
"""

from __future__ import annotations

from bench.core import Table, scenario, table_from_child
from bench.env import BenchEnv
from bench.usage.data import Loaded, load
from bench.usage.exports import Export, export, exports_table, writers_alone
from bench.usage.ingest import ingest_file, ingest_http
from bench.usage.paging import Detail, Plan, detail, plans
from bench.usage.run import main, measure, measure_exports, run_in_own_database
from bench.usage.sizes import (
    BIG_LINE,
    BIG_ROWS,
    BUSY_LINES,
    DEEP_PAGE,
    EARLY_SECONDS,
    EXPORT_SECONDS,
    EXTRA_LINES,
    IMPORT_RECORDS,
    INGEST_BATCH,
    INGEST_RECORDS,
    LOAD_CHUNK,
    LOADERS,
    NETWORK_KEY,
    PAGE,
    ROOT,
    ROWS,
    SAMPLES,
    SECRET_KEY,
    SENDERS,
    TOTALS_SAMPLES,
    WRITER_ROWS,
    YEAR_SECONDS,
)

__all__ = [
    "BIG_LINE",
    "BIG_ROWS",
    "BUSY_LINES",
    "DEEP_PAGE",
    "EARLY_SECONDS",
    "EXPORT_SECONDS",
    "EXTRA_LINES",
    "IMPORT_RECORDS",
    "INGEST_BATCH",
    "INGEST_RECORDS",
    "LOADERS",
    "LOAD_CHUNK",
    "NETWORK_KEY",
    "PAGE",
    "ROOT",
    "ROWS",
    "SAMPLES",
    "SECRET_KEY",
    "SENDERS",
    "TOTALS_SAMPLES",
    "WRITER_ROWS",
    "YEAR_SECONDS",
    "Detail",
    "Export",
    "Loaded",
    "Plan",
    "detail",
    "export",
    "exports_table",
    "ingest_file",
    "ingest_http",
    "load",
    "main",
    "measure",
    "measure_exports",
    "plans",
    "run_in_own_database",
    "usage",
    "writers_alone",
]


@scenario("usage", "the usage detail at 10M records: deep pages, ingestion, exports' memory")
async def usage(env: BenchEnv) -> Table:
    # its own process: its own tortoise on PostgreSQL, the bench's SQLite one untouched
    return await table_from_child("bench.usage")
