"""Small-cell suppression (docs/domain.md 8.3): nämnd, controllers and the reports a nämnd receives get
de-identified aggregates, so a count that could point at a few individuals is not shown.

- primary: a count from 1 to threshold − 1 is hidden (0 is shown: it points at nobody);
- secondary: when a total is shown and exactly one count behind it is hidden, that count could be
  worked out by subtraction, so the smallest other non-zero count is hidden too (or, when there is
  none, the total). Repeated until no hidden count can be derived from a shown total.
- a measure (median, percentile) over fewer than `threshold` cases is hidden.

The nämnd is the responsible authority: in the reports it receives for a förvaltning or a
verksamhetsområde (not for a single enhet) the counts of anmälningar to IVO (lex Sarah, lex Maria) and
of lex Sarah rapporter are always shown (issue 12; this narrows domain.md 8.3 for these counts). Such
rows are passed as `always_shown`: they are never hidden, nor chosen for secondary suppression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reporting_svc.domain.model import RuleViolation

Position = tuple[int, int]  # (row, column); row -1 holds the column totals, column -1 the row totals


@dataclass(frozen=True)
class SuppressedTable:
    values: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    grand_total: int | None

    @property
    def any_hidden(self) -> bool:
        cells = [v for row in self.values for v in row] + self.row_totals + self.column_totals
        return any(v is None for v in [*cells, self.grand_total])


def check_threshold(threshold: int) -> None:
    if not 2 <= threshold <= 100:
        raise RuleViolation("Gränsen för små tal ska vara 2–100", "suppression_threshold")


def is_small(count: int, threshold: int) -> bool:
    return 0 < count < threshold


NAMND_LEVELS = frozenset({"namnd", "forvaltning", "verksamhetsomrade", "avdelning"})


def namnd_sees_anmalningar(goes_to_namnd: bool, unit_level: str | None) -> bool:
    """Anmälningar to IVO and lex Sarah rapporter are shown unsuppressed in the reports a nämnd
    receives for a förvaltning, avdelning or verksamhetsområde; for an enhet (a few people) and in
    public figures the small-cell rule stays."""
    return goes_to_namnd and unit_level in NAMND_LEVELS


def suppression_rule_text(*, suppressed: bool, anmalningar_shown: bool, threshold: int) -> str:
    """The rule in force, as the footer of a report states it."""
    if not suppressed:
        return "Internt underlag: alla antal visas, också små. Lämnas inte ut utan röjandeprövning."
    rule = f"Antal från 1 till {threshold - 1} visas som .. så att ingen enskild kan pekas ut."
    if anmalningar_shown:
        rule += (
            " Anmälningar till IVO (lex Sarah, lex Maria) och lex Sarah-rapporter visas alltid:"
            " nämnden ska känna till dem."
        )
    return rule


def suppress_counts(
    matrix: Sequence[Sequence[int]], threshold: int, always_shown: frozenset[int] = frozenset()
) -> SuppressedTable:
    """A table of counts (rows × columns) with its row, column and grand totals, suppressed. Rows in
    `always_shown` (indices) are never hidden; a total of such rows only is shown too."""
    check_threshold(threshold)
    n_rows = len(matrix)
    n_cols = len(matrix[0]) if matrix else 0
    value: dict[Position, int] = {}
    for r, row in enumerate(matrix):
        if len(row) != n_cols:
            raise ValueError("every row needs the same number of columns")
        for c, count in enumerate(row):
            value[(r, c)] = count
        value[(r, -1)] = sum(row)
    for c in range(n_cols):
        value[(-1, c)] = sum(matrix[r][c] for r in range(n_rows))
    value[(-1, -1)] = sum(value[(r, -1)] for r in range(n_rows))

    fixed = {(r, c) for r in always_shown for c in [*range(n_cols), -1]}
    if n_rows and set(range(n_rows)) <= always_shown:
        fixed |= {(-1, c) for c in [*range(n_cols), -1]}
    hidden = {pos for pos, count in value.items() if is_small(count, threshold) and pos not in fixed}
    # Each group: a total and the counts that add up to it.
    groups: list[tuple[Position, list[Position]]] = [
        *(((r, -1), [(r, c) for c in range(n_cols)]) for r in range(n_rows)),
        *(((-1, c), [(r, c) for r in range(n_rows)]) for c in range(n_cols)),
        ((-1, -1), [(r, -1) for r in range(n_rows)]),
        ((-1, -1), [(-1, c) for c in range(n_cols)]),
    ]
    changed = True
    while changed:
        changed = False
        for total, members in groups:
            if total in hidden:
                continue
            if sum(1 for m in members if m in hidden) != 1:
                continue
            candidates = [m for m in members if m not in hidden and m not in fixed and value[m] > 0]
            if candidates:
                hidden.add(min(candidates, key=lambda m: (value[m], m)))
            elif total not in fixed:
                hidden.add(total)
            else:
                continue
            changed = True

    def shown(pos: Position) -> int | None:
        return None if pos in hidden else value[pos]

    return SuppressedTable(
        values=[[shown((r, c)) for c in range(n_cols)] for r in range(n_rows)],
        row_totals=[shown((r, -1)) for r in range(n_rows)],
        column_totals=[shown((-1, c)) for c in range(n_cols)],
        grand_total=shown((-1, -1)),
    )


def unsuppressed(matrix: Sequence[Sequence[int]]) -> SuppressedTable:
    """The same shape with every count shown (for callers who may see the figures)."""
    n_cols = len(matrix[0]) if matrix else 0
    return SuppressedTable(
        values=[list(row) for row in matrix],
        row_totals=[sum(row) for row in matrix],
        column_totals=[sum(row[c] for row in matrix) for c in range(n_cols)],
        grand_total=sum(sum(row) for row in matrix),
    )


def measure_shown(cases: int, threshold: int) -> bool:
    """A median or percentile is shown only over at least `threshold` cases."""
    return cases == 0 or cases >= threshold
