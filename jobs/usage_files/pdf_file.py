"""Usage details as a PDF to print or send: fpdf2 with an embedded PT Sans.

The font is embedded as a subset of the glyphs used, with a ToUnicode map, so text
copied out of the file (or read by a screen reader or a search) is the Unicode written
in: Cyrillic and "₽" included. PT Sans (ParaType's, made for Russian; OFL) comes from
the fontpkg-pt-sans package rather than a system font path, so every machine that
installs the project has the same file.

fpdf2 keeps the whole document in memory until it is written out (reportlab's canvas
does too), so a PDF is bounded by its rows instead: at most `PDF_MAX_ROWS`, then a last
line sends the reader to the XLSX or CSV file, which hold everything.
"""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from functools import cache
from pathlib import Path

from fpdf import FPDF

from jobs.usage_files.records import UsageHeader, UsageRow
from jobs.usage_files.texts import Texts, grouped, msisdn_display
from jobs.usage_files.writer import FileWriter

# about 180 pages, 2.5 s and 18 MB above the process's own while it is built (measured
# by bench/usage_files.py); a month of a busy line's calls, messages and sessions fits
PDF_MAX_ROWS = 10_000
FONT = "PTSans"
ROW = 4.3  # row height, mm
# (title key, width in mm, alignment); the widths fill A4 less two 12 mm margins
COLUMNS = (
    ("usage_export_col_time", 31.0, "L"),
    ("usage_export_col_kind", 17.0, "L"),
    ("usage_export_col_direction", 23.0, "L"),
    ("usage_export_col_number", 28.0, "L"),
    ("usage_export_col_amount", 27.0, "R"),
    ("usage_export_col_roaming", 34.0, "L"),
    ("usage_export_col_cost", 26.0, "R"),
)
TITLES = 7.0  # the column titles' band: room for two lines


@cache
def font_files() -> tuple[Path, Path]:
    """PT Sans, regular and bold, out of fontpkg-pt-sans's package data (located by
    `find_spec`, without importing anything)."""
    spec = importlib.util.find_spec("fontpkg_pt_sans")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("fontpkg-pt-sans, which ships the PDF's font, is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "files"
    return folder / "PT_Sans-Web-Regular.ttf", folder / "PT_Sans-Web-Bold.ttf"


class _Document(FPDF):
    """An A4 page with the file's heading and column titles on top, its number below."""

    def __init__(self, texts: Texts, heading: str, details: list[str]) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.texts, self.heading, self.details = texts, heading, details
        regular, bold = font_files()
        self.add_font(FONT, "", regular)
        self.add_font(FONT, "B", bold)
        self.set_margins(12, 10, 12)
        self.set_auto_page_break(True, margin=14)
        self.alias_nb_pages("{nb}")
        self.set_draw_color(200, 205, 212)
        self.set_line_width(0.1)
        self.set_fill_color(232, 238, 244)
        self._titles: list[tuple[float, float, str]] | None = None

    def header(self) -> None:
        self.set_font(FONT, "B", 12)
        self.cell(0, 7, self.heading, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 8)
        for line in self.details:
            self.cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")
        top = self.get_y() + 2
        self.rect(self.l_margin, top, self.epw, TITLES, style="F")
        self.set_font(FONT, "B", 7.5)
        for x, dy, text in self._column_titles():
            self.text(x, top + dy, text)
        self.set_xy(self.l_margin, top + TITLES + 0.5)
        self.set_font(FONT, "", 7.5)

    def _column_titles(self) -> list[tuple[float, float, str]]:
        # the same on every page: wrapped (a title too long for its column takes a second
        # line in the band) and measured once, then only placed
        if self._titles is None:
            self._titles = []
            x, line = self.l_margin, 3.2
            for key, width, align in COLUMNS:
                lines = self.multi_cell(
                    width, line, self.texts.text(key), dry_run=True, output="LINES"
                )
                assert isinstance(lines, list)  # output="LINES" returns the lines alone
                for n, text in enumerate(lines):
                    used = self.get_string_width(text)
                    left = x + self.c_margin if align == "L" else x + width - self.c_margin - used
                    self._titles.append((left, 0.3 + (n + 0.5) * line + 0.3 * self.font_size, text))
                x += width
        return self._titles

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, "", 7)
        page = self.texts.text("usage_export_page", page=self.page_no(), pages="{nb}")
        self.cell(0, 4, page, align="R")


class PdfFile(FileWriter):
    """A PDF of at most `PDF_MAX_ROWS` rows, written out when closed."""

    def __init__(self, path: Path, header: UsageHeader) -> None:
        super().__init__(path, header)
        # read when the file is opened, so a test can lower the cap
        self.max_rows = PDF_MAX_ROWS
        texts = self.texts
        start, end = texts.period(header)
        title = texts.text("usage_export_title")
        msisdn = msisdn_display(header.msisdn)
        details = [
            texts.text("usage_export_number", msisdn=msisdn),
            texts.text("usage_export_period", start=start, end=end),
            texts.text("usage_export_generated", moment=texts.minute(header.generated_at)),
        ]
        doc = self._doc = _Document(texts, title, details)
        doc.set_title(f"{title} {msisdn}")
        doc.set_lang(header.language)
        doc.set_creator("linehub")
        self._widths: dict[str, float] = {}
        doc.add_page()

    def _write(self, rows: list[UsageRow]) -> None:
        # rows are placed with `text` at computed positions: `cell` lays out and styles
        # each string anew, six times the cost, and a capped PDF is still 10 000s of cells
        doc, texts = self._doc, self.texts
        left, right, pad = doc.l_margin, doc.w - doc.r_margin, doc.c_margin
        for row in rows:
            if doc.will_page_break(ROW):
                doc.add_page()
            top = doc.get_y()
            baseline = top + ROW / 2 + 0.3 * doc.font_size
            cells = (
                texts.moment(row.started_at),
                texts.kind(row),
                texts.direction(row),
                msisdn_display(row.counterpart),
                texts.amount(row),
                texts.roaming(row),
                texts.money(row.cost),
            )
            x = left
            for (_, width, align), text in zip(COLUMNS, cells, strict=True):
                if text:
                    text, used = self._fit(text, width - 2 * pad)
                    doc.text(x + pad if align == "L" else x + width - pad - used, baseline, text)
                x += width
            doc.set_y(top + ROW)
            doc.line(left, top + ROW, right, top + ROW)

    def _width(self, text: str) -> float:
        # without text shaping a string's width is the sum of its glyphs' widths, so each
        # character is measured once per file
        widths, total = self._widths, 0.0
        for char in text:
            width = widths.get(char)
            if width is None:
                width = widths[char] = self._doc.get_string_width(char)
            total += width
        return total

    def _fit(self, text: str, room: float) -> tuple[str, float]:
        """The text and its width; a long zone name or code is cut with "…" to fit."""
        width = self._width(text)
        if width <= room:
            return text, width
        while text and self._width(f"{text}…") > room:
            text = text[:-1]
        return f"{text}…", self._width(f"{text}…")

    def _close(self, truncated: bool) -> None:
        doc, texts = self._doc, self.texts
        if self.rows == 0:
            doc.ln(2)
            doc.multi_cell(0, 5, texts.text("usage_export_empty"))
        if truncated:
            count = grouped(Decimal(self.max_rows or 0), 0, self.header.language)
            doc.ln(2)
            doc.set_font(FONT, "B", 8)
            doc.multi_cell(0, 5, texts.text("usage_export_truncated", count=count))
        doc.output(str(self.path))

    def _abort(self) -> None:
        # nothing is on disk before `output`; the document is dropped with this object
        pass
