"""Demo reports, all through the public API: the förvaltning's kvalitetsberättelse and the quality part
of its verksamhetsberättelse (with the follow-up of private providers) for this year, written and
reviewed (the nämnd adopts them once the year has ended), and its tertial report for the last tertial
that has ended, adopted by the nämnd (the socialchef records the meeting and §) and
reported to it. Adoption freezes the figures, and reporting-svc archives each adopted report as DOCX
and PDF under var/reports/."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from embedded_runner.seed.client import DemoClient
from platform_shared.timeutil import STOCKHOLM

WRITER = "demo:karin.ek"  # kvalitetsledare: writes the kvalitetsberättelse and the tertial report
REVIEWER = "demo:eva.lind"  # socialchef: reviews, records the nämnd's decision and that it was reported
MEETING_AFTER = timedelta(days=40)  # the nämnd's meeting after a tertial ends (or today, if sooner)

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
    "personuppgiftsincidenter": "Två personuppgiftsincidenter; ingen krävde anmälan till IMY.",
    "risker": "Fallrisk nattetid vid låg bemanning är fortsatt den högst värderade risken.",
    "monster": "Fall återkommer på samma enheter; läkemedelsavvikelserna har minskat.",
    "jamforelse": "Antalet avvikelser ligger i nivå med samma tertial föregående år.",
    "privata_utforare": "Avtalsuppföljningen av privata utförare har genomförts enligt plan.",
    "analys": "Förvaltningen fortsätter arbetet med fallprevention och uppföljning av läkemedelsrutinen.",
}


# The verksamhetsberättelse's quality part for this year, begun: the year's figures are live until the
# nämnd adopts it after the year has ended (its provider section shows the follow-ups of seed/risk.py).
VERKSAMHETSBERATTELSE = {
    "sammanfattning": "Utkast: årets kvalitetsarbete sammanfattas när året är slut.",
    "privata_utforare": (
        "Hemtjänst Söder drivs av Omsorgsbolaget AB inom valfrihetssystemet (LOV, avtal SN 2023/214). "
        "Nämnden följer upp avtalet varje tertial och MAS gör tillsyn av hälso- och sjukvården varje "
        "halvår; iakttagelserna och utförarens åtgärder redovisas här."
    ),
}


def last_ended_tertial(today: date) -> tuple[str, int, date]:
    """The tertial report (t1 or t2) whose period ended last before `today`, with its last day."""
    if today > date(today.year, 8, 31):
        return "t2", today.year, date(today.year, 8, 31)
    if today > date(today.year, 4, 30):
        return "t1", today.year, date(today.year, 4, 30)
    return "t2", today.year - 1, date(today.year - 1, 8, 31)


async def _report(
    demo: DemoClient, kind: str, year: int, unit_id: str, texts: dict[str, str], meeting: date | None
) -> Any:
    """Written and reviewed; with a `meeting`, adopted by the nämnd then and reported to it."""

    async def find() -> Any:
        found = await demo.all("/api/v1/reports", WRITER, year=year)
        return next((r for r in found if r["type"] == kind and r["unit_id"] == unit_id), None)

    created = await demo.call(
        "POST", "/api/v1/reports", WRITER, json={"type": kind, "year": year, "unit_id": unit_id}, find=find
    )
    path = f"/api/v1/reports/{created['id']}"
    await demo.call("PATCH", path, WRITER, json={"sections": texts})
    reviewed = await demo.call("POST", f"{path}/review", REVIEWER)
    if meeting is None:
        return reviewed
    decision = {"meeting_date": meeting.isoformat(), "paragraph": "§ 64", "reference": f"SN {year}/112"}
    await demo.call("POST", f"{path}/adopt", REVIEWER, json=decision)
    return await demo.call("POST", f"{path}/report-to-namnd", REVIEWER)


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
    today = demo.now.astimezone(STOCKHOLM).date()
    await _settled(demo, forvaltning, today.year)
    await _report(demo, "kb", today.year, forvaltning, KVALITETSBERATTELSE, None)  # the year goes on
    await _report(demo, "vb", today.year, forvaltning, VERKSAMHETSBERATTELSE, None)
    kind, year, last_day = last_ended_tertial(today)
    await _report(demo, kind, year, forvaltning, TERTIALRAPPORT, min(today, last_day + MEETING_AFTER))
