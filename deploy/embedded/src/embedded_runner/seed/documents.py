"""Demo of the ledningssystem's documents, through the public API: a process map with a huvudprocess
and a stödprocess and their activities, the nämnd's riktlinje for lex Sarah (decided at a meeting, §),
Solgården's rutiner (one published over a year ago and now overdue for review: its owner and her chef
are told; one with a förbättringsförslag accepted as a revision of it), and the avdelning's rutin
for introducing new staff, in force with a new draft in the works."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from embedded_runner.seed.client import DemoClient
from platform_shared.timeutil import local_date

DOCUMENTS = "/api/v1/org/documents"

LAKEMEDEL = """Varje boende ska få rätt läkemedel, i rätt dos, vid rätt tid.

## Så här gör vi

1. Läkemedel delas enligt ordinationen i läkemedelslistan.
2. Varje given dos signeras direkt i signeringslistan.
3. En missad eller felaktig dos är en avvikelse: rapportera den samma dag och kontakta
   sjuksköterskan.
"""

FALL = """## Så här gör vi

- Gör en riskbedömning för fall när en boende flyttar in och när hälsotillståndet ändras.
- Kom överens om åtgärder i genomförandeplanen (belysning, hjälpmedel, tillsyn nattetid).
- Efter ett fall: kontakta sjuksköterskan, rapportera avvikelsen och följ upp riskbedömningen.
"""

LEX_SARAH = """## Rapporteringsskyldighet

Den som fullgör uppgifter inom socialtjänsten ska genast rapportera missförhållanden och påtagliga
risker för missförhållanden (SoL 27 kap.).

## Utredning och anmälan

Rapporten tas emot av enhetschefen, utreds skyndsamt och anmäls till IVO när missförhållandet är
allvarligt.
"""

INTRODUKTION = """Nyanställda ska veta hur vi arbetar innan de arbetar ensamma.

## Så här gör vi

- Den första veckan går den nyanställda bredvid en erfaren kollega.
- Enhetschefen går igenom rapporteringsskyldigheten enligt lex Sarah och rutinerna för
  avvikelser och läkemedel.
"""


class Documents:
    def __init__(self, demo: DemoClient, units: dict[str, dict[str, Any]]) -> None:
        self.demo = demo
        self.units = units
        self.today = local_date(demo.now)

    def day(self, days_ago: int) -> str:
        return (self.today - timedelta(days=days_ago)).isoformat()

    async def node(self, kind: str, name: str, parent: str | None = None, **extra: Any) -> str:
        body = {"kind": kind, "name": name, **({"parent_id": parent} if parent else {}), **extra}
        created = await self.demo.call("POST", f"{DOCUMENTS}/process-nodes", "demo:karin.ek", json=body)
        return str(created["id"])

    async def document(self, who: str, unit: str, **body: Any) -> str:
        body.setdefault("owner_unit_id", self.units[unit]["id"])
        body.setdefault("unit_ids", [self.units[unit]["id"]])
        created = await self.demo.call("POST", DOCUMENTS, f"demo:{who}", json=body)
        return str(created["id"])

    async def adopt(
        self, document_id: str, who: str, decision: dict[str, Any], valid_from: date | str
    ) -> None:
        """Submitted by its owner, decided, and published from `valid_from`."""
        path = f"{DOCUMENTS}/{document_id}/versions/1"
        await self.demo.call("POST", f"{path}/submit", f"demo:{who}")
        await self.demo.call("POST", f"{path}/decide", decision.pop("by", f"demo:{who}"), json=decision)
        await self.demo.call("POST", f"{path}/publish", f"demo:{who}", json={"valid_from": str(valid_from)})


async def seed(demo: DemoClient) -> None:
    d = Documents(demo, await demo.units_by_code())

    insatser = await d.node(
        "process",
        "Genomföra insatser",
        process_type="huvudprocess",
        description="Vård och omsorg enligt beslut och genomförandeplan",
    )
    lakemedel = await d.node("activity", "Läkemedelshantering", insatser)
    fall = await d.node("activity", "Förebygga fall", insatser)
    introduktion = await d.node("activity", "Introduktion av nyanställda", insatser)
    avvikelser = await d.node(
        "process", "Avvikelser och lex Sarah", process_type="stodprocess", owner_role="kvalitetsledare"
    )
    rapportera = await d.node("activity", "Rapportera missförhållanden", avvikelser)

    lex_sarah = await d.document(
        "eva.lind",
        "FORV",
        kind="riktlinje",
        title="Riktlinje för lex Sarah",
        purpose="Rapporteringsskyldighet, utredning och anmälan av missförhållanden",
        body=LEX_SARAH,
        owner_role="socialchef",
        principal=True,
        legal_basis=["SoL 27 kap.", "SOSFS 2011:5"],
        process_node_ids=[rapportera],
    )
    meeting = d.day(75)
    await d.adopt(
        lex_sarah,
        "eva.lind",
        {
            "by": "demo:karin.ek",
            "body": "namnd",
            "meeting_date": meeting,
            "paragraph": 85,
            "reference": "SN 2026/12",
        },
        d.day(70),
    )

    rutin = await d.document(
        "erik.sand",
        "E-SOL",
        kind="rutin",
        title="Rutin för läkemedelshantering",
        purpose="Säker hantering av läkemedel på Solgården",
        body=LAKEMEDEL,
        owner_role="enhetschef",
        legal_basis=["HSLF-FS 2017:37"],
        process_node_ids=[lakemedel],
    )
    await d.adopt(
        rutin, "erik.sand", {"body": "role", "role": "enhetschef", "decided_on": d.day(40)}, d.day(35)
    )
    # A förbättringsförslag Erik accepts as a revision of his rutin: org-svc shows it on the rutin.
    proposal = await demo.call(
        "POST",
        "/api/v1/improvement-proposals",
        "demo:mia.strand",
        json={
            "unit_id": d.units["E-SOL"]["id"],
            "title": "Dubbelkontroll av dosetter",
            "text": "Låt två personer kontrollera veckans dosetter när de delas, så upptäcks fel "
            "före given dos.",
        },
    )
    await demo.call(
        "POST",
        f"/api/v1/improvement-proposals/{proposal['id']}/assess",
        "demo:erik.sand",
        json={
            "decision": "accept",
            "outcome": "rutin_revision",
            "document_id": rutin,
            "revision": "Rutinen kompletteras med dubbelkontroll när dosetterna delas.",
        },
    )

    # Published 13 months ago with a 12-month interval: overdue for review (Erik and his chef are told).
    falls = await d.document(
        "erik.sand",
        "E-SOL",
        kind="rutin",
        title="Rutin vid fallolyckor",
        purpose="Att förebygga fall och fallskador",
        body=FALL,
        owner_role="enhetschef",
        legal_basis=["SOSFS 2011:9"],
        process_node_ids=[fall],
    )
    await d.adopt(
        falls, "erik.sand", {"body": "role", "role": "enhetschef", "decided_on": d.day(400)}, d.day(396)
    )

    intro = await d.document(
        "anna.falk",
        "VO-AO",
        kind="rutin",
        title="Rutin för introduktion av nyanställda",
        purpose="Introduktion i vård och omsorg",
        body=INTRODUKTION,
        owner_role="avdelningschef",
        process_node_ids=[introduktion],
        review_interval_months=24,
    )
    await d.adopt(
        intro, "anna.falk", {"body": "role", "role": "avdelningschef", "decided_on": d.day(200)}, d.day(200)
    )
    await demo.call(
        "POST",
        f"{DOCUMENTS}/{intro}/versions",
        "demo:anna.falk",
        json={
            "change_summary": "En gemensam introduktionsdag för hela verksamhetsområdet (förbättringsförslag)"
        },
    )
