"""Usage details as an Excel workbook, written row by row in constant memory.

xlsxwriter's `constant_memory` mode sends each finished row to a temporary file (kept in
the output's folder, not /tmp) and keeps only the current one, so a million rows take
the memory of one. The price is that rows go strictly top to bottom: the heading, the
column titles, the rows, the totals. Cells are typed: Excel datetimes in Moscow time,
numbers for seconds, kilobytes, counts and roubles; nothing numeric is text.
"""

from __future__ import annotations

import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any

import xlsxwriter

from jobs.usage_files.records import UsageHeader, UsageRow
from jobs.usage_files.texts import KB, moscow, msisdn_display
from jobs.usage_files.writer import FileWriter

# rows per worksheet in Excel; past them the rows go on in a second sheet
EXCEL_ROWS = 1_048_576
# the heading (title, number, period, generated) and a blank row sit above the titles
TITLE_ROW = 5
# (title key, width in characters)
COLUMNS = (
    ("usage_export_col_time", 20),
    ("usage_export_col_kind", 11),
    ("usage_export_col_direction", 13),
    ("usage_export_col_number", 18),
    ("usage_export_col_seconds", 15),
    ("usage_export_col_kb", 12),
    ("usage_export_col_units", 12),
    ("usage_export_col_roaming", 14),
    ("usage_export_col_cost_rub", 14),
)
MOMENT = {"ru": "dd.mm.yyyy hh:mm:ss", "en": "yyyy-mm-dd hh:mm:ss"}


class XlsxFile(FileWriter):
    """An .xlsx workbook: one sheet (more past Excel's row limit) and a totals row."""

    def __init__(self, path: Path, header: UsageHeader) -> None:
        super().__init__(path, header)
        self._tmp = tempfile.TemporaryDirectory(dir=path.parent, prefix=".xlsx-")
        self._book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": self._tmp.name,
                # every cell is written with its type; nothing is guessed from a string
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        texts = self.texts
        self._book.set_properties(
            {
                "title": f"{texts.text('usage_export_title')} {msisdn_display(header.msisdn)}",
                "subject": texts.text("usage_export_period", **self._period()),
            }
        )
        add = self._book.add_format
        self._formats: dict[str, Any] = {
            "heading": add({"bold": True, "font_size": 13}),
            "titles": add(
                {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF4"}
            ),
            "moment": add({"num_format": MOMENT.get(header.language, MOMENT["en"])}),
            "integer": add({"num_format": "0"}),
            "kb": add({"num_format": "0.0"}),
            "money": add({"num_format": "0.00"}),
            "total": add({"bold": True}),
            "total_integer": add({"bold": True, "num_format": "0"}),
            "total_kb": add({"bold": True, "num_format": "0.0"}),
            "total_money": add({"bold": True, "num_format": "0.00"}),
        }
        self._sheet: Any = None
        self._row = 0
        self._sums = [0, 0, 0, 0]  # seconds, bytes, units, kopecks
        self._new_sheet()

    def _period(self) -> dict[str, str]:
        start, end = self.texts.period(self.header)
        return {"start": start, "end": end}

    def _new_sheet(self) -> None:
        texts, header, f = self.texts, self.header, self._formats
        name = texts.text("usage_export_sheet")
        count = len(self._book.worksheets())
        sheet = self._book.add_worksheet(f"{name} ({count + 1})" if count else name)
        for column, (_, width) in enumerate(COLUMNS):
            sheet.set_column(column, column, width)
        sheet.write_string(0, 0, texts.text("usage_export_title"), f["heading"])
        msisdn = msisdn_display(header.msisdn)
        sheet.write_string(1, 0, texts.text("usage_export_number", msisdn=msisdn))
        sheet.write_string(2, 0, texts.text("usage_export_period", **self._period()))
        moment = texts.minute(header.generated_at)
        sheet.write_string(3, 0, texts.text("usage_export_generated", moment=moment))
        for column, (key, _) in enumerate(COLUMNS):
            sheet.write_string(TITLE_ROW, column, texts.text(key), f["titles"])
        sheet.freeze_panes(TITLE_ROW + 1, 0)
        self._sheet, self._row = sheet, TITLE_ROW + 1

    def _end_sheet(self) -> None:
        last = max(self._row - 1, TITLE_ROW)
        self._sheet.autofilter(TITLE_ROW, 0, last, len(COLUMNS) - 1)

    def _write(self, rows: list[UsageRow]) -> None:
        texts, f, sums = self.texts, self._formats, self._sums
        # two rows stay free on every sheet for the blank row and the totals
        limit = EXCEL_ROWS - 2
        for row in rows:
            if self._row >= limit:
                self._end_sheet()
                self._new_sheet()
            sheet, r = self._sheet, self._row
            sheet.write_datetime(r, 0, moscow(row.started_at), f["moment"])
            sheet.write_string(r, 1, texts.kind(row))
            if direction := texts.direction(row):
                sheet.write_string(r, 2, direction)
            if row.counterpart:
                sheet.write_string(r, 3, msisdn_display(row.counterpart))
            if row.seconds is not None:
                sheet.write_number(r, 4, row.seconds, f["integer"])
                sums[0] += row.seconds
            if row.bytes is not None:
                sheet.write_number(r, 5, row.bytes / KB, f["kb"])
                sums[1] += row.bytes
            if row.units is not None:
                sheet.write_number(r, 6, row.units, f["integer"])
                sums[2] += row.units
            if zone := texts.roaming(row):
                sheet.write_string(r, 7, zone)
            # an Excel number is a binary double whatever we do: kopecks / 100 is the
            # double nearest the exact amount, and "0.00" shows it to the kopeck; the
            # totals are summed in integer kopecks and divided once
            sheet.write_number(r, 8, row.cost / 100, f["money"])
            sums[3] += row.cost
            self._row += 1

    def _close(self, truncated: bool) -> None:
        try:
            self._end_sheet()
            sheet, r, f = self._sheet, self._row + 1, self._formats
            seconds, volume, units, kopecks = self._sums
            sheet.write_string(r, 0, self.texts.text("usage_export_total"), f["total"])
            sheet.write_number(r, 4, seconds, f["total_integer"])
            sheet.write_number(r, 5, volume / KB, f["total_kb"])
            sheet.write_number(r, 6, units, f["total_integer"])
            sheet.write_number(r, 8, kopecks / 100, f["total_money"])
            self._book.close()
        finally:
            self._tmp.cleanup()

    def _abort(self) -> None:
        # closing is the one public way to release the sheets' temporary files; what it
        # writes is deleted right after (FileWriter.abort)
        with suppress(Exception):
            self._book.close()
        self._tmp.cleanup()
