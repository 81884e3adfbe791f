"""Demo goals and the styrkort, through the public API: a nämndmål broken down through the förvaltning
and Vård och omsorg to Hemtjänst Norr and Solgården; each enhet's indicator with a year of monthly
values (Hemtjänst Norr's share of visits by its own staff feeds Vård och omsorg's, which combines
them); Hemtjänst Norr's latest month is below its gränsvärde and comes with an activity; Solgården also
follows the deviations reported per month, computed by risk-svc's job. Then the
Kolada sample (values and titles) is imported for comparisons."""

from __future__ import annotations

from datetime import date, timedelta
from importlib import resources
from typing import Any

from embedded_runner.seed.client import DemoClient
from platform_shared.timeutil import local_date

GOALS = "/api/v1/risk/goals"
INDICATORS = "/api/v1/risk/indicators"
IMPORTS = "/api/v1/risk/imports"
SHARE = {
    "definition": "Besök av brukarens kontaktmannagrupp delat med alla besök under månaden",
    "unit_of_measure": "procent",
    "direction": "higher_is_better",
    "target": 85,
    "threshold": 75,
    "frequency": "manadsvis",
    "aggregation": "rate",
    "rate_scale": 100,
}
# Visits by the own group of 200 a month, oldest first: the latest month falls below the gränsvärde.
NORR_OWN = (172, 170, 168, 174, 171, 165, 160, 162, 166, 158, 156, 140)
SOLGARDEN_OWN = (150, 152, 149, 155, 158, 160, 161, 157, 159, 162, 163, 164)
FALLS = (5, 4, 5, 4, 4, 3, 5, 4, 3, 3, 2, 3)  # never above the gränsvärde (5)


def _months(today: date, count: int = 12) -> list[str]:
    """The last `count` ended months, oldest first (2026-01 …)."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(f"{year}-{month:02d}")
    return list(reversed(months))


class Goals:
    def __init__(self, demo: DemoClient, units: dict[str, dict[str, Any]]) -> None:
        self.demo = demo
        self.units = units

    async def person_id(self, key: str) -> str:
        people = await self.demo.all("/api/v1/org/people", self.demo.admin)
        return str(next(p["id"] for p in people if p["subject"] == f"demo:{key}"))

    async def goal(self, who: str, unit: str, title: str, parent: Any = None, **extra: Any) -> Any:
        body = {"unit_id": self.units[unit]["id"], "title": title, **extra}
        if parent is not None:
            body["parent_id"] = parent["id"]

        async def find() -> Any:
            found = await self.demo.all(GOALS, f"demo:{who}", unit_id=self.units[unit]["id"])
            return next((g for g in found if g["title"] == title), None)

        return await self.demo.call("POST", GOALS, f"demo:{who}", json=body, find=find)

    async def indicator(self, who: str, goal: Any, name: str, **body: Any) -> Any:
        async def find() -> Any:
            found = await self.demo.all(INDICATORS, f"demo:{who}", goal_id=goal["id"])
            return next((i for i in found if i["name"] == name), None)

        return await self.demo.call(
            "POST", INDICATORS, f"demo:{who}", json={"goal_id": goal["id"], "name": name, **body}, find=find
        )

    async def measure(self, who: str, indicator: Any, period: str, **body: Any) -> Any:
        path = f"{INDICATORS}/{indicator['id']}/measurements"
        return await self.demo.call("POST", path, f"demo:{who}", json={"period": period, **body})


async def seed(demo: DemoClient) -> None:
    g = Goals(demo, await demo.units_by_code())
    today = local_date(demo.now)
    year = today.year
    namnd = await g.goal(
        "karin.ek", "ROOT", "Trygg och värdig omsorg", perspective="malgrupp", from_year=year
    )
    forvaltning = await g.goal(
        "karin.ek", "FORV", "Kontinuitet i omsorgen", namnd, perspective="malgrupp", from_year=year
    )
    omsorg = await g.goal(
        "anna.falk",
        "VO-AO",
        "Färre personal per brukare",
        forvaltning,
        perspective="malgrupp",
        prioritised=True,
        from_year=year,
        factors=[{"kind": "kritisk_faktor", "perspective": "medarbetare", "text": "Fasta arbetsgrupper"}],
    )
    norr = await g.goal(
        "lena.dahl", "E-HTN", "Fasta grupper i Hemtjänst Norr", omsorg, perspective="malgrupp", from_year=year
    )
    solgarden = await g.goal(
        "erik.sand", "E-SOL", "Trygg vardag på Solgården", omsorg, perspective="verksamhet", from_year=year
    )
    share = await g.indicator("anna.falk", omsorg, "Andel besök av ordinarie personal", **SHARE)
    norr_share = await g.indicator(
        "lena.dahl", norr, "Andel besök av ordinarie personal", parent_indicator_id=share["id"], **SHARE
    )
    sol_share = await g.indicator(
        "erik.sand", solgarden, "Andel besök av ordinarie personal", parent_indicator_id=share["id"], **SHARE
    )
    falls = await g.indicator(
        "erik.sand",
        solgarden,
        "Fall per månad",
        definition="Fall rapporterade som avvikelser under månaden",
        unit_of_measure="antal",
        direction="lower_is_better",
        target=3,
        threshold=5,
        frequency="manadsvis",
        aggregation="sum",
    )
    # Computed by risk-svc's job from the deviations reported at Solgården (and any unit below it):
    # nobody enters its values.
    await g.indicator(
        "erik.sand",
        solgarden,
        "Rapporterade avvikelser per månad",
        definition="Avvikelser rapporterade under månaden i Solgården, räknade ur avvikelsehistoriken",
        unit_of_measure="antal",
        direction="lower_is_better",
        target=4,
        threshold=8,
        frequency="manadsvis",
        source="computed",
        computed_source="deviations_reported",
        aggregation="sum",
    )
    owner = await g.person_id("lena.dahl")
    due = today + timedelta(days=21)  # within the coming month, as a monthly indicator's activity must be
    for index, period in enumerate(_months(today)):
        activity = []
        if index == 11:
            activity = [
                {
                    "description": "Lägg om schemat till fasta grupper om fyra och introducera vikarierna",
                    "owner_id": owner,
                    "due_date": due.isoformat(),
                }
            ]
        await g.measure(
            "lena.dahl",
            norr_share,
            period,
            numerator=NORR_OWN[index],
            denominator=200,
            comment="Många vikarier under semestern" if index == 11 else None,
            analysis="Sjukfrånvaron steg och vikarierna fick ingen introduktion" if index == 11 else None,
            activities=activity,
        )
        await g.measure("erik.sand", sol_share, period, numerator=SOLGARDEN_OWN[index], denominator=190)
        await g.measure("erik.sand", falls, period, value=FALLS[index])

    sample = resources.files("risk_svc.demo")
    # Two uploads, by two people: the seed journal names a step by who asks what.
    for who, name, kind in (
        ("karin.ek", "kolada_sample.csv", "values"),
        ("eva.lind", "kolada_sample_titles.csv", "titles"),
    ):
        content = sample.joinpath(name).read_bytes()
        await demo.call("POST", IMPORTS, f"demo:{who}", files={"file": (name, content)}, data={"kind": kind})
