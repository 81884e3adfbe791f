"""The deviation categories of domain.md 6 (Sundsvall's taxonomy [PRACTICE]), one list for every
service: deviation-svc offers them as the tenant's default, reporting-svc tells health-care (HSL)
complaints and avvikelser from the others by them."""

from __future__ import annotations

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
