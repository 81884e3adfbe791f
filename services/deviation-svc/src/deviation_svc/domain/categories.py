"""Deviation categories (docs/domain.md 6, Sundsvall's taxonomy [PRACTICE]): the default of the tenant's
configurable list (setting DEVIATION_CATEGORIES)."""

from __future__ import annotations

from deviation_svc.domain.model import RuleViolation
from platform_shared.categories import HSL, OTHER, SOL_LSS

DEFAULT_CATEGORIES: tuple[str, ...] = SOL_LSS + HSL + OTHER


def check_category(
    category: str | None, allowed: tuple[str, ...] | list[str], field: str = "category"
) -> None:
    if category is not None and category not in allowed:
        raise RuleViolation("Inte en av de inställda kategorierna", field)
