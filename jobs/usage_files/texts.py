"""How a usage row reads in Russian and in English: labels, numbers, money, moments.

Labels come from the catalogue once per file (`Texts.of`), not once per row: a million
rows would otherwise be a million catalogue look-ups for the same few words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from i18n import OPERATOR_TIME_ZONE, translate
from jobs.usage_files.records import UsageHeader, UsageRow
from models.money import to_decimal

KINDS = ("CALL", "SMS", "MMS", "DATA")
DIRECTIONS = ("IN", "OUT")
# volumes in binary units, as operators bill them: 1 KB = 1024 bytes, 1 MB = 1024 KB
KB = 1024
MB = 1024 * KB
RUBLE = "\u20bd"
# grouping and decimal marks: "1 234,50" the Russian way, "1,234.50" the English way
MARKS = {"ru": (" ", ","), "en": (",", ".")}
MOMENT = {"ru": "%d.%m.%Y %H:%M:%S", "en": "%Y-%m-%d %H:%M:%S"}
DAY = {"ru": "%d.%m.%Y", "en": "%Y-%m-%d"}
MINUTE = {"ru": "%d.%m.%Y %H:%M", "en": "%Y-%m-%d %H:%M"}


def moscow(moment: datetime) -> datetime:
    """The operator's wall clock, naive: what a spreadsheet cell and a printed page show."""
    return moment.astimezone(OPERATOR_TIME_ZONE).replace(tzinfo=None)


def msisdn_display(number: str | None) -> str:
    """A national number as people write it, "+7 903 123-45-67"; a short code as it is."""
    if number is None:
        return ""
    if len(number) == 10 and number.isdigit():
        return f"+7 {number[:3]} {number[3:6]}-{number[6:8]}-{number[8:]}"
    return number


def msisdn_digits(number: str | None) -> str:
    """A national number as "79031234567" (CSV): a spreadsheet takes "+7 ..." for a formula."""
    if number is None:
        return ""
    if len(number) == 10 and number.isdigit():
        return f"7{number}"
    return number


def grouped(value: Decimal, places: int, language: str) -> str:
    """Decimal(1234.5) -> "1 234,50" (ru) or "1,234.50" (en)."""
    group, point = MARKS.get(language, MARKS["en"])
    text = format(value, f",.{places}f")
    return text.replace(",", "\0").replace(".", point).replace("\0", group)


def duration(seconds: int) -> str:
    """125 -> "02:05": minutes and seconds, minutes past 59 as they are ("75:00")."""
    minutes, rest = divmod(seconds, 60)
    return f"{minutes:02d}:{rest:02d}"


def kilobytes(count: int) -> Decimal:
    """Bytes as KB to one decimal place, rounded half up (CSV)."""
    return (Decimal(count) / KB).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Texts:
    """Every word and number format of one file's language."""

    language: str
    kinds: dict[str, str]
    directions: dict[str, str]
    roaming_word: str
    kb: str
    mb: str

    @classmethod
    def of(cls, language: str) -> Texts:
        def t(key: str) -> str:
            return translate(key, language)

        return cls(
            language=language,
            kinds={kind: t(f"usage_export_kind_{kind.lower()}") for kind in KINDS},
            directions={d: t(f"usage_export_direction_{d.lower()}") for d in DIRECTIONS},
            roaming_word=t("usage_export_roaming"),
            # unit templates keep their placeholder, filled per row by `volume`
            kb=translate("usage_export_kb", language, value="{value}"),
            mb=translate("usage_export_mb", language, value="{value}"),
        )

    def text(self, key: str, **params: object) -> str:
        """A catalogue text in this file's language."""
        return translate(key, self.language, **params)

    def kind(self, row: UsageRow) -> str:
        return self.kinds.get(row.kind, row.kind)

    def direction(self, row: UsageRow) -> str:
        if row.kind == "DATA":
            return ""
        return self.directions.get(row.direction, row.direction)

    def roaming(self, row: UsageRow) -> str:
        """The zone's name abroad, "Roaming" when the zone is unknown, nothing at home."""
        if not row.roaming:
            return ""
        return row.zone or self.roaming_word

    def money(self, kopecks: int) -> str:
        """12345 -> "123,45 ₽" (ru) or "123.45 ₽" (en): the sign after the amount in both."""
        return f"{grouped(to_decimal(kopecks), 2, self.language)} {RUBLE}"

    def moment(self, moment: datetime) -> str:
        return moscow(moment).strftime(MOMENT.get(self.language, MOMENT["en"]))

    def minute(self, moment: datetime) -> str:
        return moscow(moment).strftime(MINUTE.get(self.language, MINUTE["en"]))

    def day(self, moment: datetime) -> str:
        return moscow(moment).strftime(DAY.get(self.language, DAY["en"]))

    def period(self, header: UsageHeader) -> tuple[str, str]:
        """The first and the last day of [start, end), as a person counts days."""
        return self.day(header.start), self.day(header.end - timedelta(microseconds=1))

    def volume(self, count: int) -> str:
        """Up to a megabyte in KB, above it in MB: "512,0 КБ", "1,50 МБ"."""
        if count < MB:
            return self.kb.format(value=grouped(Decimal(count) / KB, 1, self.language))
        return self.mb.format(value=grouped(Decimal(count) / MB, 2, self.language))

    def amount(self, row: UsageRow) -> str:
        """The one "how much" a printed row has room for: mm:ss, a volume or a count."""
        if row.kind == "CALL" and row.seconds is not None:
            return duration(row.seconds)
        if row.kind == "DATA" and row.bytes is not None:
            return self.volume(row.bytes)
        if row.units is not None:
            return str(row.units)
        if row.seconds is not None:
            return duration(row.seconds)
        if row.bytes is not None:
            return self.volume(row.bytes)
        return ""
