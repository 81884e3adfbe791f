"""Documents people read: charts in every format, Swedish labels, numbers and deadlines, fitted
columns, the document's own properties, what the nämnd must see, and what the PSB covers."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime

from docx import Document
from fpdf import FPDF
from openpyxl import load_workbook

from platform_shared.fonts import FONTS
from platform_shared.ids import new_id
from reporting_svc.adapters.documents import (
    DocumentSection,
    ReportDocument,
    text_grid,
    to_docx,
    to_pdf,
)
from reporting_svc.adapters.exports import GRID_TOP, report_xlsx
from reporting_svc.adapters.table_layout import fit_widths, measure
from reporting_svc.domain import formats
from reporting_svc.domain.charts import ChartKind, chart_for
from reporting_svc.domain.labels import ORDER, value_label
from reporting_svc.domain.notifications import deadline_notices
from reporting_svc.domain.report_templates import FIGURES, HSL_CATEGORIES, figure_keys
from reporting_svc.domain.reports import ReportType
from reporting_svc.domain.suppression import namnd_sees_anmalningar, suppress_counts, suppression_rule_text
from reporting_svc.domain.tables import Column, CountTable, Line, count_table

SNAKE = re.compile(r"\b[a-zåäö0-9]+(?:_[a-zåäö0-9]+)+\b")
STOCKHOLM_MIDNIGHT_NEW_YEAR = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)  # 2027-01-01 00:00 local


def _table(
    counts: dict[tuple[str, str], int], *, suppress: bool = False, shown: frozenset[str] = frozenset()
) -> CountTable:
    return count_table(
        title="Anmälningar till IVO",
        row_title="Slag",
        columns=[Column("t1", "T1 2026"), Column("t2", "T2 2026"), Column("t3", "T3 2026")],
        lines=[
            Line("lex_sarah", "Lex Sarah"),
            Line("lex_maria", "Lex Maria"),
            Line("avvikelse", "Avvikelse"),
        ],
        counts=counts,
        suppress=suppress,
        threshold=5,
        always_shown=shown,
    )


def _document(*tables: CountTable) -> ReportDocument:
    return ReportDocument(
        title="Tertialrapport 1 2026: kvalitet, Socialförvaltningen",
        facts=[("Period", "1 januari–30 april 2026")],
        sections=[DocumentSection("Avvikelser", "Text.", "Skriv.", list(tables))],
        footer=("Utkast", "Antal från 1 till 4 visas som .."),
        author="Socialnämnden",
        subject="Tertialrapport 1",
        created=datetime(2026, 5, 2, 8, 0, tzinfo=UTC),
        modified=datetime(2026, 5, 3, 9, 30, tzinfo=UTC),
        generated_line="Utkast utskrivet 3 maj 2026 kl. 11.30",
    )


COUNTS = {("lex_sarah", "t1"): 2, ("lex_maria", "t2"): 1, ("avvikelse", "t1"): 30, ("avvikelse", "t3"): 3}


# --- what the nämnd must see ----------------------------------------------------------------------


def test_anmalan_counts_are_not_suppressed_for_the_namnd() -> None:
    table = _table(COUNTS, suppress=True, shown=frozenset({"lex_sarah", "lex_maria"}))
    by_key = {row.key: row for row in table.rows}
    assert by_key["lex_sarah"].values == [2, 0, 0] and by_key["lex_sarah"].total == 2
    assert by_key["lex_maria"].values == [0, 1, 0] and by_key["lex_maria"].total == 1
    assert by_key["avvikelse"].values[2] is None  # 3 is still a small cell
    # nothing hidden can be worked out from what is shown
    assert table.totals[2] is None or by_key["avvikelse"].total is None


def test_anmalan_counts_are_shown_only_in_namnd_reports_above_the_enhet() -> None:
    assert namnd_sees_anmalningar(True, "forvaltning") and namnd_sees_anmalningar(True, "verksamhetsomrade")
    assert not namnd_sees_anmalningar(True, "enhet")  # unit-level cells keep the small-cell rule
    assert not namnd_sees_anmalningar(False, "forvaltning")  # kvalitetsråd material, public figures


def test_secondary_suppression_never_hides_an_always_shown_row() -> None:
    shown = suppress_counts([[2, 7], [9, 8]], 5, frozenset({0}))
    assert shown.values[0] == [2, 7] and shown.row_totals[0] == 9


def test_every_row_always_shown_shows_the_totals_too() -> None:
    table = _table({("lex_sarah", "t1"): 1, ("lex_maria", "t3"): 2}, suppress=True, shown=frozenset({"*"}))
    assert table.grand_total == 3 and table.totals == [1, 0, 2]


def test_the_suppression_rule_is_stated_in_words() -> None:
    rule = suppression_rule_text(suppressed=True, anmalningar_shown=True, threshold=5)
    assert "1 till 4" in rule and "Anmälningar till IVO" in rule
    assert "Internt" in suppression_rule_text(suppressed=False, anmalningar_shown=False, threshold=5)


def test_the_namnd_reports_name_which_rows_it_always_sees() -> None:
    assert FIGURES["ivo_anmalningar"].namnd_rows == ("*",)
    assert FIGURES["lex_sarah_bedomning"].namnd_rows == ("*",)
    assert FIGURES["avvikelser_typ"].namnd_rows == ("lex_sarah",)
    assert FIGURES["avvikelser_kategori"].namnd_rows == ()


# --- the patientsäkerhetsberättelse -----------------------------------------------------------------


def test_psb_covers_health_care_only() -> None:
    keys = figure_keys(ReportType.PSB)
    for key in keys:
        spec = FIGURES[key]
        assert spec.only_values is None or "missforhallande" not in spec.only_values, key
        if spec.subject == "deviations" and spec.by != "degree":
            assert spec.filters.get("type") == ("hsl",), key
        if spec.subject == "complaints":
            assert spec.filters.get("category") == HSL_CATEGORIES, key
        if spec.subject == "ivo_notifications":
            assert spec.filters.get("kind") == ("lex_maria",), key
    assert "lex_sarah_bedomning" not in keys and "klagomal_slag" not in keys and "ivo_anmalningar" not in keys


# --- charts ---------------------------------------------------------------------------------------


def test_suppressed_values_are_never_in_a_chart() -> None:
    chart = chart_for(_table(COUNTS, suppress=True))
    assert chart is not None and chart.kind is ChartKind.COLUMNS
    drawn = {s.label: s.values for s in chart.series}
    assert drawn["Lex Sarah"] == (None, 0.0, 0.0)  # the hidden 2 is not there
    assert all(v in (None, 0.0, 30.0) for values in drawn.values() for v in values)


def test_a_table_with_nothing_to_draw_has_no_chart() -> None:
    assert chart_for(_table({})) is None
    assert chart_for(_table({("lex_sarah", "t1"): 2}, suppress=True)) is None


def test_charts_present_in_each_report_format() -> None:
    doc = _document(_table(COUNTS))
    pdf = to_pdf(doc)
    assert b"/Subtype /Image" in pdf
    with zipfile.ZipFile(io.BytesIO(to_docx(doc))) as docx:
        assert any(name.startswith("word/media/") and name.endswith(".png") for name in docx.namelist())
    workbook = load_workbook(io.BytesIO(report_xlsx(doc)))
    sheet = workbook.worksheets[1]
    (chart,) = sheet._charts
    references = [s.val.numRef.f for s in chart.series]
    # each series points at its own row of the table's cells (row 1 of the grid is the header)
    assert references[0] == f"'{sheet.title}'!$B${GRID_TOP + 1}:$D${GRID_TOP + 1}"
    assert sheet[f"A{GRID_TOP + 1}"].value == "Lex Sarah"


def test_an_xlsx_chart_leaves_out_rows_with_hidden_values() -> None:
    counts = {("lex_sarah", "t1"): 2, ("lex_maria", "t1"): 9, ("lex_maria", "t2"): 9, ("lex_maria", "t3"): 9}
    counts |= {("avvikelse", "t1"): 30, ("avvikelse", "t2"): 12, ("avvikelse", "t3"): 10}
    workbook = load_workbook(io.BytesIO(report_xlsx(_document(_table(counts, suppress=True)))))
    sheet = workbook.worksheets[1]
    (chart,) = sheet._charts
    rows = {int(s.val.numRef.f.rsplit("$", 1)[1]) for s in chart.series}
    hidden_rows = {
        GRID_TOP + i for i in range(1, 4) if any(c.value == ".." for c in sheet[GRID_TOP + i][1:4])
    }
    assert hidden_rows and rows and not rows & hidden_rows


# --- Swedish --------------------------------------------------------------------------------------


def test_numbers_have_a_decimal_comma_and_grouped_thousands() -> None:
    assert formats.cell(1234) == "1\u00a0234" and formats.cell(0.0) == "0,0" and formats.cell(12.25) == "12,2"
    assert formats.number(-3) == "−3"


def test_deadline_phrased_as_people_say_it() -> None:
    assert formats.deadline(STOCKHOLM_MIDNIGHT_NEW_YEAR) == "senast 31 december 2026"
    assert formats.deadline(datetime(2026, 3, 5, 13, 0, tzinfo=UTC)) == "senast 5 mars 2026 kl. 14.00"
    (notice,) = deadline_notices(
        missed=False,
        rule_title="Årlig riskanalys",
        reference=None,
        due_at=STOCKHOLM_MIDNIGHT_NEW_YEAR,
        responsible=[new_id()],
    )
    assert "senast 31 december 2026" in notice.body and "2027" not in notice.body
    assert "00:00" not in notice.body and "ärende" not in notice.title


def test_no_label_is_a_raw_identifier() -> None:
    assert value_label("rule", "control_performed") == "Genomför kontrollmoment enligt internkontrollplanen"
    assert value_label("category", "ny_egen_kategori") == "Ny egen kategori"
    from platform_shared.categories import HSL, OTHER, SOL_LSS
    from reporting_svc.domain.labels import _VALUES

    assert [c for c in (*SOL_LSS, *HSL, *OTHER) if c not in _VALUES] == []  # every category has a label
    for dimension, values in ORDER.items():
        for value in values:
            label = value_label(dimension, value)
            assert not SNAKE.search(label) and "_" not in label, (dimension, value, label)


def test_periods_and_days_are_written_in_swedish() -> None:
    from datetime import date

    assert formats.period(date(2026, 1, 1), date(2026, 4, 30)) == "1 januari–30 april 2026"
    assert formats.day(date(2026, 12, 4)) == "4 december 2026"


# --- documents that look finished -----------------------------------------------------------------


def test_columns_are_at_least_as_wide_as_their_longest_word() -> None:
    natural, minimum = measure([["Kategori", "T1"], ["Rättssäkerhet och mer", "1"]], lambda t, _: len(t), 1)
    assert minimum == [len("Rättssäkerhet") + 1, 3] and natural == [len("Rättssäkerhet och mer") + 1, 3]
    widths = fit_widths(natural, minimum, 20)
    assert widths is not None and widths[0] >= minimum[0] and abs(sum(widths) - 20) < 1e-9
    assert fit_widths([50, 50], [30, 30], 50) is None


def test_no_word_is_broken_in_a_pdf_table() -> None:
    """The widths chosen for the PDF fit every word of every cell at the chosen size."""
    long_labels = [
        ["Kategori", *(f"{m} 2026" for m in ("januari", "februari", "mars", "april")), "Totalt"],
        ["Fysiska övergrepp/hot och våld", "1", "2", "3", "4", "10"],
        ["Medicinteknik/hjälpmedel", "1\u00a0234", "0", "0", "0", "1\u00a0234"],
    ]
    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    from reporting_svc.adapters.documents import CELL_PADDING, _pdf_widths

    size, widths = _pdf_widths(pdf, long_labels)
    for line_index, line in enumerate(long_labels):
        pdf.set_font("DejaVu", "B" if line_index == 0 else "", size)
        for text, width in zip(line, widths, strict=True):
            for word in text.split(" "):
                assert pdf.get_string_width(word) <= width - 2 * CELL_PADDING[1], (word, width)


def test_docx_has_the_reports_own_properties() -> None:
    content = to_docx(_document(_table(COUNTS)))
    properties = Document(io.BytesIO(content)).core_properties
    assert properties.title.startswith("Tertialrapport 1") and properties.author == "Socialnämnden"
    assert properties.created == datetime(2026, 5, 2, 8, 0, tzinfo=UTC)
    assert properties.modified == datetime(2026, 5, 3, 9, 30, tzinfo=UTC)
    assert properties.comments == "" and properties.language == "sv-SE"
    with zipfile.ZipFile(io.BytesIO(content)) as docx:
        names = docx.namelist()
        app = docx.read("docProps/app.xml").decode()
    assert not any("thumbnail" in n for n in names)
    assert "Microsoft" not in app and "Socialnämnden" in app


def test_docx_columns_are_fitted_not_equal() -> None:
    document = Document(io.BytesIO(to_docx(_document(_table(COUNTS)))))
    widths = [c.width for c in document.tables[0].columns]
    assert len(set(widths)) > 1


def test_a_draft_carries_the_line_saying_when_it_was_generated() -> None:
    doc = _document(_table(COUNTS))
    text = "\n".join(p.text for p in Document(io.BytesIO(to_docx(doc))).paragraphs)
    assert "Utkast utskrivet 3 maj 2026 kl. 11.30" in text


def test_printed_cells_use_swedish_numbers() -> None:
    grid = text_grid(_table({("avvikelse", "t1"): 1234}))
    assert grid[1][1] == "1\u00a0234"
