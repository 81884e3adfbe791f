"""The demo årshjul for the current year, made through the public API: the default template for every
unit, the förvaltning's adopted by the socialchef and Solgården's by its enhetschef; a few activities
marked done by hand, one of Solgården's own due within two weeks, and the ones whose day has passed
late (deadlines: their Swedish notifications go to the responsible). Runs before the reports, so the
tertial report the nämnd adopts there fulfils the förvaltning's activity by itself."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from embedded_runner.seed.client import DemoClient

PATH = "/api/v1/arshjul"
PLANNER = "demo:karin.ek"  # kvalitetsledare
SOCIALCHEF = "demo:eva.lind"
SOLGARDEN_CHEF = "demo:erik.sand"


async def _wheel(demo: DemoClient, year: int, unit_id: str) -> dict[str, Any]:
    found: dict[str, Any] = await demo.call("GET", PATH, PLANNER, params={"year": year, "unit_id": unit_id})
    return found


def _own(wheel: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["template_key"]: a for a in wheel["activities"] if not a["inherited"] and a["template_key"]}


async def _done(demo: DemoClient, who: str, activity: dict[str, Any], today: date, note: str) -> None:
    due = date.fromisoformat(activity["due_on"])
    if due > today or activity["status"] in ("done", "cancelled"):
        return
    body = {"fulfilled_on": (due - timedelta(days=3)).isoformat(), "note": note}
    await demo.call("POST", f"{PATH}/activities/{activity['id']}/complete", who, json=body)


async def seed(demo: DemoClient) -> None:
    today = demo.now.date()
    year = today.year
    units = await demo.units_by_code()
    await demo.call("POST", f"{PATH}/generate", PLANNER, json={"year": year})

    forvaltning = await _wheel(demo, year, units["FORV"]["id"])
    own = _own(forvaltning)
    await _done(demo, PLANNER, own["kvalitetsrad_vb"], today, "Kvalitetsrådet hölls; protokollet i diariet")
    await _done(
        demo, PLANNER, own["ledningssystem"], today, "Processerna och rutinerna genomgångna i ledningsgruppen"
    )
    decided = min(today, date(year, 1, 20)).isoformat()
    if forvaltning["status"] == "draft":
        await demo.call(
            "POST",
            f"{PATH}/{forvaltning['id']}/adopt",
            SOCIALCHEF,
            json={"decided_on": decided, "reference": f"SN {year}/4"},
        )

    solgarden = await _wheel(demo, year, units["E-SOL"]["id"])
    mine = _own(solgarden)
    await _done(demo, SOLGARDEN_CHEF, mine["information_lex_sarah"], today, "Genomgånget på APT")
    soon = min(today + timedelta(days=10), date(year, 12, 31)).isoformat()
    await demo.call(
        "POST",
        f"{PATH}/{solgarden['id']}/activities",
        SOLGARDEN_CHEF,
        json={"title": "Brukarundersökning Solgården", "due_on": soon, "kind": "brukarundersokning"},
    )
    if solgarden["status"] == "draft":
        await demo.call(
            "POST", f"{PATH}/{solgarden['id']}/adopt", SOLGARDEN_CHEF, json={"decided_on": decided}
        )
