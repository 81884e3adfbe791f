"""Tables as files people open: CSV (semicolon, UTF-8 with BOM, as Swedish Excel expects) and XLSX
(openpyxl), and a whole report as a workbook with native charts."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from platform_shared.timeutil import as_utc
from reporting_svc.adapters.documents import ReportDocument, Table
from reporting_svc.domain.charts import Chart, ChartKind, chart_for

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_csv(grid: Sequence[Sequence[Any]], note: str | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for line in grid:
        writer.writerow(
            ["" if v is None else str(v).replace(".", ",") if isinstance(v, float) else v for v in line]
        )
    if note:
        writer.writerow([])
        writer.writerow([note])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(title: str, grid: Sequence[Sequence[Any]], note: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Statistik"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    for index, line in enumerate(grid):
        sheet.append(list(line))
        if index == 0:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    if note:
        sheet.append([])
        sheet.append([note])
    sheet.column_dimensions["A"].width = 45
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- a report as a workbook -------------------------------------------------------------------------

GRID_TOP = 3  # a table's grid starts on this row of its sheet (row 1: its title)
SHEET_NAME_MAX = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
TITLE_FONT = Font(bold=True, size=13)
BOLD = Font(bold=True)
NOTE_FONT = Font(italic=True, size=9, color="555555")
MATRIX_FILLS = {3: "C6E0B4", 6: "FFE699", 9: "F8CBAD", 16: "FF8B8B"}  # adapters/charts.py BANDS


def report_xlsx(doc: ReportDocument) -> bytes:
    """The report as a workbook: a first sheet with the facts, the footer and the text, then one sheet
    per table with its native chart, whose series point at the table's own cells."""
    workbook = Workbook()
    front = workbook.active
    assert front is not None
    front.title = "Rapport"
    names: set[str] = {front.title}
    contents: list[tuple[str, str, str]] = []  # (section heading, table title, sheet name)
    for section in doc.sections:
        for table in section.tables:
            sheet = workbook.create_sheet(_sheet_name(table.title, names))
            _table_sheet(sheet, table)
            contents.append((section.heading, table.title, sheet.title))
    _front_sheet(front, doc, contents)
    properties = workbook.properties
    properties.title = doc.title
    properties.subject = doc.subject
    properties.creator = doc.author
    properties.lastModifiedBy = doc.author
    properties.category = doc.subject
    properties.language = "sv-SE"
    if doc.created:
        properties.created = as_utc(doc.created).replace(tzinfo=None)
    if doc.modified:
        properties.modified = as_utc(doc.modified).replace(tzinfo=None)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_name(title: str, taken: set[str]) -> str:
    cleaned = " ".join(_BAD_SHEET_CHARS.sub(" ", title).split())
    base = cleaned[: SHEET_NAME_MAX - 3].strip() or "Tabell"
    name, n = base, 2
    while name in taken:
        name, n = f"{base} {n}", n + 1
    taken.add(name)
    return name


def _front_sheet(sheet: Worksheet, doc: ReportDocument, contents: list[tuple[str, str, str]]) -> None:
    sheet.append([doc.title])
    sheet["A1"].font = TITLE_FONT
    sheet.append([])
    for label, value in doc.facts:
        sheet.append([label, value])
        sheet.cell(sheet.max_row, 1).font = BOLD
    if doc.generated_line:
        sheet.append([])
        sheet.append([doc.generated_line])
        sheet.cell(sheet.max_row, 1).font = Font(italic=True, color="803D00")
    sheet.append([])
    for line in (line for line in doc.footer if line != doc.generated_line):
        sheet.append([line])
        sheet.cell(sheet.max_row, 1).font = NOTE_FONT
    sheet.append([])
    sheet.append(["Innehåll"])
    sheet.cell(sheet.max_row, 1).font = BOLD
    for heading, title, name in contents:
        sheet.append([heading, title])
        link = sheet.cell(sheet.max_row, 2)
        link.hyperlink = f"#'{name}'!A1"
        link.font = Font(color="1F4E79", underline="single")
    for section in doc.sections:
        sheet.append([])
        sheet.append([section.heading])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
        sheet.append([section.text.strip() or f"Text saknas ännu. {section.guidance}"])
        cell = sheet.cell(sheet.max_row, 1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=2)
        sheet.row_dimensions[sheet.max_row].height = 15 * (1 + len(cell.value or "") // 110)
    sheet.column_dimensions["A"].width = 42
    sheet.column_dimensions["B"].width = 70


def _table_sheet(sheet: Worksheet, table: Table) -> None:
    sheet.append([table.title])
    sheet["A1"].font = TITLE_FONT
    sheet.append([])
    if table.empty:
        sheet.append(["Inga uppgifter under perioden."])
        return
    grid = table.grid()
    for index, line in enumerate(grid):
        sheet.append(list(line))
        for cell in sheet[sheet.max_row]:
            if index == 0 or line[0] == "Totalt":
                cell.font = BOLD
            if isinstance(cell.value, bool):
                continue
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
            elif isinstance(cell.value, float):
                cell.number_format = "0.0"
            if cell.column > 1:
                cell.alignment = Alignment(horizontal="right", wrap_text=index == 0)
    below = sheet.max_row + 2
    if table.note:
        sheet.cell(sheet.max_row + 1, 1, table.note).font = NOTE_FONT
        below += 1
    for column, width in enumerate(_column_widths(grid), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    chart = chart_for(table)
    if chart is None:
        return
    if chart.kind is ChartKind.HEATMAP:
        _colour_matrix(sheet, chart)
        return
    native = _native_chart(sheet, chart)
    if native is not None:
        sheet.add_chart(native, f"A{below}")
        if any(s.hidden for s in chart.drawn):
            sheet.cell(below - 1, 1, "Rader med dolda värden (..) ingår inte i diagrammet.").font = NOTE_FONT


def _column_widths(grid: Sequence[Sequence[Any]]) -> list[float]:
    widths = [0.0] * len(grid[0])
    for index, line in enumerate(grid):
        for c, value in enumerate(line):
            text = str(value)
            longest = (
                max(len(w) for w in text.split()) if index == 0 and c > 0 and text.split() else len(text)
            )
            widths[c] = max(widths[c], longest)
    return [min(60.0, w + 3) for w in widths]


def _colour_matrix(sheet: Worksheet, chart: Chart) -> None:
    """The risk matrix as a heat map in the sheet itself: each cell coloured by its risk value."""
    size = len(chart.series)
    for series in chart.series:
        probability = size - series.row + 1
        for column in chart.columns:
            colour = next(f for top, f in MATRIX_FILLS.items() if probability * column <= top)
            cell = sheet.cell(GRID_TOP + series.row, 1 + column)
            cell.fill = PatternFill("solid", fgColor=colour)
            cell.alignment = Alignment(horizontal="center")


def _native_chart(sheet: Worksheet, chart: Chart) -> BarChart | LineChart | None:
    """An Excel chart over the table's cells. Series with a hidden value are left out: Excel would
    draw '..' as zero."""
    native: BarChart | LineChart
    if chart.kind in (ChartKind.LINES, ChartKind.PANELS):
        native = LineChart()
    else:
        native = BarChart()
        native.type = "bar" if chart.kind is ChartKind.BARS else "col"
        native.grouping = "clustered"
    native.title = chart.title
    native.y_axis.title = chart.value_title
    native.y_axis.numFmt = "#,##0"
    native.width, native.height = (
        18,
        9 if chart.kind is not ChartKind.BARS else max(6, 1.0 * len(chart.series)),
    )
    shown = [s for s in chart.series if not s.hidden]
    if not shown:
        return None
    first, last = min(chart.columns), max(chart.columns)
    contiguous = list(chart.columns) == list(range(first, last + 1))
    label_column = 1
    if chart.kind is ChartKind.BARS and len(shown) == len(chart.series):
        # one series: the column, one bar per row
        rows = [GRID_TOP + s.row for s in chart.series]
        data = Reference(sheet, min_col=1 + first, min_row=min(rows), max_row=max(rows))
        native.add_data(data, titles_from_data=False)
        native.series[0].tx = SeriesLabel(v=chart.categories[0])
        native.set_categories(Reference(sheet, min_col=label_column, min_row=min(rows), max_row=max(rows)))
        native.legend = None
    elif contiguous:
        for series in shown:
            row = GRID_TOP + series.row
            data = Reference(sheet, min_col=1 + first, max_col=1 + last, min_row=row, max_row=row)
            native.add_data(data, from_rows=True, titles_from_data=False)
            native.series[-1].tx = SeriesLabel(v=series.label)
        native.set_categories(
            Reference(sheet, min_col=1 + first, max_col=1 + last, min_row=GRID_TOP, max_row=GRID_TOP)
        )
    else:
        # columns apart (a measure per period): one series per period, one category per row
        rows = [GRID_TOP + s.row for s in chart.series]
        for column, label in zip(chart.columns, chart.categories, strict=True):
            if any(s.values[chart.columns.index(column)] is None for s in chart.series):
                continue
            native.add_data(Reference(sheet, min_col=1 + column, min_row=min(rows), max_row=max(rows)))
            native.series[-1].tx = SeriesLabel(v=label)
        if not native.series:
            return None
        native.set_categories(Reference(sheet, min_col=label_column, min_row=min(rows), max_row=max(rows)))
    return native
