"""Column widths fitted to a table's content, so no word is broken inside a cell: every column is at
least as wide as its longest word, and the space left is shared by how much more each column would
need to show its cells on one line."""

from __future__ import annotations

from collections.abc import Callable, Sequence


def words(text: str) -> list[str]:
    """Where a line may break: at ordinary spaces (a no-break space keeps "1 234" whole)."""
    return [w for w in text.split(" ") if w] or [""]


def fit_widths(natural: Sequence[float], minimum: Sequence[float], available: float) -> list[float] | None:
    """Widths that add up to `available`: the natural widths when they fit (widened in proportion),
    else each column's minimum plus a share of the rest. None when even the minimums do not fit."""
    total_natural, total_minimum = sum(natural), sum(minimum)
    if total_minimum > available:
        return None
    if total_natural <= available:
        return [w * available / total_natural for w in natural] if total_natural else list(natural)
    spare = available - total_minimum
    wants = [max(0.0, n - m) for n, m in zip(natural, minimum, strict=True)]
    total_wants = sum(wants) or 1.0
    return [m + spare * w / total_wants for m, w in zip(minimum, wants, strict=True)]


def measure(
    grid: Sequence[Sequence[str]], width_of: Callable[[str, bool], float], padding: float
) -> tuple[list[float], list[float]]:
    """(natural, minimum) width of each column; `width_of(text, bold)` measures a string, the header
    row is bold."""
    columns = len(grid[0])
    natural = [0.0] * columns
    minimum = [0.0] * columns
    for index, line in enumerate(grid):
        bold = index == 0
        for c, text in enumerate(line):
            natural[c] = max(natural[c], width_of(text, bold) + padding)
            longest = max(width_of(w, bold) for w in words(text))
            minimum[c] = max(minimum[c], longest + padding)
    return natural, minimum
