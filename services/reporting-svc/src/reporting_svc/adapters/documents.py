"""Reports as documents people open: DOCX (python-docx) and PDF (fpdf2 with a bundled DejaVu font,
so å, ä, ö and the dashes of Swedish text render)."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONTS = Path(__file__).parent / "fonts"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MEDIA_TYPE = "application/pdf"


class Table(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def note(self) -> str | None: ...

    @property
    def empty(self) -> bool: ...

    def grid(self) -> list[list[Any]]: ...


@dataclass(frozen=True)
class DocumentSection:
    heading: str
    text: str  # empty: not written yet
    guidance: str
    tables: Sequence[Table] = field(default_factory=list)


@dataclass(frozen=True)
class ReportDocument:
    title: str
    facts: Sequence[tuple[str, str]]  # ("Enhet", "Socialförvaltningen"), ("Period", ...), ...
    sections: Sequence[DocumentSection]
    footer: str


def slug(name: str) -> str:
    """A file name without å, ä, ö or spaces (Content-Disposition, the archive)."""
    ascii_name = name.translate(str.maketrans("åäöÅÄÖéÉ", "aaoAAOeE"))
    return re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("-") or "rapport"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


MISSING_TEXT = "Text saknas ännu. {guidance}"
EMPTY_TEXT = "Inga uppgifter under perioden."


def to_docx(doc: ReportDocument) -> bytes:
    document = Document()
    styles = document.styles
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(11)
    document.core_properties.title = doc.title
    document.core_properties.language = "sv-SE"
    document.add_heading(doc.title, level=0)
    for label, value in doc.facts:
        line = document.add_paragraph()
        line.add_run(f"{label}: ").bold = True
        line.add_run(value)
    for section in doc.sections:
        document.add_heading(section.heading, level=1)
        if section.text.strip():
            for paragraph in _paragraphs(section.text):
                document.add_paragraph(paragraph)
        else:
            document.add_paragraph().add_run(MISSING_TEXT.format(guidance=section.guidance)).italic = True
        for table in section.tables:
            _docx_table(document, table)
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = doc.footer
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document: Any, table: Table) -> None:
    document.add_heading(table.title, level=2)
    if table.empty:
        document.add_paragraph(EMPTY_TEXT)
        return
    grid = table.grid()
    size = Pt(9) if len(grid[0]) <= 6 else Pt(7)
    out = document.add_table(rows=len(grid), cols=len(grid[0]))
    out.style = "Light Grid Accent 1"
    for line, row in zip(grid, out.rows, strict=True):  # row.cells once per row: cell(r, c) is quadratic
        for c, (value, cell) in enumerate(zip(line, row.cells, strict=True)):
            cell.text = _text(value)
            for paragraph in cell.paragraphs:
                if c > 0:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                for run in paragraph.runs:
                    run.font.size = size
                    run.bold = line is grid[0] or line[0] == "Totalt"
    if table.note:
        note = document.add_paragraph().add_run(table.note)
        note.italic = True
        note.font.size = Pt(8)


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=7)
        self.cell(0, 5, f"{self.footer_text}   Sida {self.page_no()}/{{nb}}", align="C")


def to_pdf(doc: ReportDocument) -> bytes:
    pdf = _Pdf(orientation="portrait", unit="mm", format="A4")
    pdf.footer_text = doc.footer
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(doc.title)
    pdf.set_lang("sv-SE")
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 17)
    pdf.multi_cell(0, 8, doc.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font("DejaVu", size=10)
    for label, value in doc.facts:
        pdf.multi_cell(0, 5.5, f"**{label}:** {value}", markdown=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for section in doc.sections:
        pdf.ln(4)
        pdf.set_font("DejaVu", "B", 13)
        pdf.multi_cell(0, 7, section.heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", size=10)
        if section.text.strip():
            for paragraph in _paragraphs(section.text):
                pdf.multi_cell(0, 5, paragraph, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(1.5)
        else:
            pdf.set_text_color(110, 110, 110)
            pdf.multi_cell(
                0, 5, MISSING_TEXT.format(guidance=section.guidance), new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            pdf.set_text_color(0, 0, 0)
        for table in section.tables:
            _pdf_table(pdf, table)
    return bytes(pdf.output())


def _pdf_table(pdf: FPDF, table: Table) -> None:
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(0, 5.5, table.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if table.empty:
        pdf.set_font("DejaVu", size=9)
        pdf.multi_cell(0, 5, EMPTY_TEXT, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", size=10)
        return
    grid = table.grid()
    columns = len(grid[0])
    pdf.set_font("DejaVu", size=8 if columns <= 6 else 6)
    first_width = 2.2 if columns <= 6 else 3.0
    widths = (first_width, *([1] * (columns - 1)))
    with pdf.table(
        col_widths=widths,
        text_align=("LEFT", *(["RIGHT"] * (columns - 1))),
        line_height=4.2 if columns <= 6 else 3.4,
        first_row_as_headings=True,
    ) as out:
        for line in grid:
            row = out.row()
            for value in line:
                row.cell(_text(value))
    if table.note:
        pdf.set_font("DejaVu", size=7)
        pdf.multi_cell(0, 4, table.note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", size=10)
