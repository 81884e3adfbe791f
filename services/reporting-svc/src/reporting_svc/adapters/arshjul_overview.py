"""The årshjul as one landscape page (PDF): a column per month, each activity a box in its month, in
date order, coloured by its status; inherited activities (from the levels above) drawn lighter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from platform_shared.fonts import FONTS

MONTHS = ("Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec")
MARGIN = 10.0
HEADER = 7.0
LINE = 3.0
SMALL_LINE = 2.5
# status → fill colour (RGB): planned grey-blue, due soon amber, done green, late red, cancelled grey.
COLOURS = {
    "planned": (214, 226, 240),
    "due_soon": (253, 226, 160),
    "done": (196, 232, 196),
    "late": (245, 180, 176),
    "cancelled": (225, 225, 225),
}


@dataclass(frozen=True)
class OverviewItem:
    due_on: date
    title: str
    status: str
    status_title: str
    responsible: str
    inherited: bool = False


def overview_pdf(
    title: str, subtitle: str, items: Sequence[OverviewItem], legend: Sequence[tuple[str, str]]
) -> bytes:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_lang("sv-SE")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    pdf.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", size=8.5)
    pdf.cell(0, 5, subtitle, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _legend(pdf, legend)
    top = pdf.get_y() + 2
    width = (pdf.w - 2 * MARGIN) / 12
    bottom = pdf.h - MARGIN
    for month, name in enumerate(MONTHS):
        x = MARGIN + month * width
        pdf.set_fill_color(60, 80, 110)
        pdf.set_text_color(255, 255, 255)
        pdf.set_font("DejaVu", "B", 8.5)
        pdf.set_xy(x, top)
        pdf.cell(width, HEADER, name, border=0, align="C", fill=True)
        pdf.set_text_color(0, 0, 0)
        pdf.set_draw_color(200, 200, 200)
        pdf.rect(x, top + HEADER, width, bottom - top - HEADER)
        y = top + HEADER + 1.5
        for item in sorted(
            (i for i in items if i.due_on.month == month + 1), key=lambda i: (i.due_on, i.title)
        ):
            y = _box(pdf, item, x + 1, y, width - 2, bottom)
    return bytes(pdf.output())


def _legend(pdf: FPDF, legend: Sequence[tuple[str, str]]) -> None:
    pdf.set_font("DejaVu", size=7.5)
    y = pdf.get_y() + 1
    x = MARGIN
    for status, label in legend:
        pdf.set_fill_color(*COLOURS.get(status, (255, 255, 255)))
        pdf.rect(x, y + 0.8, 4, 3, style="F")
        pdf.set_xy(x + 5, y)
        pdf.cell(pdf.get_string_width(label) + 6, 4.5, label)
        x = pdf.get_x()
    pdf.set_xy(x, y)
    pdf.set_text_color(110, 110, 110)
    pdf.cell(0, 4.5, "Ljusare: från nivån ovanför", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)


def _box(pdf: FPDF, item: OverviewItem, x: float, y: float, width: float, bottom: float) -> float:
    text = f"{item.due_on.day}/{item.due_on.month} {item.title}"
    detail = f"{item.status_title} · {item.responsible}"
    inner = width - 1.5
    pdf.set_font("DejaVu", size=6.2)
    lines = _lines(pdf, inner, LINE, text)
    pdf.set_font("DejaVu", size=5.4)
    details = _lines(pdf, inner, SMALL_LINE, detail)
    height = LINE * lines + SMALL_LINE * details + 1.4
    if y + height > bottom:
        return y
    fill = COLOURS.get(item.status, (255, 255, 255))
    if item.inherited:
        fill = tuple(int(c + (255 - c) * 0.55) for c in fill)  # type: ignore[assignment]
    pdf.set_fill_color(*fill)
    pdf.rect(x, y, width, height, style="F")
    pdf.set_xy(x + 0.75, y + 0.6)
    pdf.set_font("DejaVu", size=6.2)
    pdf.multi_cell(inner, LINE, text, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(70, 70, 70)
    pdf.set_font("DejaVu", size=5.4)
    pdf.multi_cell(inner, SMALL_LINE, detail, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    return y + height + 1.2


def _lines(pdf: FPDF, width: float, height: float, text: str) -> int:
    found = pdf.multi_cell(width, height, text, dry_run=True, output="LINES", align="L")
    return len(cast(list[str], found))
