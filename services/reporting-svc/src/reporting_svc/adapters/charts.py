"""Charts as PNG images for PDF and DOCX, drawn with matplotlib's Agg backend (no display, no pyplot
state: a Figure per chart, so documents can be rendered in worker threads). Numbers on the axes are
Swedish (decimal comma, grouped thousands); a hidden value (..) is marked, never drawn."""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Sequence
from typing import Literal, TypeGuard

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from reporting_svc.domain import formats
from reporting_svc.domain.charts import Chart, ChartKind, Series
from reporting_svc.domain.periods import MONTHS_SV

MM = 1 / 25.4  # inches per millimetre
DPI = 150
WIDTH_MM = 170.0
# Colour-blind safe (Okabe–Ito), dark blue first
PALETTE = ("#1f4e79", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#0072b2", "#999999")
HIDDEN_NOTE = ".. = dolt värde (röjanderisk), ritas inte"
TEXT = "#222222"
GRID = "#d9d9d9"
# Risk matrix bands (domain.md 6): 1–3 låg, 4–6 medel, 8–9 hög, 12–16 mycket hög
BANDS = ((3, "#c6e0b4", "Låg"), (6, "#ffe699", "Medel"), (9, "#f8cbad", "Hög"), (16, "#ff8b8b", "Mycket hög"))


def _swedish(value: float, _: object = None) -> str:
    return formats.number(value, 0 if float(value).is_integer() else 1)


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width, break_long_words=False)) or label


def _figure(height_mm: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH_MM * MM, height_mm * MM), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    return figure, axes


def _style(axes: Axes, value_axis: Literal["x", "y"] = "y") -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=7.5, colors=TEXT)
    axis = axes.yaxis if value_axis == "y" else axes.xaxis
    axis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    axis.set_major_formatter(FuncFormatter(_swedish))
    axes.grid(axis=value_axis, color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)


def _png(figure: Figure, chart: Chart) -> bytes:
    if chart.hidden:
        figure.text(0.01, 0.01, HIDDEN_NOTE, fontsize=6.5, color="#666666")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


_LOCK = threading.Lock()  # matplotlib is not documented as thread-safe: one chart at a time


def render_png(chart: Chart) -> bytes:
    """The chart as a PNG, WIDTH_MM wide at DPI."""
    draw = {
        ChartKind.BARS: _bars,
        ChartKind.COLUMNS: _columns,
        ChartKind.LINES: _lines,
        ChartKind.HEATMAP: _heatmap,
        ChartKind.PANELS: _panels,
    }[chart.kind]
    with _LOCK:
        return draw(chart)


def height_mm(chart: Chart) -> float:
    """How tall the chart is drawn (the PDF and DOCX layout reserves this much)."""
    if chart.kind is ChartKind.BARS:
        return 14 + 6.5 * len(chart.series)
    if chart.kind is ChartKind.HEATMAP:
        return 72.0
    if chart.kind is ChartKind.PANELS:
        return 32.0 * math.ceil(len(chart.series) / 4) + 6
    return 48.0 + 4 * max(0, len(chart.series) - 4)


def _shown(value: float | None) -> TypeGuard[float]:
    return value is not None and not math.isnan(value)


def _bars(chart: Chart) -> bytes:
    figure, axes = _figure(height_mm(chart))
    labels = [_wrap(s.label, 34) for s in chart.series]
    positions = list(range(len(chart.series)))[::-1]
    top = max((v for s in chart.series for v in s.values if _shown(v)), default=0.0) or 1.0
    for position, series in zip(positions, chart.series, strict=True):
        value = series.values[0]
        if value is None:
            axes.text(0, position, " ..", va="center", ha="left", fontsize=8, color="#666666")
            continue
        if not _shown(value):
            continue
        axes.barh(position, value, color=PALETTE[0], height=0.62)
        axes.text(value + top * 0.01, position, _swedish(value), va="center", fontsize=7.5, color=TEXT)
    axes.set_yticks(positions, labels)
    axes.set_xlim(0, top * 1.12)
    axes.set_xlabel(f"{chart.value_title}, {chart.categories[0]}", fontsize=7.5, color=TEXT)
    _style(axes, "x")
    figure.tight_layout(pad=0.6, rect=(0, 0.03 if chart.hidden else 0, 1, 1))
    return _png(figure, chart)


def _floor(axes: Axes) -> None:
    """Counts and days start at zero, and an all-zero chart still has an axis up to one."""
    top = axes.get_ylim()[1]
    axes.set_ylim(0, max(top, 1.0))


def _legend(axes: Axes, series: Sequence[Series]) -> None:
    if len(series) > 1:
        axes.legend(
            fontsize=7,
            frameon=False,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            labels=[_wrap(s.label, 28) for s in series],
            handles=axes.get_legend_handles_labels()[0],
        )


def _columns(chart: Chart) -> bytes:
    figure, axes = _figure(height_mm(chart))
    series = chart.series
    count = max(1, len(series))
    width = 0.8 / count
    for index, item in enumerate(series):
        offset = (index - (count - 1) / 2) * width
        for x, value in enumerate(item.values):
            if value is None:
                axes.text(x + offset, 0, "..", ha="center", va="bottom", fontsize=7, color="#666666")
        xs = [x + offset for x, v in enumerate(item.values) if _shown(v)]
        ys = [v for v in item.values if _shown(v)]
        axes.bar(xs, ys, width=width * 0.92, color=PALETTE[index % len(PALETTE)], label=item.label)
    axes.set_xticks(range(len(chart.categories)), [_wrap(c, 18) for c in chart.categories])
    axes.set_ylabel(chart.value_title, fontsize=7.5, color=TEXT)
    _style(axes)
    _floor(axes)
    _legend(axes, series)
    figure.tight_layout(pad=0.6, rect=(0, 0.03 if chart.hidden else 0, 1, 1))
    return _png(figure, chart)


def _short_period(label: str) -> str:
    """ "januari 2026" → "jan"; other labels as they are."""
    parts = label.split()
    if len(parts) == 2 and parts[0] in MONTHS_SV:
        return parts[0][:3]
    return label


def _lines(chart: Chart) -> bytes:
    figure, axes = _figure(height_mm(chart))
    xs = list(range(len(chart.categories)))
    for index, item in enumerate(chart.series):
        ys = [math.nan if v is None else v for v in item.values]
        axes.plot(
            xs,
            ys,
            marker="o",
            markersize=3,
            linewidth=1.6,
            color=PALETTE[index % len(PALETTE)],
            label=item.label,
        )
        for x, value in zip(xs, item.values, strict=True):
            if value is None:
                axes.text(
                    x, 0, "..", ha="center", va="bottom", fontsize=7, color=PALETTE[index % len(PALETTE)]
                )
    axes.set_xticks(xs, [_short_period(c) for c in chart.categories])
    axes.set_ylabel(chart.value_title, fontsize=7.5, color=TEXT)
    _style(axes)
    _floor(axes)
    _legend(axes, chart.series)
    figure.tight_layout(pad=0.6, rect=(0, 0.03 if chart.hidden else 0, 1, 1))
    return _png(figure, chart)


def _band_colour(risk_value: int) -> str:
    return next(colour for top, colour, _ in BANDS if risk_value <= top)


def _heatmap(chart: Chart) -> bytes:
    """Rows are sannolikhet 4..1 (top to bottom), columns konsekvens 1..4; each cell coloured by its
    risk value (sannolikhet × konsekvens) and showing how many risks sit there."""
    figure, axes = _figure(height_mm(chart))
    size = len(chart.series)
    for r, series in enumerate(chart.series):
        probability = size - r
        for c, value in enumerate(series.values):
            consequence = c + 1
            y = probability - 1
            axes.add_patch(
                _cell_patch(c, y, _band_colour(probability * consequence)),
            )
            text = ".." if value is None else formats.number(value)
            weight = "bold" if value else "normal"
            colour = TEXT if value else "#777777"
            axes.text(
                c + 0.5, y + 0.5, text, ha="center", va="center", fontsize=12, weight=weight, color=colour
            )
            axes.text(
                c + 0.95,
                y + 0.07,
                str(probability * consequence),
                ha="right",
                va="bottom",
                fontsize=6,
                color="#555555",
            )
    axes.set_xlim(0, len(chart.categories))
    axes.set_ylim(0, size)
    axes.set_xticks(
        [c + 0.5 for c in range(len(chart.categories))],
        [_wrap(c.removeprefix("Konsekvens "), 14) for c in chart.categories],
    )
    axes.set_yticks([size - r - 0.5 for r in range(size)], [s.label for s in chart.series])
    axes.set_xlabel("Konsekvens", fontsize=8, color=TEXT)
    axes.set_ylabel("Sannolikhet", fontsize=8, color=TEXT)
    axes.tick_params(labelsize=7.5, colors=TEXT, length=0)
    for side in axes.spines.values():
        side.set_visible(False)
    axes.set_aspect("auto")
    axes.legend(
        handles=[Patch(color=colour, label=label) for _, colour, label in BANDS],
        title="Risknivå (riskvärde i hörnet)",
        title_fontsize=7,
        fontsize=7,
        frameon=False,
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
    )
    figure.tight_layout(pad=0.6, rect=(0, 0.03 if chart.hidden else 0, 1, 1))
    return _png(figure, chart)


def _cell_patch(x: int, y: int, colour: str) -> Patch:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 1, 1, facecolor=colour, edgecolor="white", linewidth=2)


def _panels(chart: Chart) -> bytes:
    """One small chart per pattern: its counts over the periods, on a shared scale."""
    columns = 4
    rows = math.ceil(len(chart.series) / columns)
    figure = Figure(figsize=(WIDTH_MM * MM, height_mm(chart) * MM), dpi=DPI)
    FigureCanvasAgg(figure)
    top = max((v for s in chart.series for v in s.values if _shown(v)), default=1.0) or 1.0
    xs = list(range(len(chart.categories)))
    for index, series in enumerate(chart.series):
        axes = figure.add_subplot(rows, columns, index + 1)
        ys = [math.nan if v is None else v for v in series.values]
        axes.plot(xs, ys, marker="o", markersize=2.5, linewidth=1.4, color=PALETTE[0])
        for x, value in zip(xs, series.values, strict=True):
            if value is None:
                axes.text(x, 0, "..", ha="center", va="bottom", fontsize=6, color="#666666")
        axes.set_title(_wrap(series.label, 30), fontsize=6.5, color=TEXT)
        axes.set_ylim(0, top * 1.15)
        axes.set_xticks(xs, [c.replace(" ", "\n") for c in chart.categories])
        _style(axes)
        axes.tick_params(labelsize=5.5)
    figure.tight_layout(pad=0.5, h_pad=0.6, w_pad=0.6, rect=(0, 0.03 if chart.hidden else 0, 1, 1))
    return _png(figure, chart)
