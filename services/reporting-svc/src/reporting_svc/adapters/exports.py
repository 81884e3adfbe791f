"""Statistics tables as files people open: CSV (semicolon, UTF-8 with BOM, as Swedish Excel expects)
and XLSX (openpyxl)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

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
