"""Reports as documents people open: DOCX (python-docx) and PDF (fpdf2 with a bundled DejaVu font,
so å, ä, ö and the dashes of Swedish text render), each table with its chart (adapters/charts.py),
columns fitted to their content, Swedish numbers, and the document's own properties filled in."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt, RGBColor
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from platform_shared.fonts import DEJAVU, DEJAVU_BOLD
from platform_shared.timeutil import as_utc
from reporting_svc.adapters.charts import WIDTH_MM, height_mm, render_png
from reporting_svc.adapters.table_layout import fit_widths, measure
from reporting_svc.domain import formats
from reporting_svc.domain.charts import Chart, chart_for

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MEDIA_TYPE = "application/pdf"
APPLICATION = "Kvalitet"


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
    footer: Sequence[str]  # lines: the state of the figures, the suppression rule in force
    author: str = ""  # the organisation
    subject: str = ""  # the kind of report
    created: datetime | None = None
    modified: datetime | None = None
    generated_line: str | None = None  # drafts: when this copy was made, and that it may change


def slug(name: str) -> str:
    """A file name without å, ä, ö or spaces (Content-Disposition, the archive)."""
    ascii_name = name.translate(str.maketrans("åäöÅÄÖéÉ", "aaoAAOeE"))
    return re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("-") or "rapport"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def text_grid(table: Table) -> list[list[str]]:
    """The table's cells as printed (Swedish numbers), in the layout a page suits (a table may offer
    a narrower one than its spreadsheet grid: `document_grid`)."""
    grid = getattr(table, "document_grid", table.grid)()
    return [[formats.cell(v) for v in line] for line in grid]


@lru_cache(maxsize=256)
def _png(chart: Chart) -> bytes:
    return render_png(chart)


MISSING_TEXT = "Text saknas ännu. {guidance}"
EMPTY_TEXT = "Inga uppgifter under perioden."
NO_CHART_TEXT = "Inga fall under perioden att visa i diagram."


# --- DOCX -----------------------------------------------------------------------------------------

DOCX_FONT = "Calibri"
DOCX_TEXT_WIDTH_MM = 170.0  # A4 with 20 mm margins


def to_docx(doc: ReportDocument) -> bytes:
    document = Document()
    _docx_properties(document, doc)
    styles = document.styles
    styles["Normal"].font.name = DOCX_FONT
    styles["Normal"].font.size = Pt(10.5)
    page = document.sections[0]
    page.orientation = WD_ORIENT.PORTRAIT
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.left_margin = page.right_margin = Mm(20)
    page.top_margin, page.bottom_margin = Mm(18), Mm(20)
    document.add_heading(doc.title, level=0)
    for label, value in doc.facts:
        line = document.add_paragraph()
        line.paragraph_format.space_after = Pt(0)
        line.add_run(f"{label}: ").bold = True
        line.add_run(value)
    if doc.generated_line:
        note = document.add_paragraph().add_run(doc.generated_line)
        note.italic = True
        note.font.color.rgb = RGBColor(0x80, 0x3D, 0x00)
    for section in doc.sections:
        document.add_heading(section.heading, level=1)
        if section.text.strip():
            for paragraph in _paragraphs(section.text):
                document.add_paragraph(paragraph)
        else:
            document.add_paragraph().add_run(MISSING_TEXT.format(guidance=section.guidance)).italic = True
        for table in section.tables:
            _docx_table(document, table)
    footer = page.footer.paragraphs[0]
    footer.text = "\n".join(doc.footer)
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in footer.runs:
        run.font.size = Pt(7.5)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_properties(document: Any, doc: ReportDocument) -> None:
    """The document's own properties: its title and author, real dates, nothing of the template's."""
    properties = document.core_properties
    properties.title = doc.title
    properties.subject = doc.subject
    properties.author = doc.author
    properties.last_modified_by = doc.author
    properties.category = doc.subject
    properties.comments = ""
    properties.keywords = ""
    properties.language = "sv-SE"
    properties.revision = 1
    if doc.created:
        properties.created = as_utc(doc.created).replace(tzinfo=None)
    if doc.modified:
        properties.modified = as_utc(doc.modified).replace(tzinfo=None)
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            package.rels.pop(rel_id)
        elif rel.reltype.endswith("/extended-properties"):
            rel.target_part._blob = _app_xml(doc)


def _app_xml(doc: ReportDocument) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>{APPLICATION}</Application><Company>{escape(doc.author)}</Company>"
        "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
        "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
    ).encode()


def _docx_table(document: Any, table: Table) -> None:
    heading = document.add_heading(table.title, level=2)
    heading.paragraph_format.keep_with_next = True
    if table.empty:
        document.add_paragraph(EMPTY_TEXT)
        return
    chart = chart_for(table)
    if chart is not None:
        picture = document.add_paragraph()
        picture.paragraph_format.keep_with_next = True
        picture.add_run().add_picture(io.BytesIO(_png(chart)), width=Mm(min(WIDTH_MM, DOCX_TEXT_WIDTH_MM)))
    grid = text_grid(table)
    size, widths = _docx_widths(grid)
    out = document.add_table(rows=len(grid), cols=len(grid[0]))
    out.style = "Light Grid Accent 1"
    out.alignment = WD_TABLE_ALIGNMENT.LEFT
    out.autofit = False  # a fixed layout: Word keeps the widths given instead of spreading the columns
    for c, width in enumerate(widths):
        out.columns[c].width = Mm(width)
    for r, (line, row) in enumerate(zip(grid, out.rows, strict=True)):  # row.cells once per row
        total = line[0] == "Totalt"
        for c, (value, cell) in enumerate(zip(line, row.cells, strict=True)):
            cell.width = Mm(widths[c])
            cell.text = value
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                if c > 0 and not _text_columns(table):
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                for run in paragraph.runs:
                    run.font.size = Pt(size)
                    run.bold = r == 0 or total
    if table.note:
        note = document.add_paragraph().add_run(table.note)
        note.italic = True
        note.font.size = Pt(7.5)


def _text_columns(table: Table) -> bool:
    """A table of text (a protokoll's actions) is read left-aligned; figures are right-aligned."""
    return bool(getattr(table, "text_columns", False))


def _docx_widths(grid: list[list[str]]) -> tuple[float, list[float]]:
    """Font size and column widths (mm) for Word. Calibri is narrower than DejaVu Sans, so measuring
    with DejaVu leaves room to spare."""
    measurer = _measurer()
    for size in (9.0, 8.0, 7.0, 6.0):

        def width_of(text: str, bold: bool, size: float = size) -> float:
            return measurer.width(text, bold, size) * 0.92

        natural, minimum = measure(grid, width_of, 2.6)
        widths = fit_widths(natural, minimum, DOCX_TEXT_WIDTH_MM)
        if widths is not None:
            return size, widths
    return 6.0, [DOCX_TEXT_WIDTH_MM / len(grid[0])] * len(grid[0])


class _Measurer:
    """String widths in mm with the bundled DejaVu Sans (one FPDF kept for measuring only)."""

    def __init__(self) -> None:
        self.pdf = _new_pdf()

    def width(self, text: str, bold: bool, size: float) -> float:
        self.pdf.set_font("DejaVu", "B" if bold else "", size)
        return float(self.pdf.get_string_width(text))


_local = threading.local()  # documents are rendered in worker threads: one measurer each


def _measurer() -> _Measurer:
    if not hasattr(_local, "measurer"):
        _local.measurer = _Measurer()
    measurer: _Measurer = _local.measurer
    return measurer


# --- PDF ------------------------------------------------------------------------------------------

PDF_MARGIN = 15.0
FOOTER_HEIGHT = 16.0
CELL_PADDING = (0.7, 1.2)  # top/bottom, left/right (mm)


class _Pdf(FPDF):
    footer_lines: Sequence[str] = ()

    def footer(self) -> None:
        self.set_y(-FOOTER_HEIGHT + 2)
        self.set_font("DejaVu", size=6.5)
        self.set_text_color(90, 90, 90)
        for line in self.footer_lines:
            self.multi_cell(0, 3.2, line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(0, 3.4, f"Sida {self.page_no()} av {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def _new_pdf() -> _Pdf:
    pdf = _Pdf(orientation="portrait", unit="mm", format="A4")
    pdf.add_font("DejaVu", "", str(DEJAVU))
    pdf.add_font("DejaVu", "B", str(DEJAVU_BOLD))
    pdf.set_font("DejaVu", size=10)
    return pdf


def to_pdf(doc: ReportDocument) -> bytes:
    pdf = _new_pdf()
    pdf.footer_lines = doc.footer
    pdf.set_margins(PDF_MARGIN, PDF_MARGIN, PDF_MARGIN)
    pdf.set_title(doc.title)
    pdf.set_author(doc.author)
    pdf.set_subject(doc.subject)
    pdf.set_creator(APPLICATION)
    pdf.set_lang("sv-SE")
    if doc.created:
        pdf.set_creation_date(as_utc(doc.created))
    pdf.set_auto_page_break(auto=True, margin=FOOTER_HEIGHT + 4)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 17)
    pdf.multi_cell(0, 8, doc.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font("DejaVu", size=10)
    for label, value in doc.facts:
        pdf.multi_cell(
            0, 5.5, f"**{label}:** {value}", markdown=True, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    if doc.generated_line:
        pdf.ln(2)
        pdf.set_fill_color(255, 243, 205)
        pdf.set_font("DejaVu", size=9)
        pdf.multi_cell(
            0, 5, doc.generated_line, fill=True, padding=2, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    for section in doc.sections:
        pdf.ln(4)
        _keep_space(pdf, 30)
        pdf.set_font("DejaVu", "B", 13)
        pdf.multi_cell(0, 7, section.heading, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", size=10)
        if section.text.strip():
            for paragraph in _paragraphs(section.text):
                pdf.multi_cell(0, 5, paragraph, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(1.5)
        else:
            pdf.set_text_color(110, 110, 110)
            missing = MISSING_TEXT.format(guidance=section.guidance)
            pdf.multi_cell(0, 5, missing, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_text_color(0, 0, 0)
        for table in section.tables:
            _pdf_table(pdf, table)
    return bytes(pdf.output())


def _keep_space(pdf: FPDF, needed: float) -> None:
    """A new page when less than `needed` mm is left (a heading is not left alone at a page end)."""
    if pdf.get_y() + needed > pdf.h - pdf.b_margin:
        pdf.add_page()


def _pdf_table(pdf: FPDF, table: Table) -> None:
    pdf.ln(2)
    chart = None if table.empty else chart_for(table)
    chart_height = height_mm(chart) * pdf.epw / WIDTH_MM if chart else 0.0
    grid = [] if table.empty else text_grid(table)
    _keep_space(pdf, 6 + chart_height + min(40.0, 5.0 * len(grid)) + 5)
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(0, 5.5, table.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if table.empty:
        pdf.set_font("DejaVu", size=9)
        pdf.multi_cell(0, 5, EMPTY_TEXT, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", size=10)
        return
    if chart is not None:
        pdf.image(io.BytesIO(_png(chart)), x=pdf.l_margin, w=pdf.epw, h=chart_height)
        pdf.ln(1)
    size, widths = _pdf_widths(pdf, grid)
    columns = len(grid[0])
    pdf.set_font("DejaVu", size=size)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        text_align=("LEFT", *([("LEFT" if _text_columns(table) else "RIGHT")] * (columns - 1))),
        line_height=size * 0.5,
        padding=CELL_PADDING,
        first_row_as_headings=True,
    ) as out:
        for line in grid:
            row = out.row()
            for value in line:
                row.cell(value)
    if table.note:
        pdf.set_font("DejaVu", size=7)
        pdf.multi_cell(0, 4, table.note, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", size=10)


def _pdf_widths(pdf: FPDF, grid: list[list[str]]) -> tuple[float, list[float]]:
    """The largest font size (8 down to 5.5 pt) at which every column is at least as wide as its
    longest word, and the widths at that size."""
    padding = 2 * CELL_PADDING[1] + 0.8
    for size in (8.0, 7.5, 7.0, 6.5, 6.0, 5.5):

        def width_of(text: str, bold: bool, size: float = size) -> float:
            pdf.set_font("DejaVu", "B" if bold else "", size)
            return float(pdf.get_string_width(text))

        natural, minimum = measure(grid, width_of, padding)
        widths = fit_widths(natural, minimum, pdf.epw - 0.05)
        if widths is not None:
            return size, widths
    return 5.5, [(pdf.epw - 0.05) / len(grid[0])] * len(grid[0])
