"""The scenario's table: every figure, and the notes that say how each was taken."""

from __future__ import annotations

import os

from bench.core import Table, median, ms, p95
from bench.usage.data import Loaded
from bench.usage.exports import Export
from bench.usage.paging import Detail, Plan
from bench.usage.sizes import (
    BIG_LINE,
    DEEP_PAGE,
    EARLY_SECONDS,
    EXPORT_SECONDS,
    EXTRA_LINES,
    INGEST_BATCH,
    INGEST_RECORDS,
    SAMPLES,
    SENDERS,
    WRITER_ROWS,
)


def _line(label: str, samples: list[float]) -> tuple[str, int, float, float, float]:
    return label, len(samples), sum(samples), ms(median(samples)), ms(p95(samples))


def _ratio(ours: float, base: float) -> str:
    return f"{ours / base:.2f}x" if base else "-"


def _table(
    loaded: Loaded,
    found: Detail,
    shown: list[Plan],
    http: list[tuple[str, int, float]],
    file: tuple[int, float, float],
    exports: list[Export],
    alone: list[tuple[str, float, float]],
    load_before: float,
    seconds: float,
) -> Table:
    table = Table(
        f"usage detail at {loaded.rows:,} records, PostgreSQL, linehub serve (1 worker); "
        f"big line {BIG_LINE}: {loaded.big_rows:,} records",
        ["what", "count", "seconds", "p50 ms", "p95 ms", "per second", "peak RSS MB"],
    )
    for label, spent in loaded.timings:
        rate = f"{loaded.rows / spent:,.0f} rows" if label.startswith("INSERT") else ""
        table.add(f"load: {label}", "", spent, "", "", rate, "")
    walk = found.walk
    table.add(
        f"detail: pages 1 to {DEEP_PAGE:,} walked once",
        *_line("", walk)[1:],
        f"{len(walk) / sum(walk):.1f} pages",
        "",
    )
    first = _line("detail: page 1 (first: 100)", found.first)
    deep = _line(f"detail: page {DEEP_PAGE:,}, same cursor", found.deep)
    table.add(*first, "", "")
    table.add(*deep, "", "")
    table.add(
        f"detail: page {DEEP_PAGE:,} / page 1",
        "",
        "",
        _ratio(deep[3], first[3]),
        _ratio(deep[4], first[4]),
        "",
        "",
    )
    table.add(*_line(f"detail: totals of {found.totals_count:,} records", found.totals), "", "")
    for shape, stored, spent in http:
        table.add(
            f"ingest: POST /network/usage, {shape}",
            stored,
            spent,
            "",
            "",
            f"{stored / spent:,.0f} records",
            "",
        )
    imported, spent, start_stop = file
    table.add(
        "ingest: linehub usage import FILE",
        imported,
        spent,
        "",
        "",
        f"{imported / spent:,.0f} records",
        "",
    )
    for done in exports:
        label = f"export: {done.format} by linehub worker"
        if not done.finished:
            label += f" (stopped at {EXPORT_SECONDS:.0f} s)"
        table.add(
            label,
            done.rows,
            done.seconds,
            "",
            "",
            f"{done.rows / done.seconds:,.0f} rows" if done.seconds else "",
            done.peak_mb,
        )
    table.add("export: a linehub worker before its job", "", "", "", "", "", exports[0].idle_mb)
    for what, spent, peak in alone:
        table.add(
            f"writers alone: {what}",
            WRITER_ROWS,
            spent,
            "",
            "",
            f"{WRITER_ROWS / spent:,.0f} rows",
            peak,
        )
    early, late = walk[1:11], walk[-10:]
    table.notes += [
        f"data: {loaded.rows:,} usage records ({loaded.size_mb:,.0f} MB with indexes) over "
        f"{len(loaded.lines):,} lines (the demo's 8 + {EXTRA_LINES:,}); loaded by "
        f"INSERT .. SELECT generate_series with the table's indexes and foreign key "
        "dropped, then built again",
        f"walk: pages 2-11 {ms(sum(early) / len(early)):.1f} ms on average, pages "
        f"{DEEP_PAGE - 9:,}-{DEEP_PAGE:,} {ms(sum(late) / len(late)):.1f} ms; page 1 and "
        f"page {DEEP_PAGE:,} then asked {SAMPLES} times each, in turn, one at a time",
    ]
    for plan in shown:
        verdict = "SEQ SCAN " + ", ".join(plan.seq_scans) if plan.seq_scans else "no Seq Scan"
        table.notes.append(
            f"plan, {plan.label}: {plan.shown}; cost {plan.cost:,.1f}, "
            f"{plan.actual_ms:.1f} ms, {plan.removed:,} rows removed by filter, "
            f"{plan.buffers:,} buffers; {verdict}"
        )
        table.notes.append(f"  {plan.condition}")
    idle = ", ".join(
        f"{e.format} {e.idle_mb:.0f} MB, peak {e.early_mb:.0f} MB {EARLY_SECONDS} s in"
        for e in exports
    )
    table.notes += [
        f"ingest: {INGEST_RECORDS:,} new records per shape, batches of {INGEST_BATCH:,} "
        f"JSON lines, {SENDERS} senders at once; records take the lines in turn, start "
        "this period and are rated against the packages; the import's seconds include "
        f"the process's start and stop ({start_stop:.1f} s with an empty file)",
        f"export: the big line's year ({exports[0].total:,} records), oldest first, "
        f"one fresh worker per format (WORKER_CONCURRENCY=1); peak RSS is the "
        f"worker's VmHWM, target under 100 MB; the worker's resident set before the job: {idle}",
        "export files: "
        + (
            ", ".join(f"{e.format} {e.file_mb:,.1f} MB" for e in exports if e.finished)
            or "none finished"
        ),
        "writers alone: bench/usage_files.py (no database, rows made in pages of 1 000; "
        "the PDF stops at its cap), each format in a process of its own, its peak RSS "
        "its own VmHWM",
        f"machine load average before the run: {load_before:.2f} on {os.cpu_count()} CPUs; "
        f"the whole run {seconds:.0f} s",
    ]
    return table
