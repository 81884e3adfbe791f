"""Demo förbättringsförslag, made through the public API: one accepted into an action, one anonymous
and rejected with a motivation, one forwarded to the avdelningschef and accepted as a rutin revision,
and one waiting for its enhetschef."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from embedded_runner.seed.client import DemoClient

PATH = "/api/v1/improvement-proposals"


class Proposals:
    def __init__(self, demo: DemoClient, units: dict[str, dict[str, Any]]) -> None:
        self.demo = demo
        self.units = units

    async def person_id(self, key: str) -> str:
        people = await self.demo.all("/api/v1/org/people", self.demo.admin)
        return str(next(p["id"] for p in people if p["subject"] == f"demo:{key}"))

    async def propose(self, who: str, unit: str, title: str, text: str, anonymous: bool = False) -> str:
        body = {"unit_id": self.units[unit]["id"], "title": title, "text": text, "anonymous": anonymous}
        created = await self.demo.call("POST", PATH, f"demo:{who}", json=body)
        return str(created["id"])

    async def assess(self, chef: str, proposal_id: str, **body: Any) -> Any:
        return await self.demo.call("POST", f"{PATH}/{proposal_id}/assess", f"demo:{chef}", json=body)


async def seed(demo: DemoClient) -> None:
    p = Proposals(demo, await demo.units_by_code())

    signing = await p.propose(
        "mia.strand",
        "E-SOL",
        "Digital signering av läkemedel",
        "Signera given läkemedelsdos i appen i stället för på papperslistan, så syns missade "
        "signeringar direkt.",
    )
    due = (demo.now + timedelta(days=30)).date().isoformat()
    await p.assess(
        "erik.sand",
        signing,
        decision="accept",
        outcome="action",
        motivation="Bra förslag som minskar risken för missade doser.",
        action={
            "description": "Prova digital signering på en avdelning under en månad",
            "responsible_id": await p.person_id("mia.strand"),
            "due_date": due,
        },
    )

    handover = await p.propose(
        "mia.strand",
        "E-SOL",
        "Överrapportering vid varje pass",
        "Inför en fast tid för muntlig överrapportering även mellan kvälls- och nattpass.",
        anonymous=True,
    )
    await p.assess(
        "erik.sand",
        handover,
        decision="reject",
        motivation="Överrapporteringen sker redan skriftligt i journalen; vi ser över den i höst i stället.",
    )

    introduction = await p.propose(
        "mia.strand",
        "E-SOL",
        "Gemensam introduktion för nyanställda",
        "En gemensam introduktionsdag för alla enheter i vård och omsorg, med rutinerna för "
        "avvikelser och läkemedel.",
    )
    await p.assess(
        "erik.sand", introduction, decision="forward", motivation="Gäller hela verksamhetsområdet."
    )
    await p.assess(
        "anna.falk",
        introduction,
        decision="accept",
        outcome="rutin_revision",
        revision="Rutinen för introduktion av nyanställda kompletteras med en gemensam introduktionsdag.",
    )

    await p.propose(
        "ali.hassan",
        "E-BJO",
        "Bildstöd i veckoschemat",
        "Sätt upp veckoschemat med bilder i gemensamhetsutrymmet så att de boende ser vad som händer.",
    )
