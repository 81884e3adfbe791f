"""The published ledningssystem as one document people open: PDF (fpdf2, the shared DejaVu font so
Swedish text renders) and DOCX (python-docx). First the process map, then each document in force in
the map's order, its facts (kind, owner, scope, legal basis, decision, valid from, next review) and
its Markdown text (headings, lists and paragraphs)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from docx import Document as DocxDocument
from docx.shared import Pt
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from platform_shared.fonts import DEJAVU, DEJAVU_BOLD

PDF_MEDIA_TYPE = "application/pdf"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
APPLICATION = "Kvalitet"


@dataclass(frozen=True)
class MapEntry:
    depth: int  # 0: a process at the top
    kind_title: str  # Huvudprocess, Delprocess, Aktivitet …
    name: str
    documents: tuple[str, ...] = ()  # titles of the documents in force that belong here


@dataclass(frozen=True)
class ExportedDocument:
    heading: str  # "Rutin: Rutin för läkemedelshantering"
    facts: tuple[tuple[str, str], ...]  # (label, value), Swedish
    purpose: str | None
    body: str | None  # Markdown


@dataclass(frozen=True)
class Ledningssystem:
    organisation: str
    made_on: date
    process_map: tuple[MapEntry, ...] = ()
    documents: tuple[ExportedDocument, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        return f"Ledningssystem för systematiskt kvalitetsarbete – {self.organisation}"


# --- Markdown, as far as the documents use it ----------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d+)[.)]\s+(.*)$")
_INLINE = re.compile(r"(\*\*|__|\*|_|`)")


@dataclass(frozen=True)
class Block:
    kind: str  # heading | bullet | numbered | paragraph
    text: str
    level: int = 0  # heading level, or the number of a numbered item


def _plain(text: str) -> str:
    """Inline Markdown marks dropped (emphasis, code); links as their text."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return _INLINE.sub("", text).strip()


def blocks(markdown: str | None) -> Iterator[Block]:
    paragraph: list[str] = []
    current: Block | None = None

    def flush() -> Iterator[Block]:
        nonlocal current
        if paragraph:
            yield Block("paragraph", _plain(" ".join(paragraph)))
            paragraph.clear()
        if current is not None:
            yield current
            current = None

    for raw in (markdown or "").splitlines():
        line = raw.rstrip()
        if not line.strip():
            yield from flush()
            continue
        if (m := _HEADING.match(line)) is not None:
            yield from flush()
            yield Block("heading", _plain(m.group(2)), len(m.group(1)))
        elif (m := _BULLET.match(line)) is not None:
            yield from flush()
            current = Block("bullet", _plain(m.group(1)))
        elif (m := _NUMBERED.match(line)) is not None:
            yield from flush()
            current = Block("numbered", _plain(m.group(2)), int(m.group(1)))
        elif current is not None:  # a list item's continued line
            current = Block(current.kind, f"{current.text} {_plain(line)}", current.level)
        else:
            paragraph.append(line.strip())
    yield from flush()


# --- PDF ---------------------------------------------------------------------------------------


class _Pdf(FPDF):
    title_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=7)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, f"{self.title_text} · sida {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)


def _line(
    pdf: FPDF, text: str, size: float = 10, bold: bool = False, indent: float = 0, gap: float = 1.5
) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(gap)


def _item(pdf: FPDF, marker: str, text: str, indent: float = 4, size: float = 10) -> None:
    """A list item with a hanging indent: wrapped lines start under the text, not the marker."""
    pdf.set_font("DejaVu", "", size)
    pdf.set_x(pdf.l_margin + indent)
    pdf.cell(6, size * 0.5, marker)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.8)


def to_pdf(system: Ledningssystem) -> bytes:
    pdf = _Pdf(format="A4")
    pdf.title_text = system.title
    pdf.set_title(system.title)
    pdf.set_creator(APPLICATION)
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("DejaVu", "", str(DEJAVU))
    pdf.add_font("DejaVu", "B", str(DEJAVU_BOLD))
    pdf.add_page()
    _line(pdf, system.title, 17, bold=True, gap=2)
    _line(pdf, f"Gällande styrdokument den {system.made_on.isoformat()}", 9, gap=6)
    _line(pdf, "Processkarta", 14, bold=True, gap=2)
    if not system.process_map:
        _line(pdf, "Ingen process är beskriven ännu.")
    for entry in system.process_map:
        _line(
            pdf,
            f"{entry.kind_title}: {entry.name}",
            11 if entry.depth == 0 else 10,
            bold=entry.depth == 0,
            indent=6 * entry.depth,
            gap=0.5,
        )
        for title in entry.documents:
            _line(pdf, f"– {title}", 9, indent=6 * entry.depth + 5, gap=0.5)
    for document in system.documents:
        pdf.add_page()
        _line(pdf, document.heading, 14, bold=True, gap=2)
        for label, value in document.facts:
            _line(pdf, f"{label}: {value}", 8.5, gap=0.3)
        pdf.ln(3)
        if document.purpose:  # the lead: what the document is for
            _line(pdf, document.purpose, 11, gap=2.5)
        for block in blocks(document.body):
            if block.kind == "heading":
                pdf.ln(1)
                _line(pdf, block.text, max(10.5, 13 - block.level), bold=True)
            elif block.kind == "bullet":
                _item(pdf, "•", block.text)
            elif block.kind == "numbered":
                _item(pdf, f"{block.level}.", block.text)
            else:
                _line(pdf, block.text, gap=2)
    return bytes(pdf.output())


# --- DOCX --------------------------------------------------------------------------------------


def to_docx(system: Ledningssystem) -> bytes:
    document = DocxDocument()
    document.core_properties.title = system.title
    document.core_properties.author = APPLICATION
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_heading(system.title, level=0)
    document.add_paragraph(f"Gällande styrdokument den {system.made_on.isoformat()}")
    document.add_heading("Processkarta", level=1)
    if not system.process_map:
        document.add_paragraph("Ingen process är beskriven ännu.")
    for entry in system.process_map:
        paragraph = document.add_paragraph(style="List Bullet" if entry.depth else None)
        paragraph.paragraph_format.left_indent = Pt(14 * entry.depth)
        run = paragraph.add_run(f"{entry.kind_title}: {entry.name}")
        run.bold = entry.depth == 0
        for title in entry.documents:
            item = document.add_paragraph(title, style="List Bullet 2")
            item.paragraph_format.left_indent = Pt(14 * entry.depth + 18)
    for exported in system.documents:
        document.add_page_break()
        document.add_heading(exported.heading, level=1)
        for label, value in exported.facts:
            fact = document.add_paragraph()
            fact.add_run(f"{label}: ").bold = True
            fact.add_run(value)
            fact.paragraph_format.space_after = Pt(0)
        if exported.purpose:  # the lead: what the document is for
            lead = document.add_paragraph()
            lead.add_run(exported.purpose).italic = True
        for block in blocks(exported.body):
            if block.kind == "heading":
                document.add_heading(block.text, level=min(block.level + 1, 4))
            elif block.kind == "bullet":
                document.add_paragraph(block.text, style="List Bullet")
            elif block.kind == "numbered":
                document.add_paragraph(block.text, style="List Number")
            else:
                document.add_paragraph(block.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
