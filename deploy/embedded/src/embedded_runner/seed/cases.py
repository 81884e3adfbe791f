"""Demo deviations, complaints and data breaches (issue 4 fills in every state)."""

from __future__ import annotations

from embedded_runner.seed.client import DemoClient


async def seed(demo: DemoClient) -> None:
    units = await demo.units_by_code()
    reports = [
        ("mia.strand", "avvikelse", "E-SOL", "arbetssatt_rutiner", "Rutin för nattillsyn följdes inte."),
        ("mia.strand", "hsl", "E-SOL", "fall", "Fall i badrum, blåmärke på höften."),
        ("ali.hassan", "lex_sarah", "E-BJO", "utforande", "Planerad insats uteblev två dagar i rad."),
        ("ali.hassan", "avvikelse", "E-BJO", "miljo_utrustning_teknik", "Larmet ur funktion under natten."),
        ("erik.sand", "hsl", "E-SOL", "lakemedel", "Fel dos läkemedel given vid kvällsmedicinering."),
    ]
    created = []
    for index, (who, kind, unit, category, text) in enumerate(reports, start=1):
        created.append(
            await demo.call(
                "POST",
                "/api/v1/deviations",
                f"demo:{who}",
                json={
                    "type": kind,
                    "unit_id": units[unit]["id"],
                    "occurred_at": "2026-01-15T08:00:00+01:00",
                    "description": text,
                    "category": category,
                    "source": {"system": "demo", "external_id": f"DEMO-{index}"},
                },
            )
        )
    await demo.call(
        "POST",
        f"/api/v1/deviations/{created[2]['id']}/ivo-decision",
        "demo:eva.lind",
        json={
            "degree": "pataglig_risk_allvarligt",
            "rationale": "Utebliven insats innebar en påtaglig risk för allvarligt missförhållande.",
        },
    )
