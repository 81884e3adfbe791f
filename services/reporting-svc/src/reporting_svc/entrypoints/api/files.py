"""Answering with a file: statistics as CSV or XLSX, reports as DOCX or PDF."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from fastapi import Response

from reporting_svc.adapters.documents import slug
from reporting_svc.adapters.exports import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, to_csv, to_xlsx

TableFormat = Literal["json", "csv", "xlsx"]


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{slug(filename)}"'},
    )


def table_file(fmt: TableFormat, title: str, grid: Sequence[Sequence[Any]], note: str | None) -> Response:
    if fmt == "csv":
        return attachment(to_csv(grid, note), CSV_MEDIA_TYPE, f"{title}.csv")
    return attachment(to_xlsx(title, grid, note), XLSX_MEDIA_TYPE, f"{title}.xlsx")


FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON, or the table as a file with format=csv|xlsx",
        "content": {CSV_MEDIA_TYPE: {}, XLSX_MEDIA_TYPE: {}},
    }
}
