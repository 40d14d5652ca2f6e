"""Usage-detail files read back: what the PDF's text says, the XLSX's cells are, the CSV
parses into; the PDF's cap, a failure that leaves no file, and the loop kept free."""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import itertools
import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from jobs.usage_files import (
    ExportFormat,
    UsageHeader,
    UsageRow,
    WrittenFile,
    pdf_file,
    write_usage_file,
    xlsx_file,
)
from jobs.usage_files.texts import Texts, msisdn_display

START = datetime(2026, 9, 30, 21, tzinfo=UTC)  # 1 October, 00:00 in Moscow
CYRILLIC = "".join(map(chr, range(0x410, 0x450))) + "Ёё"


def row(minutes: float, kind: str, direction: str = "OUT", **fields: object) -> UsageRow:
    values: dict[str, object] = {
        "counterpart": None,
        "seconds": None,
        "bytes": None,
        "units": None,
        "roaming": False,
        "zone": None,
        "cost": 0,
    }
    values |= fields
    started_at = START + timedelta(minutes=minutes)
    return UsageRow(started_at=started_at, kind=kind, direction=direction, **values)  # type: ignore[arg-type]


# a day of the demo's Masha: calls, messages, data at home and in Europe, a short code
DEMO = [
    row(30, "CALL", counterpart="9162223344", seconds=125, cost=1250),
    row(95, "CALL", "IN", counterpart="9031112233", seconds=4510, cost=0),
    row(120, "SMS", counterpart="9162223344", units=1, cost=250),
    row(121, "SMS", "IN", counterpart="0911", units=2, cost=0),
    row(180, "MMS", counterpart="9162223344", units=1, cost=650),
    row(240, "DATA", bytes=1_572_864, cost=0),
    row(300, "DATA", bytes=307_200, roaming=True, zone="Европа", cost=123456),
    row(360, "CALL", counterpart="9162223344", seconds=61, roaming=True, zone="Европа", cost=9900),
    row(420, "CALL", "IN", counterpart="9162223344", seconds=5, roaming=True, cost=4500),
]


def header(language: str) -> UsageHeader:
    return UsageHeader(
        msisdn="9031234567",
        start=START,
        end=START + timedelta(days=31),
        language=language,
        generated_at=datetime(2026, 11, 1, 7, 15, tzinfo=UTC),
    )


async def paged(rows: list[UsageRow], size: int = 4) -> AsyncIterator[list[UsageRow]]:
    for at in range(0, len(rows), size):
        yield rows[at : at + size]


async def write(
    tmp_path: Path, fmt: ExportFormat, language: str, rows: list[UsageRow] = DEMO
) -> WrittenFile:
    path = tmp_path / f"usage-{language}{fmt.suffix}"
    return await write_usage_file(path, fmt, header(language), paged(rows))


def files_in(folder: Path) -> list[Path]:
    return list(folder.iterdir())


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


# ---- PDF


PDF_WORDS = {
    "ru": [
        "Детализация расходов",
        "Номер: +7 903 123-45-67",
        "Период: 01.10.2026 – 31.10.2026",
        "Сформирована 01.11.2026 10:15 (время московское)",
        "Дата и время",
        "Стоимость",
        "01.10.2026 00:30:00 Звонок Исходящий +7 916 222-33-44 02:05 12,50 ₽",
        "Входящий +7 903 111-22-33 75:10 0,00 ₽",
        "SMS Входящий 0911 2 0,00 ₽",
        "MMS Исходящий",
        "Интернет 1,50 МБ 0,00 ₽",
        "Интернет 300,0 КБ Европа 1 234,56 ₽",
        "01:01 Европа 99,00 ₽",
        "00:05 Роуминг 45,00 ₽",
        "Страница 1 из 1",
    ],
    "en": [
        "Usage details",
        "Number: +7 903 123-45-67",
        "Period: 2026-10-01 – 2026-10-31",
        "Generated 2026-11-01 10:15 (Moscow time)",
        "2026-10-01 00:30:00 Call Outgoing +7 916 222-33-44 02:05 12.50 ₽",
        "SMS Incoming 0911 2 0.00 ₽",
        "Data 1.50 MB 0.00 ₽",
        "Data 300.0 KB Европа 1,234.56 ₽",
        "00:05 Roaming 45.00 ₽",
        "Page 1 of 1",
    ],
}


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_the_pdf_text_copies_out_as_it_was_written(tmp_path: Path, language: str) -> None:
    written = await write(tmp_path, ExportFormat.PDF, language)
    assert written == WrittenFile(
        rows=len(DEMO), truncated=False, path=written.path, media_type="application/pdf"
    )
    text = pdf_text(written.path)
    for words in PDF_WORDS[language]:
        assert words in text, words


async def test_the_pdf_embeds_a_subset_of_its_font_with_a_unicode_map(tmp_path: Path) -> None:
    written = await write(tmp_path, ExportFormat.PDF, "ru")
    page: Any = PdfReader(written.path).pages[0]  # PDF objects, read by their keys
    fonts = page["/Resources"]["/Font"]
    names = []
    for ref in fonts.values():
        font = ref.get_object()
        (descendant,) = font["/DescendantFonts"]
        descriptor = descendant.get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # TrueType, in the file: no viewer's font needed
        assert "/ToUnicode" in font
        names.append(str(font["/BaseFont"]))
    # "/ABCDEF+PTSans": the tag marks a subset, the glyphs the file uses
    assert sorted(re.sub(r"^/[A-Z]{6}\+", "", name) for name in names) == ["PTSans", "PTSansBold"]
    assert written.path.stat().st_size < 60_000


def test_the_pdf_font_has_cyrillic_and_the_rouble_sign() -> None:
    for path in pdf_file.font_files():
        cmap = TTFont(path).getBestCmap()
        assert [c for c in CYRILLIC + "₽–…" if ord(c) not in cmap] == [], path.name


async def test_the_pdf_stops_at_its_cap_and_says_where_the_rest_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_file, "PDF_MAX_ROWS", 25)
    rows = [row(i, "SMS", units=1, cost=100 + i) for i in range(60)]
    asked, closed = [], []

    async def pages() -> AsyncIterator[list[UsageRow]]:
        try:
            for at in range(0, len(rows), 10):
                asked.append(at)
                yield rows[at : at + 10]
        finally:
            closed.append(True)

    path = tmp_path / "capped.pdf"
    written = await write_usage_file(path, ExportFormat.PDF, header("ru"), pages())
    assert (written.rows, written.truncated) == (25, True)
    assert asked == [0, 10, 20]
    assert closed == [True]
    text = pdf_text(path)
    assert "1,24 ₽" in text
    assert "1,25 ₽" not in text
    notice = "Число строк в PDF ограничено (25). Полная детализация — в файлах XLSX и CSV."
    assert text.index(notice) > text.index("1,24 ₽")  # the last line, above the page number


async def test_a_pdf_that_just_fits_its_cap_is_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_file, "PDF_MAX_ROWS", 8)
    rows = [row(i, "SMS", units=1, cost=100) for i in range(8)]
    written = await write(tmp_path, ExportFormat.PDF, "en", rows)
    assert (written.rows, written.truncated) == (8, False)
    assert "holds at most" not in pdf_text(written.path)


async def test_a_name_too_long_for_its_pdf_column_is_cut_not_run_over(tmp_path: Path) -> None:
    zone = "Юго-Восточная Азия, Океания и острова Тихого океана"
    rows = [row(0, "CALL", counterpart="9162223344", seconds=5, roaming=True, zone=zone)]
    text = pdf_text((await write(tmp_path, ExportFormat.PDF, "ru", rows)).path)
    assert "Юго-Восточная" in text
    assert "…" in text
    assert zone not in text


# ---- XLSX


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_the_xlsx_cells_are_numbers_and_dates(tmp_path: Path, language: str) -> None:
    written = await write(tmp_path, ExportFormat.XLSX, language)
    assert written.media_type.endswith("spreadsheetml.sheet")
    assert written.rows == len(DEMO)
    sheet = openpyxl.load_workbook(written.path).active
    assert sheet is not None
    assert sheet.freeze_panes == "A7"
    assert sheet.auto_filter.ref == f"A6:I{6 + len(DEMO)}"
    titles = [cell.value for cell in sheet[6]]
    if language == "ru":
        assert sheet["A1"].value == "Детализация расходов"
        assert sheet["A2"].value == "Номер: +7 903 123-45-67"
        assert titles[0] == "Дата и время (МСК)"
        assert titles[-1] == "Стоимость, ₽"
        assert [sheet.cell(r, 2).value for r in (7, 9, 12)] == ["Звонок", "SMS", "Интернет"]
        assert sheet["C7"].value == "Исходящий"
        assert sheet["C8"].value == "Входящий"
    else:
        assert sheet["A1"].value == "Usage details"
        assert titles[0] == "Date and time (Moscow)"
        assert titles[-1] == "Cost, RUB"
    call = sheet[7]
    # 21:30 UTC on 30 September is half past midnight on 1 October in Moscow
    assert call[0].value == datetime(2026, 10, 1, 0, 30)
    assert call[0].is_date
    assert call[3].value == "+7 916 222-33-44"
    assert call[4].value == 125
    assert call[4].data_type == "n"
    assert call[8].value == 12.5
    assert call[8].number_format == "0.00"
    europe = sheet[13]
    assert europe[5].value == 300.0
    assert europe[5].data_type == "n"
    assert europe[7].value == "Европа"
    assert europe[8].value == 1234.56
    assert sheet["H15"].value == ("Роуминг" if language == "ru" else "Roaming")
    total = sheet[6 + len(DEMO) + 2]
    assert total[0].value == ("Итого" if language == "ru" else "Total")
    assert total[4].value == 125 + 4510 + 61 + 5
    assert total[6].value == 4
    cost = total[8].value
    assert isinstance(cost, float)
    assert round(cost * 100) == sum(r.cost for r in DEMO)


async def test_xlsx_rows_go_on_in_another_sheet_past_the_excel_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_file, "EXCEL_ROWS", 12)  # 4 rows a sheet under the heading
    rows = [row(i, "CALL", seconds=i + 1, cost=100) for i in range(10)]
    written = await write(tmp_path, ExportFormat.XLSX, "ru", rows)
    book = openpyxl.load_workbook(written.path)
    assert book.sheetnames == ["Детализация", "Детализация (2)", "Детализация (3)"]
    seconds = [
        value
        for sheet in book.worksheets
        for (value,) in sheet.iter_rows(min_row=7, min_col=5, max_col=5, values_only=True)
    ]
    assert seconds == [*range(1, 11), None, 55]  # the rows in order, then the total
    assert [s.auto_filter.ref for s in book.worksheets] == ["A6:I10", "A6:I10", "A6:I8"]


# ---- CSV


@pytest.mark.parametrize(
    ("language", "separator", "cost", "volume"),
    [("ru", ";", "1234,56", "300,0"), ("en", ",", "1234.56", "300.0")],
)
async def test_the_csv_parses_back_with_its_dialect(
    tmp_path: Path, language: str, separator: str, cost: str, volume: str
) -> None:
    written = await write(tmp_path, ExportFormat.CSV, language)
    raw = written.path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=separator))
    assert len(lines) == 1 + len(DEMO)
    assert {len(line) for line in lines} == {9}
    if language == "ru":
        assert lines[0][:3] == ["Дата и время (МСК)", "Тип", "Направление"]
        assert lines[1] == [
            "2026-10-01 00:30:00",
            "Звонок",
            "Исходящий",
            "79162223344",
            "125",
            "",
            "",
            "",
            "12,50",
        ]
    assert lines[7][5] == volume
    assert lines[7][7] == "Европа"
    assert lines[7][8] == cost
    assert lines[4][3] == "0911"


async def test_a_csv_cell_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    rows = [row(0, "SMS", "IN", counterpart="=1+2", units=1, roaming=True, zone="@zone")]
    written = await write(tmp_path, ExportFormat.CSV, "en", rows)
    (line,) = list(csv.reader(io.StringIO(written.path.read_text("utf-8-sig"))))[1:]
    assert (line[3], line[7]) == ("'=1+2", "'@zone")


# ---- every format


@pytest.mark.parametrize("fmt", list(ExportFormat))
async def test_an_empty_period_still_makes_a_file(tmp_path: Path, fmt: ExportFormat) -> None:
    written = await write(tmp_path, fmt, "en", [])
    assert (written.rows, written.truncated) == (0, False)
    if fmt is ExportFormat.PDF:
        assert "No usage in this period." in pdf_text(written.path)
    elif fmt is ExportFormat.CSV:
        assert len(written.path.read_text("utf-8-sig").splitlines()) == 1
    else:
        sheet = openpyxl.load_workbook(written.path).active
        assert sheet is not None
        assert sheet["A8"].value == "Total"
        assert sheet["I8"].value == 0


async def test_progress_is_the_rows_written_so_far(tmp_path: Path) -> None:
    rows = [row(i, "SMS", units=1, cost=100) for i in range(2500)]
    seen: list[int] = []

    async def on_page(done: int) -> None:
        seen.append(done)

    await write_usage_file(
        tmp_path / "u.csv", ExportFormat.CSV, header("ru"), paged(rows, 1000), on_page
    )
    assert seen == [1000, 2000, 2500]


@pytest.mark.parametrize("fmt", list(ExportFormat))
@pytest.mark.parametrize("how", ["error", "cancel"])
async def test_a_failed_file_is_not_left_behind(
    tmp_path: Path, fmt: ExportFormat, how: str
) -> None:
    async def pages() -> AsyncIterator[list[UsageRow]]:
        yield DEMO
        raise RuntimeError("the database went away")

    async def on_page(done: int) -> None:
        if how == "cancel":
            task = asyncio.current_task()
            assert task is not None
            task.cancel()  # as the worker does when the job is cancelled

    path = tmp_path / f"broken{fmt.suffix}"
    expected = asyncio.CancelledError if how == "cancel" else RuntimeError
    with pytest.raises(expected):
        await write_usage_file(path, fmt, header("ru"), pages(), on_page)
    assert files_in(tmp_path) == []  # neither the file nor XLSX's temporary files


async def test_the_event_loop_keeps_running_while_a_page_is_written(tmp_path: Path) -> None:
    big = [row(0, "CALL", counterpart="9162223344", seconds=60, cost=100)] * 15_000
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.005)

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    began = time.perf_counter()
    await write_usage_file(
        tmp_path / "big.xlsx", ExportFormat.XLSX, header("en"), paged(big, 15_000)
    )
    took = time.perf_counter() - began
    ticking.cancel()
    during = [t for t in ticks if t >= began]
    gaps = [b - a for a, b in itertools.pairwise(during)]
    # written on the loop, the one page would be one long gap with no tick in it; in a
    # thread the loop ticks all along, though a pause of the garbage collector or a
    # busy machine may hold it a while (so no tighter bound on the longest gap)
    assert took > 0.2
    assert len(during) > 10
    assert max(gaps) < took * 0.8


# ---- texts


def test_numbers_money_and_volumes_read_the_way_each_language_writes_them() -> None:
    assert msisdn_display("9031234567") == "+7 903 123-45-67"
    assert msisdn_display("0911") == "0911"
    assert msisdn_display(None) == ""
    ru, en = Texts.of("ru"), Texts.of("en")
    assert ru.money(123456789) == "1 234 567,89 ₽"
    assert en.money(123456789) == "1,234,567.89 ₽"
    assert ru.money(-5) == "-0,05 ₽"
    assert en.money(0) == "0.00 ₽"
    assert ru.volume(1023) == "1,0 КБ"
    assert ru.volume(1024 * 1024) == "1,00 МБ"
    assert en.volume(5 * 1024**3) == "5,120.00 MB"
