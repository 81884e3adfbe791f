"""The styrkort as PDF: the JSON read model (service_layer/goals/queries.card_view) laid out with fpdf2
and the bundled DejaVu font (å, ä, ö), each indicator with a small chart of its 13-period trend against
target and gränsvärde, as reporting-svc and deviation-svc lay out their documents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from platform_shared.fonts import DEJAVU, DEJAVU_BOLD
from platform_shared.timeutil import as_utc

PDF_MEDIA_TYPE = "application/pdf"
MARGIN = 15.0
CHART_W, CHART_H = 62.0, 20.0
LINE = 4.8

STATUS_TITLES = {
    "over_target": "Målvärdet nått",
    "between": "Mellan gränsvärde och målvärde",
    "under_threshold": "Under gränsvärdet",
    "missing": "Värde saknas",
}
STATUS_COLOURS = {
    "over_target": (46, 125, 50),
    "between": (214, 150, 0),
    "under_threshold": (198, 40, 40),
    "missing": (150, 150, 150),
}
DIRECTIONS = {"higher_is_better": "högre är bättre", "lower_is_better": "lägre är bättre"}
PERSPECTIVES = {
    "ekonomi": "Ekonomi",
    "malgrupp": "Målgrupp",
    "verksamhet": "Verksamhet",
    "medarbetare": "Medarbetare",
}


def number(value: Any) -> str:
    """Swedish notation: decimal comma, at most two decimals, no trailing zeros."""
    if value is None:
        return "–"
    text = f"{Decimal(str(value)):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


class _Pdf(FPDF):
    heading = ""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("DejaVu", size=7.5)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, f"{self.heading} · Sida {self.page_no()} av {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def to_pdf(card: Mapping[str, Any], created: datetime) -> bytes:
    pdf = _Pdf(orientation="portrait", unit="mm", format="A4")
    title = f"Styrkort – {card['unit_name']}"
    pdf.heading = f"{title} per {card['as_of']}"
    pdf.add_font("DejaVu", "", str(DEJAVU))
    pdf.add_font("DejaVu", "B", str(DEJAVU_BOLD))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title(title)
    pdf.set_creator("Kvalitet")
    pdf.set_lang("sv-SE")
    pdf.set_creation_date(as_utc(created))
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", size=9.5)
    summary = card.get("summary")
    pdf.multi_cell(
        0,
        LINE,
        f"Per {card['as_of']}. Samlad status: {STATUS_TITLES.get(summary or '', 'inga indikatorer')}.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    for goal in card["goals"]:
        perspective = PERSPECTIVES.get(goal.get("perspective") or "", "")
        mark = " (prioriterat)" if goal["prioritised"] else ""
        text = f"Mål{mark}: {goal['title']}" + (f" – perspektiv {perspective}" if perspective else "")
        pdf.multi_cell(0, LINE, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    for line in card["lines"]:
        _line(pdf, line)
    if card["children"]:
        _children(pdf, card["children"])
    return bytes(pdf.output())


def _status_box(pdf: FPDF, status: str, x: float, y: float, size: float = 3.2) -> None:
    pdf.set_fill_color(*STATUS_COLOURS.get(status, (150, 150, 150)))
    pdf.rect(x, y, size, size, style="F")


def _line(pdf: FPDF, line: Mapping[str, Any]) -> None:
    if pdf.will_page_break(CHART_H + 22):
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_draw_color(200, 200, 200)
    pdf.line(MARGIN, top, pdf.w - MARGIN, top)
    pdf.ln(1.5)
    text_w = pdf.epw - CHART_W - 4
    _status_box(pdf, line["status"], MARGIN, pdf.get_y() + 1)
    pdf.set_x(MARGIN + 5)
    pdf.set_font("DejaVu", "B", 10.5)
    pdf.multi_cell(text_w - 5, 5.5, line["name"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", size=8.5)
    value = line["value"]["value"] if line.get("value") else None
    unit = line["unit_of_measure"]
    rows = [
        f"Mål: {line['goal_title']}",
        f"{line['period']}: {number(value)} {unit} – {STATUS_TITLES.get(line['status'], '')}",
        f"Målvärde {number(line['target'])}, gränsvärde {number(line['threshold'])} "
        f"({DIRECTIONS.get(line['direction'], '')})",
    ]
    combined = line.get("combined")
    if combined:
        rows.append(
            f"Sammanräknat från {combined['parts']} enheter: {number(combined['value']['value'])} {unit}"
            + (f" ({combined['missing']} saknar värde)" if combined["missing"] else "")
        )
    if line.get("change"):
        rows.append(
            {"improved": "Bättre", "worsened": "Sämre", "unchanged": "Oförändrat"}[line["change"]]
            + " än samma period året före"
        )
    for child in line.get("children", []):
        rows.append(f"• {child['unit_name']}: {STATUS_TITLES.get(child['status'], '')}")
    for activity in line.get("open_activities", []):
        rows.append(f"Aktivitet till {activity['due_date']}: {activity['description']}")
    if line.get("activity_needed"):
        rows.append("Under gränsvärdet: en aktivitet behövs")
    for row in rows:
        pdf.multi_cell(text_w, LINE, row, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    text_bottom = pdf.get_y()
    _chart(pdf, line, pdf.w - MARGIN - CHART_W, top + 3)
    pdf.set_y(max(text_bottom, top + 3 + CHART_H + 6) + 2)


def _chart(pdf: FPDF, line: Mapping[str, Any], x: float, y: float) -> None:
    """The trend: each period's value as a dot in its status colour, joined by a line, with the target
    (green) and the gränsvärde (red) as horizontal lines."""
    points: Sequence[Mapping[str, Any]] = line["trend"]
    numbers = [float(p["value"]) for p in points if p["value"] is not None]
    target, threshold = float(line["target"]), float(line["threshold"])
    low = min([*numbers, target, threshold])
    high = max([*numbers, target, threshold])
    span = (high - low) or 1.0
    low, high = low - span * 0.1, high + span * 0.1

    def at(value: float) -> float:
        return y + CHART_H - (value - low) / (high - low) * CHART_H

    pdf.set_draw_color(180, 180, 180)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, CHART_W, CHART_H)
    for level, colour in ((target, (46, 125, 50)), (threshold, (198, 40, 40))):
        pdf.set_draw_color(*colour)
        pdf.set_dash_pattern(dash=1, gap=0.8)
        pdf.line(x, at(level), x + CHART_W, at(level))
    pdf.set_dash_pattern()
    step = CHART_W / max(len(points) - 1, 1)
    previous: tuple[float, float] | None = None
    pdf.set_draw_color(60, 60, 60)
    pdf.set_line_width(0.35)
    for index, point in enumerate(points):
        if point["value"] is None:
            previous = None
            continue
        here = (x + index * step, at(float(point["value"])))
        if previous is not None:
            pdf.line(*previous, *here)
        previous = here
    for index, point in enumerate(points):
        if point["value"] is not None:
            pdf.set_fill_color(*STATUS_COLOURS.get(point["status"], (150, 150, 150)))
            pdf.ellipse(x + index * step - 0.9, at(float(point["value"])) - 0.9, 1.8, 1.8, style="F")
    pdf.set_line_width(0.2)
    pdf.set_font("DejaVu", size=6.5)
    pdf.set_text_color(90, 90, 90)
    pdf.set_xy(x, y + CHART_H + 0.5)
    pdf.cell(CHART_W / 2, 3, points[0]["period"] if points else "", align="L")
    pdf.cell(CHART_W / 2, 3, points[-1]["period"] if points else "", align="R")
    pdf.set_text_color(0, 0, 0)


def _children(pdf: FPDF, children: Sequence[Mapping[str, Any]]) -> None:
    if pdf.will_page_break(12 + 6 * len(children)):
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(0, 6, "Enheterna under", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", size=9)
    for child in children:
        summary = child.get("summary")
        y = pdf.get_y()
        if summary:
            _status_box(pdf, summary, MARGIN, y + 0.8)
        pdf.set_x(MARGIN + 5)
        text = STATUS_TITLES.get(summary or "", "inga indikatorer")
        pdf.multi_cell(0, 5, f"{child['unit_name']}: {text}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
