"""The IVO anmälan as PDF: the domain's text (domain/ivo_document.py) laid out with fpdf2 and the bundled
DejaVu font (so å, ä, ö and dashes render), as reporting-svc lays out its reports."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import cast

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from deviation_svc.domain.ivo_document import IvoText
from platform_shared.timeutil import as_utc

FONTS = Path(__file__).parent / "fonts"
PDF_MEDIA_TYPE = "application/pdf"
MARGIN = 18.0
LABEL_WIDTH = 62.0
LINE = 5.2


class _Pdf(FPDF):
    reference = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=7.5)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, f"{self.reference} · Sida {self.page_no()} av {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def to_pdf(t: IvoText, reference: str, author: str, created: datetime) -> bytes:
    pdf = _Pdf(orientation="portrait", unit="mm", format="A4")
    pdf.reference = reference
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title(f"{t.title} – {reference}")
    pdf.set_author(author)
    pdf.set_subject(t.title)
    pdf.set_creator("Kvalitet")
    pdf.set_lang("sv-SE")
    pdf.set_creation_date(as_utc(created))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 17)
    pdf.multi_cell(0, 8, t.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    for warning in t.warnings:
        pdf.set_font("DejaVu", "B", 10)
        pdf.set_text_color(170, 0, 0)
        pdf.set_draw_color(170, 0, 0)
        pdf.multi_cell(0, LINE, warning, border=1, padding=2, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(0, LINE, t.intro, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    value_width = pdf.epw - LABEL_WIDTH
    for block in t.blocks:
        pdf.ln(3 if block.level == 2 else 1.5)
        if pdf.will_page_break(24):
            pdf.add_page()
        pdf.set_font("DejaVu", "B", 13 if block.level == 2 else 11)
        pdf.multi_cell(
            0, 7 if block.level == 2 else 6, block.heading, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.set_font("DejaVu", size=10)
        for label, value in block.rows:
            _row(pdf, label, value, value_width)
        for paragraph in block.paragraphs:
            pdf.multi_cell(0, LINE, paragraph, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        for item in block.items:
            pdf.multi_cell(0, LINE, f"• {item}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _row(pdf: FPDF, label: str, value: str, value_width: float) -> None:
    """A label and its value side by side, the taller of the two deciding the row's height."""
    pdf.set_font("DejaVu", "B", 9.5)
    label_lines = cast(list[str], pdf.multi_cell(LABEL_WIDTH - 2, LINE, label, dry_run=True, output="LINES"))
    pdf.set_font("DejaVu", size=10)
    value_lines = cast(list[str], pdf.multi_cell(value_width, LINE, value, dry_run=True, output="LINES"))
    height = LINE * max(len(label_lines), len(value_lines))
    if pdf.will_page_break(height):
        pdf.add_page()
    x, y = pdf.get_x(), pdf.get_y()
    pdf.set_font("DejaVu", "B", 9.5)
    pdf.multi_cell(LABEL_WIDTH - 2, LINE, label, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.set_xy(x + LABEL_WIDTH, y)
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(value_width, LINE, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(x, y + height)
