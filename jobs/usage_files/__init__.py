"""Usage-detail files ("детализация") a person downloads: PDF, XLSX and CSV.

`write_usage_file` takes the rows in pages (of about a thousand) and hands each page to
a writer in a worker thread, so the event loop stays free and memory holds one page at
a time: the CSV and XLSX writers send rows to disk as they come (XLSX in xlsxwriter's
constant-memory mode), and the PDF, which is built in memory, stops at `PDF_MAX_ROWS`
rows and says where the rest is.

Example:
    async def pages() -> AsyncIterator[list[UsageRow]]:
        async for batch in usage_between(line_id, start, end):
            yield [to_row(record) for record in batch]

    written = await write_usage_file(path, ExportFormat.XLSX, header, pages())
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from jobs.usage_files.csv_file import CsvFile
from jobs.usage_files.records import ExportFormat, UsageHeader, UsageRow, WrittenFile
from jobs.usage_files.writer import FileWriter


def _pdf(path: Path, header: UsageHeader) -> FileWriter:
    # fpdf costs 65 MB of memory once imported: only a process that writes a PDF pays it,
    # not every server and worker that imports this package
    from jobs.usage_files.pdf_file import PdfFile

    return PdfFile(path, header)


def _xlsx(path: Path, header: UsageHeader) -> FileWriter:
    # xlsxwriter, likewise: 2.5 MB of every idle worker that only an XLSX needs
    from jobs.usage_files.xlsx_file import XlsxFile

    return XlsxFile(path, header)


WRITERS: dict[ExportFormat, Callable[[Path, UsageHeader], FileWriter]] = {
    ExportFormat.CSV: CsvFile,
    ExportFormat.XLSX: _xlsx,
    ExportFormat.PDF: _pdf,
}


async def write_usage_file(
    path: Path,
    fmt: ExportFormat,
    header: UsageHeader,
    pages: AsyncIterator[list[UsageRow]],
    on_page: Callable[[int], Awaitable[None]] | None = None,
) -> WrittenFile:
    """Write `pages` of rows to `path` as `fmt`; the file is finished when this returns.

    Args:
        path: the file to create; its folder also holds XLSX's temporary files.
        fmt: PDF, XLSX or CSV.
        header: the number, the period and the language the file is written for.
        pages: the rows, oldest first, a page at a time. Past the PDF's cap no more pages
            are asked for, and an async generator is closed.
        on_page: awaited after each page with the number of rows written so far.

    On any failure, cancellation included, the partial file is deleted and the error
    raised again.
    """
    writer = await asyncio.to_thread(WRITERS[fmt], path, header)
    cap, written, truncated = writer.max_rows, 0, False
    try:
        async for rows in pages:
            if cap is not None and written + len(rows) > cap:
                rows, truncated = rows[: cap - written], True
            if rows:
                await asyncio.to_thread(writer.write, rows)
                written += len(rows)
                if on_page is not None:
                    await on_page(written)
            if truncated:
                break
        await asyncio.to_thread(writer.close, truncated)
    except BaseException:
        await _to_the_end(writer.abort)
        raise
    finally:
        await _stop(pages)
    return WrittenFile(rows=written, truncated=truncated, path=path, media_type=fmt.media_type)


async def _to_the_end(cleanup: Callable[[], None]) -> None:
    # a cancellation that arrives while the partial file is being removed waits for the
    # removal, then goes on: a cancelled job leaves no file behind either
    done = asyncio.ensure_future(asyncio.to_thread(cleanup))
    try:
        await asyncio.shield(done)
    except asyncio.CancelledError:
        await done
        raise


async def _stop(pages: AsyncIterator[list[UsageRow]]) -> None:
    # an async generator left after `break` would hold its query open until the garbage
    # collector finalises it; closing a finished one does nothing
    aclose = getattr(pages, "aclose", None)
    if aclose is not None:
        await aclose()


__all__ = [
    "ExportFormat",
    "UsageHeader",
    "UsageRow",
    "WrittenFile",
    "write_usage_file",
]
