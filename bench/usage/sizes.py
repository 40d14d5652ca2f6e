"""The usage bench's sizes and fixed values; two of them from the environment."""

from __future__ import annotations

import os
from pathlib import Path

from bench.env import DEMO_OWNER

ROOT = Path(__file__).resolve().parents[2]
ROWS = int(os.environ.get("LINEHUB_BENCH_USAGE_ROWS", 10_000_000))
BIG_LINE = DEMO_OWNER  # Anna's own line
BIG_ROWS = 1_000_000  # page 1 000 at first: 100 needs 100 000; the export wants a million
EXTRA_LINES = 3_000  # beside the demo's 8, four to a contract
PAGE = 100
DEEP_PAGE = 1_000
SAMPLES = 50
TOTALS_SAMPLES = 5
INGEST_RECORDS = 40_000  # per shape: 16 batches, 4 a sender (at 200 records/s: 3 minutes)
BUSY_LINES = 40  # the second shape: every batch of the same few lines
INGEST_BATCH = 2_500
SENDERS = 4
IMPORT_RECORDS = 2_000
WRITER_ROWS = 100_000  # the writers alone: their memory is flat in rows
EXPORT_SECONDS = float(os.environ.get("LINEHUB_BENCH_USAGE_EXPORT_SECONDS", 60))
EARLY_SECONDS = 10  # the worker's peak this far into the job, against its peak at the end
LOAD_CHUNK = 500_000  # rows per INSERT .. SELECT
LOADERS = 2  # connections inserting at once (one per core here)
SECRET_KEY = "usage-bench-secret-key-" + "x" * 32
NETWORK_KEY = "usage-bench-network-key"
YEAR_SECONDS = 360 * 86_400
