"""Demo reports: the förvaltning's kvalitetsberättelse and T1 report, written, reviewed, adopted and
reported to the nämnd, all through the public API. Adoption freezes their figures, and reporting-svc
archives each adopted report as DOCX and PDF under var/reports/."""

from __future__ import annotations

import asyncio
from typing import Any

from embedded_runner.seed.client import DemoClient
from platform_shared.timeutil import STOCKHOLM

WRITER = "demo:karin.ek"  # kvalitetsledare: writes the kvalitetsberättelse and the tertial report
REVIEWER = "demo:eva.lind"  # socialchef: reviews
NAMND = "demo:nils.holm"  # the nämnd: adopts and records that it was reported

KVALITETSBERATTELSE = {
    "sammanfattning": (
        "Socialförvaltningen har under året arbetat systematiskt med att rapportera, utreda och lära av "
        "avvikelser. Antalet rapporter visar att medarbetarna rapporterar det de ser, också när inget "
        "har hänt men hade kunnat hända."
    ),
    "kvalitetsarbetet": (
        "Ledningssystemet följer SOSFS 2011:9. Varje enhet har kvalitetsråd fyra gånger per år inför "
        "tertialrapporterna, verksamhetsberättelsen och verksamhetsplanen. Kvalitetsledaren sammanställer "
        "avvikelser, klagomål och synpunkter och letar efter mönster och trender.\n\n"
        "Medarbetarna har fått information om skyldigheten att rapportera missförhållanden enligt lex Sarah "
        "vid introduktion och vid arbetsplatsträffar."
    ),
    "avvikelser": (
        "Rapporterna gäller framför allt rutiner för tillsyn, läkemedelshantering och fall. En rapport "
        "enligt lex Sarah bedömdes som en påtaglig risk för ett allvarligt missförhållande och anmäldes till "
        "IVO; nämnden informerades."
    ),
    "klagomal": "Klagomål och synpunkter har besvarats inom fyra veckor och analyserats per område.",
    "risker_och_kontroller": (
        "Riskanalysen inför året pekade ut fallrisk nattetid vid låg bemanning som prioriterad risk. "
        "Kontrollmomenten i internkontrollplanen har genomförts enligt plan."
    ),
    "monster": "Fall och läkemedelsavvikelser följs särskilt, eftersom de återkommer på samma enheter.",
    "atgarder": (
        "Rutinen för nattillsyn har förtydligats, larmen har setts över och signeringslistor för "
        "läkemedel har införts på alla enheter med hälso- och sjukvård."
    ),
    "resultat": (
        "Alla lex Sarah-rapporter har utretts och avslutats inom förvaltningens mål för handläggningstid."
    ),
    "forbattringar": (
        "Kommande år: händelseanalys av återkommande fall, uppföljning av läkemedelsrutinen och fler "
        "stickprov i internkontrollen."
    ),
}

TERTIALRAPPORT = {
    "sammanfattning": (
        "Under årets första tertial har enheterna fortsatt att rapportera avvikelser och klagomål. "
        "Ingen enhet sticker ut, men fall följs särskilt."
    ),
    "maluppfyllelse": "Målet att alla avvikelser ska tas emot inom en arbetsdag har i stort sett nåtts.",
    "avvikelser": "Avvikelserna redovisas per nivå enligt förvaltningens riktlinje (A, B och C).",
    "klagomal": "Inkomna klagomål har kvitterats och besvarats inom fyra veckor.",
    "internkontroll": "Kontrollmomenten för tertialen är genomförda utan väsentliga anmärkningar.",
    "handlaggning": "Handläggningstiderna ligger inom förvaltningens mål.",
    "analys": "Förvaltningen fortsätter arbetet med fallprevention och uppföljning av läkemedelsrutinen.",
}


async def _report(demo: DemoClient, kind: str, year: int, unit_id: str, texts: dict[str, str]) -> Any:
    async def find() -> Any:
        found = await demo.all("/api/v1/reports", WRITER, year=year)
        return next((r for r in found if r["type"] == kind and r["unit_id"] == unit_id), None)

    created = await demo.call(
        "POST", "/api/v1/reports", WRITER, json={"type": kind, "year": year, "unit_id": unit_id}, find=find
    )
    path = f"/api/v1/reports/{created['id']}"
    await demo.call("PATCH", path, WRITER, json={"sections": texts})
    await demo.call("POST", f"{path}/review", REVIEWER)
    await demo.call("POST", f"{path}/adopt", NAMND)
    return await demo.call("POST", f"{path}/report-to-namnd", NAMND)


async def _settled(demo: DemoClient, unit_id: str, year: int, polls: int = 3, limit_s: float = 15.0) -> None:
    """Reporting reads other services' events asynchronously: wait until the demo cases are counted
    (the same total a few polls in a row) before figures are frozen by adoption."""
    params = {"from": f"{year}-01-01", "to": f"{year}-12-31", "unit_id": unit_id}
    seen: list[int] = []
    for _ in range(int(limit_s / 0.2)):
        summary = await demo.call("GET", "/api/v1/reports/deviations/summary", WRITER, params=params)
        seen.append(summary["total"] or 0)
        if len(seen) >= polls and seen[-1] > 0 and len(set(seen[-polls:])) == 1:
            return
        await asyncio.sleep(0.2)


async def seed(demo: DemoClient) -> None:
    units = await demo.units_by_code()
    forvaltning = units["FORV"]["id"]
    year = demo.now.astimezone(STOCKHOLM).year
    await _settled(demo, forvaltning, year)
    await _report(demo, "kb", year, forvaltning, KVALITETSBERATTELSE)
    await _report(demo, "t1", year, forvaltning, TERTIALRAPPORT)
