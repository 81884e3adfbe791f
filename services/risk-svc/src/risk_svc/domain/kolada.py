"""Imports of published comparison figures (Kolada, KKiK, öppna jämförelser; seed 002 and seed 003
§7.3.4) from files users download, in Kolada's open-data shape: one row per `kpi` (a letter and five
digits, e.g. `U21468`), `municipality` (four-digit kommunkod, `0000` the whole country), `period` (a
year), `gender` (`T` totalt, `K` kvinnor, `M` män) and `value` (a decimal, empty when Kolada has none).

CSV in UTF-8 with `,` or `;` between columns and decimal comma or point, or XLSX (the first sheet).
KPI titles come from a second file (`kpi`, `title`) or are entered by hand. Every row is checked on
its own: good rows are imported, bad ones are refused with a reason in Swedish; the same
kpi/municipality/period/gender imported again replaces the value (unchanged values stay as they were),
so an import can be repeated.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from risk_svc.domain.model import RuleViolation

MAX_ROWS = 200_000
MAX_TITLE = 500
FIRST_YEAR = 1990
XLSX_MAGIC = b"PK\x03\x04"

_KPI = re.compile(r"^[A-Z]\d{5}$")
_MUNICIPALITY = re.compile(r"^\d{1,4}$")
_YEAR = re.compile(r"^\d{4}$")


class Gender(StrEnum):
    T = "T"  # totalt
    K = "K"  # kvinnor
    M = "M"  # män


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


# Column names accepted for each field (Kolada's own and the Swedish ones people type).
VALUE_COLUMNS: dict[str, tuple[str, ...]] = {
    "kpi": ("kpi", "kpi_id", "kpiid", "nyckeltal", "nyckeltal_id"),
    "municipality": ("municipality", "municipality_id", "kommun", "kommunkod", "kommun_id"),
    "period": ("period", "year", "ar", "år"),
    "gender": ("gender", "kon", "kön"),
    "value": ("value", "varde", "värde"),
}
TITLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "kpi": VALUE_COLUMNS["kpi"],
    "title": ("title", "titel", "namn", "name", "beskrivning"),
}


@dataclass(frozen=True, order=True)
class KoladaKey:
    kpi: str
    municipality: str
    period: int
    gender: Gender


@dataclass(frozen=True)
class KoladaRow:
    row: int  # the row number in the file (the header is row 1)
    key: KoladaKey
    value: Decimal | None  # None: Kolada publishes no value


@dataclass(frozen=True)
class RefusedRow:
    row: int
    reason: str


@dataclass(frozen=True)
class ParsedValues:
    format: FileFormat
    rows: tuple[KoladaRow, ...]
    refused: tuple[RefusedRow, ...]


@dataclass(frozen=True)
class ParsedTitles:
    format: FileFormat
    titles: dict[str, str]
    refused: tuple[RefusedRow, ...]


# --- reading a file into text cells ---------------------------------------------------------------


def detect_format(content: bytes, filename: str | None = None) -> FileFormat:
    if content.startswith(XLSX_MAGIC) or (filename or "").lower().endswith(".xlsx"):
        return FileFormat.XLSX
    return FileFormat.CSV


def _cell_text(cell: Any) -> str:
    """An XLSX cell as text: whole numbers without '.0' (a year, a kommunkod), others as written."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RuleViolation(
            "Filen är inte UTF-8: spara den som CSV UTF-8 eller som Excel (xlsx)", "file"
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in row)]


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # only for XLSX files

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise RuleViolation("Filen gick inte att läsa som Excel (xlsx)", "file") from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            cells = [_cell_text(v) for v in values]
            if any(cells):
                rows.append(cells)
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_cells(content: bytes, filename: str | None = None) -> tuple[FileFormat, list[list[str]]]:
    """The file's rows as text cells, header first; a file that cannot be read is refused whole."""
    if not content.strip():
        raise RuleViolation("Filen är tom", "file")
    kind = detect_format(content, filename)
    rows = _xlsx_rows(content) if kind is FileFormat.XLSX else _csv_rows(content)
    if len(rows) < 2:
        raise RuleViolation("Filen har ingen rad under rubrikraden", "file")
    if len(rows) - 1 > MAX_ROWS:
        raise RuleViolation(f"Filen har fler än {MAX_ROWS} rader: dela upp den", "file")
    return kind, rows


def _normalise(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def column_positions(header: Sequence[str], wanted: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """Where each field's column is; a file lacking one is refused whole."""
    names = [_normalise(h) for h in header]
    found: dict[str, int] = {}
    for field, aliases in wanted.items():
        position = next((i for i, name in enumerate(names) if name in aliases), None)
        if position is None:
            raise RuleViolation(
                f"Kolumnen '{field}' saknas; rubrikraden ska ha {', '.join(wanted)}",
                "file",
            )
        found[field] = position
    return found


# --- checking one row ------------------------------------------------------------------------------


def parse_kpi(text: str) -> str:
    kpi = text.strip().upper()
    if not _KPI.match(kpi):
        raise ValueError("KPI-id ska vara en bokstav och fem siffror, till exempel U21468")
    return kpi


def parse_municipality(text: str) -> str:
    """Four digits; a code that lost its leading zero in a spreadsheet (138) is read as 0138."""
    code = text.strip()
    if not _MUNICIPALITY.match(code):
        raise ValueError("Kommunkoden ska vara fyra siffror, till exempel 0138")
    return code.zfill(4)


def parse_year(text: str, today: date) -> int:
    year_text = text.strip()
    if not _YEAR.match(year_text) or not FIRST_YEAR <= int(year_text) <= today.year:
        raise ValueError(f"Perioden ska vara ett årtal mellan {FIRST_YEAR} och {today.year}")
    return int(year_text)


def parse_gender(text: str) -> Gender:
    try:
        return Gender(text.strip().upper())
    except ValueError:
        raise ValueError("Kön ska vara T (totalt), K (kvinnor) eller M (män)") from None


def parse_value(text: str) -> Decimal | None:
    """Decimal comma or point; spaces as thousands separators; empty when Kolada has no value."""
    raw = text.strip().replace("\u00a0", "").replace(" ", "")
    if raw == "":
        return None
    if "," in raw and "." in raw:
        raise ValueError("Värdet har både decimalkomma och decimalpunkt")
    try:
        number = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise ValueError("Värdet är inte ett tal") from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise ValueError("Värdet är inte ett rimligt tal")
    return number


def _cell(row: Sequence[str], position: int) -> str:
    return row[position] if position < len(row) else ""


def parse_values(content: bytes, today: date, filename: str | None = None) -> ParsedValues:
    kind, rows = read_cells(content, filename)
    columns = column_positions(rows[0], VALUE_COLUMNS)
    parsed: list[KoladaRow] = []
    refused: list[RefusedRow] = []
    seen: dict[KoladaKey, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        try:
            key = KoladaKey(
                parse_kpi(_cell(row, columns["kpi"])),
                parse_municipality(_cell(row, columns["municipality"])),
                parse_year(_cell(row, columns["period"]), today),
                parse_gender(_cell(row, columns["gender"])),
            )
            value = parse_value(_cell(row, columns["value"]))
        except ValueError as problem:
            refused.append(RefusedRow(number, str(problem)))
            continue
        if key in seen:
            refused.append(
                RefusedRow(number, f"Samma nyckeltal, kommun, år och kön finns redan på rad {seen[key]}")
            )
            continue
        seen[key] = number
        parsed.append(KoladaRow(number, key, value))
    return ParsedValues(kind, tuple(parsed), tuple(refused))


def check_title(title: str) -> str:
    text = " ".join(title.split())
    if not text:
        raise ValueError("Titeln är tom")
    if len(text) > MAX_TITLE:
        raise ValueError(f"Titeln är längre än {MAX_TITLE} tecken")
    return text


def parse_titles(content: bytes, filename: str | None = None) -> ParsedTitles:
    kind, rows = read_cells(content, filename)
    columns = column_positions(rows[0], TITLE_COLUMNS)
    titles: dict[str, str] = {}
    refused: list[RefusedRow] = []
    for number, row in enumerate(rows[1:], start=2):
        try:
            kpi = parse_kpi(_cell(row, columns["kpi"]))
            titles[kpi] = check_title(_cell(row, columns["title"]))
        except ValueError as problem:
            refused.append(RefusedRow(number, str(problem)))
    return ParsedTitles(kind, titles, tuple(refused))


# --- what an import changes, and its report -------------------------------------------------------


@dataclass(frozen=True)
class ImportPlan:
    new: tuple[KoladaRow, ...]
    changed: tuple[KoladaRow, ...]  # the key was imported before with another value
    unchanged: tuple[KoladaRow, ...]
    refused: tuple[RefusedRow, ...]

    @property
    def to_write(self) -> tuple[KoladaRow, ...]:
        return self.new + self.changed


def plan_import(parsed: ParsedValues, existing: Mapping[KoladaKey, Decimal | None]) -> ImportPlan:
    """Idempotent per kpi/municipality/period/gender: a key already held with the same value is left
    alone, one with another value is replaced (Kolada revises published figures)."""
    new, changed, unchanged = [], [], []
    for row in parsed.rows:
        if row.key not in existing:
            new.append(row)
        elif existing[row.key] == row.value:
            unchanged.append(row)
        else:
            changed.append(row)
    return ImportPlan(tuple(new), tuple(changed), tuple(unchanged), parsed.refused)


@dataclass(frozen=True)
class ImportReport:
    imported: int
    replaced: int
    unchanged: int
    refused: tuple[RefusedRow, ...]
    kpis: tuple[str, ...]
    municipalities: tuple[str, ...]
    years: tuple[int, ...]

    @property
    def summary(self) -> str:
        text = (
            f"{self.imported} nya värden, {self.replaced} ersatta, {self.unchanged} oförändrade, "
            f"{len(self.refused)} rader avvisade"
        )
        return text + ("." if not self.refused else "; se skälen per rad.")


def report(plan: ImportPlan) -> ImportReport:
    rows = plan.new + plan.changed + plan.unchanged
    return ImportReport(
        imported=len(plan.new),
        replaced=len(plan.changed),
        unchanged=len(plan.unchanged),
        refused=plan.refused,
        kpis=tuple(sorted({r.key.kpi for r in rows})),
        municipalities=tuple(sorted({r.key.municipality for r in rows})),
        years=tuple(sorted({r.key.period for r in rows})),
    )


# --- comparisons -----------------------------------------------------------------------------------


def comparison(
    values: Mapping[KoladaKey, Decimal | None],
    kpi: str,
    municipalities: Iterable[str],
    years: range,
    gender: Gender = Gender.T,
) -> dict[str, list[tuple[int, Decimal | None]]]:
    """The KPI over the years for the unit's own municipality and the similar ones chosen, each year
    present (None where nothing was imported or Kolada has no value)."""
    return {
        m: [(year, values.get(KoladaKey(kpi, m, year, gender))) for year in years] for m in municipalities
    }
