"""The gallery (`make gallery`): every document the system makes, rendered from the demo. Checked as a
reader would look at it: no blank page, no word broken inside a table cell, a chart in every report
format, and nothing a person reads that is a raw identifier or an English word."""

from __future__ import annotations

import email
import email.policy
import io
import itertools
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from fpdf import FPDF
from openpyxl import load_workbook
from PIL import Image

from embedded_runner.gallery import REPORT_FORMATS, Gallery, build_gallery
from reporting_svc.domain import labels
from reporting_svc.domain.report_templates import FIGURES, TEMPLATES
from reporting_svc.domain.reports import ReportType

SNAKE = re.compile(r"\b[a-zåäö][a-zåäö0-9]*(?:_[a-zåäö0-9]+)+\b", re.IGNORECASE)
ENGLISH = frozenset(
    line.strip().lower()
    for line in (Path(__file__).parent / "english_words.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé]+")
FOOTER_SHARE = 0.12  # the bottom of a page holds the footer: a page with only that is blank


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Gallery:
    root = tmp_path_factory.mktemp("gallery")
    return build_gallery(root / "gallery", root / "var")


def _pdf_text(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts += [p.text for section in document.sections for p in section.footer.paragraphs]
    properties = document.core_properties
    parts += [properties.title, properties.subject, properties.author, properties.category]
    return "\n".join(parts)


def _xlsx_text(path: Path) -> str:
    workbook = load_workbook(path)
    cells = [
        str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None
    ]
    return "\n".join([*workbook.sheetnames, *cells])


def _mail_text(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    return f"{message['Subject']}\n{body.get_content() if body is not None else ''}"


def _readable_texts(gallery: Gallery) -> Iterator[tuple[str, str]]:
    for path in gallery.documents:
        if path.suffix == ".pdf":
            yield path.name, _pdf_text(path)
        elif path.suffix == ".docx":
            yield path.name, _docx_text(path)
        elif path.suffix == ".xlsx":
            yield path.name, _xlsx_text(path)
    for path in gallery.mails:
        yield path.name, _mail_text(path)


def test_gallery_has_every_report_in_every_format_and_the_mails(gallery: Gallery) -> None:
    names = {p.name for p in gallery.documents}
    for report_type in ReportType:
        for fmt in REPORT_FORMATS:
            assert any(n.startswith(f"rapport-{report_type.value}-") and n.endswith(fmt) for n in names), (
                report_type,
                fmt,
            )
    assert gallery.mails and all(gallery.pages[pdf] for pdf in gallery.pdfs)
    assert (gallery.root / "index.html").exists()


def test_no_gallery_page_is_blank(gallery: Gallery) -> None:
    for pdf, pages in gallery.pages.items():
        for page in pages:
            with Image.open(page) as image:
                grey = image.convert("L")
                width, height = grey.size
                body = grey.crop((0, 0, width, int(height * (1 - FOOTER_SHARE))))
                dark = sum(body.histogram()[:160])
            assert dark > 0.002 * width * height, f"{pdf.name}: {page.name} is blank"


def _vocabulary() -> set[str]:
    """Every word the reports print in a table cell or heading."""
    texts = [*labels.DIMENSION_TITLES.values(), *labels._VALUES.values()]
    texts += [f.title for f in FIGURES.values()]
    texts += [s.heading for sections in TEMPLATES.values() for s in sections]
    return {w.lower() for text in texts for w in WORD.findall(text) if len(w) >= 5}


def broken_words(text: str, vocabulary: set[str]) -> list[str]:
    """Words split over two lines of a cell: a line ending in the start of a word and the next line
    starting with its end (pdftotext -raw keeps a cell's lines together)."""
    found = []
    lines = [line.split() for line in text.splitlines()]
    for this, following in itertools.pairwise(lines):
        if not this or not following:
            continue
        start, end = this[-1], following[0].rstrip(".,:;)")
        if not (WORD.fullmatch(start) and WORD.fullmatch(end)):
            continue
        if (start + end).lower() in vocabulary and start.lower() not in vocabulary:
            found.append(f"{start}|{end}")
    return found


def test_the_broken_word_check_finds_a_broken_word(tmp_path: Path) -> None:
    """The check itself: a cell too narrow for "Rättssäkerhet" breaks it, and the check sees that."""
    from platform_shared.fonts import FONTS

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", size=8)
    with pdf.table(col_widths=(19, 20), width=39, first_row_as_headings=False) as table:
        row = table.row()
        row.cell("Rättssäkerhet")
        row.cell("3")
    path = tmp_path / "broken.pdf"
    pdf.output(str(path))
    assert broken_words(_pdf_text(path, "-raw"), _vocabulary())


def test_no_word_is_broken_across_a_cell_line(gallery: Gallery) -> None:
    vocabulary = _vocabulary()
    for pdf in gallery.pdfs:
        assert broken_words(_pdf_text(pdf, "-raw"), vocabulary) == [], pdf.name


def test_no_raw_identifiers_in_any_generated_document(gallery: Gallery) -> None:
    for name, text in _readable_texts(gallery):
        assert SNAKE.findall(text) == [], name
        english = sorted({w for w in WORD.findall(text) if w.lower() in ENGLISH})
        assert english == [], (name, english)


def _has_chart(path: Path) -> bool:
    if path.suffix == ".pdf":
        return b"/Subtype /Image" in path.read_bytes()
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as docx:
            return any(n.startswith("word/media/") for n in docx.namelist())
    workbook = load_workbook(io.BytesIO(path.read_bytes()))
    return any(sheet._charts for sheet in workbook.worksheets)


def test_charts_present_in_each_report_format(gallery: Gallery) -> None:
    """The demo's cases are all recent, so reports over the whole year have series to draw (a tertial
    without cases has none); what one format draws, the others draw too."""
    reports: dict[str, dict[str, bool]] = {}
    for path in gallery.documents:
        if path.name.startswith("rapport-"):
            reports.setdefault(path.stem, {})[path.suffix[1:]] = _has_chart(path)
    for stem, formats in reports.items():
        assert len(set(formats.values())) == 1, (stem, formats)
    for kind in ("vb", "kb", "psb", "kvalitetsrad"):
        assert all(next(f for s, f in reports.items() if s.startswith(f"rapport-{kind}-")).values()), kind


def test_deadline_phrased_as_people_say_it_in_the_mails(gallery: Gallery) -> None:
    texts = [_mail_text(m) for m in gallery.mails]
    deadlines = [t for t in texts if "Tidsfrist" in t]
    assert deadlines and all("senast" in t for t in deadlines)
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}|kl\. 00[:.]00", t) for t in texts)
