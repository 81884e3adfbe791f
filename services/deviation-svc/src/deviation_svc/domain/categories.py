"""Deviation categories (docs/domain.md 6, Sundsvall's taxonomy [PRACTICE]): the default of the tenant's
configurable list (setting DEVIATION_CATEGORIES)."""

from __future__ import annotations

from deviation_svc.domain.model import RuleViolation

SOL_LSS = (
    "arbetssatt_rutiner",
    "bemotande",
    "miljo_utrustning_teknik",
    "rattssakerhet",
    "utforande",
    "ekonomiska_overgrepp",
    "fysiska_overgrepp_hot_vald",
    "psykiska_overgrepp",
    "sexuella_overgrepp",
)
HSL = (
    "fall",
    "lakemedel",
    "ej_utford_ordination",
    "medicinteknik_hjalpmedel",
    "trycksar",
    "nutrition",
    "vardrelaterad_infektion",
    "hygien",
    "palliativ_vard",
    "rehabilitering",
    "munhalsa",
    "suicid",
    "information_kommunikation",
)
OTHER = ("personuppgiftsincident", "samverkan_regionen", "ovrigt")

DEFAULT_CATEGORIES: tuple[str, ...] = SOL_LSS + HSL + OTHER


def check_category(
    category: str | None, allowed: tuple[str, ...] | list[str], field: str = "category"
) -> None:
    if category is not None and category not in allowed:
        raise RuleViolation("Inte en av de inställda kategorierna", field)
