"""Demo risks, analyses and the internkontrollplan (issue 5 fills it in)."""

from __future__ import annotations

from embedded_runner.seed.client import DemoClient


async def seed(demo: DemoClient) -> None:
    units = await demo.units_by_code()
    await demo.call(
        "POST",
        "/api/v1/risk/risks",
        "demo:erik.sand",
        json={
            "unit_id": units["E-SOL"]["id"],
            "title": "Fallrisk nattetid vid låg bemanning",
            "probability": 3,
            "consequence": 3,
        },
    )
