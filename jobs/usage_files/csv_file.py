"""Usage details as CSV, with the statement's conventions (`jobs/exports.py`).

UTF-8 with a BOM, Moscow time as "2026-10-03 14:05:09", and the separator and decimal
mark that Excel expects in each language. The columns are the spreadsheet's: numbers in
their own columns (seconds, KB, count, roubles), so they sum and sort.
"""

from __future__ import annotations

import csv
from pathlib import Path

from jobs.usage_files.records import UsageHeader, UsageRow
from jobs.usage_files.texts import kilobytes, moscow, msisdn_digits
from jobs.usage_files.writer import FileWriter
from models.money import format_decimal, to_decimal

# the statement's dialects: Excel opens a CSV by the system's list separator, ";" with a
# decimal comma where numbers are written the Russian way, "," with a point in English
DIALECTS = {"ru": (";", ","), "en": (",", ".")}
COLUMNS = (
    "usage_export_col_time",
    "usage_export_col_kind",
    "usage_export_col_direction",
    "usage_export_col_number",
    "usage_export_col_seconds",
    "usage_export_col_kb",
    "usage_export_col_units",
    "usage_export_col_roaming",
    "usage_export_col_cost_rub",
)
# a cell that starts like a formula is run as one when the file is opened in a spreadsheet
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    # only text that comes from outside (numbers, zone names) is guarded; ours is known
    return f"'{value}" if value.startswith(FORMULA_START) else value


class CsvFile(FileWriter):
    """A CSV file: the header row when opened, then each page's rows as they come."""

    def __init__(self, path: Path, header: UsageHeader) -> None:
        super().__init__(path, header)
        separator, self._point = DIALECTS.get(header.language, DIALECTS["en"])
        # UTF-8 with a BOM: Excel reads Cyrillic right only with it
        self._out = path.open("w", encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._out, delimiter=separator, lineterminator="\r\n")
        self._csv.writerow([self.texts.text(key) for key in COLUMNS])

    def _write(self, rows: list[UsageRow]) -> None:
        self._csv.writerows(self._line(row) for row in rows)

    def _line(self, row: UsageRow) -> tuple[str, ...]:
        texts, point = self.texts, self._point
        return (
            moscow(row.started_at).strftime("%Y-%m-%d %H:%M:%S"),
            texts.kind(row),
            texts.direction(row),
            _text(msisdn_digits(row.counterpart)),
            "" if row.seconds is None else str(row.seconds),
            "" if row.bytes is None else format_decimal(kilobytes(row.bytes)).replace(".", point),
            "" if row.units is None else str(row.units),
            _text(texts.roaming(row)),
            format_decimal(to_decimal(row.cost)).replace(".", point),
        )

    def _close(self, truncated: bool) -> None:
        self._out.close()

    def _abort(self) -> None:
        self._out.close()
