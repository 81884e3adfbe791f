"""Demo deviations in every state, a Lex Sarah case escalated to IVO, complaints and a data breach —
all made through the public API, as the people whose work it is."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from embedded_runner.seed.client import DemoClient

SECTIONS = (
    ("what_happened", "Vad som hände och när"),
    ("consequences", "Konsekvenser för brukaren"),
    ("noticed", "När och hur det upptäcktes"),
    ("causes", "Rutinen var inte känd av nyanställd personal"),
    ("earlier_events", "Liknande händelse våren innan"),
    ("recurrence_risk", "Risk att det upprepas utan åtgärd"),
    ("measures", "Introduktion ses över"),
)


class Cases:
    def __init__(self, demo: DemoClient, units: dict[str, dict[str, Any]]) -> None:
        self.demo = demo
        self.units = units
        self.people: dict[str, str] = {}
        self._n = 0

    async def person_id(self, key: str) -> str:
        if not self.people:
            people = await self.demo.all("/api/v1/org/people", self.demo.admin)
            self.people = {p["subject"].removeprefix("demo:"): p["id"] for p in people}
        return self.people[key]

    async def post(self, who: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return await self.demo.call("POST", path, f"demo:{who}", json=body or {})

    async def report(self, who: str, kind: str, unit: str, category: str, text: str, days_ago: float) -> str:
        self._n += 1
        created = await self.post(
            who,
            "/api/v1/deviations",
            {
                "type": kind,
                "unit_id": self.units[unit]["id"],
                "occurred_at": self.demo.ago(days_ago),
                "discovered_at": self.demo.ago(days_ago - 0.1),
                "description": text,
                "category": category,
                "source": {"system": "demo", "external_id": f"DEMO-{self._n}"},
            },
        )
        return str(created["id"])

    async def step(self, who: str, deviation_id: str, verb: str, body: dict[str, Any] | None = None) -> Any:
        return await self.post(who, f"/api/v1/deviations/{deviation_id}/{verb}", body)

    async def receive(self, chef: str, deviation_id: str, measures: str | None = None) -> None:
        body = {"immediate_measures": measures} if measures else {"no_immediate_measures_needed": True}
        await self.step(chef, deviation_id, "receive", body)

    async def investigate(self, chef: str, investigator: str, deviation_id: str, title: str) -> None:
        await self.step(
            chef, deviation_id, "start-investigation", {"investigator_id": await self.person_id(investigator)}
        )
        for section, text in SECTIONS:
            await self.step(
                investigator,
                deviation_id,
                "investigation/entries",
                {
                    "section": section,
                    "kind": "fact" if section != "recurrence_risk" else "assessment",
                    "entry_date": self.demo.ago(1)[:10],
                    "source": "Samtal med personal och genomgång av dokumentation",
                    "text": text,
                    "author_title": title,
                    **({"cause_area": "rutiner_riktlinjer"} if section == "causes" else {}),
                },
            )

    async def action(self, who: str, deviation_id: str, text: str, responsible: str, due_days: int) -> str:
        due = (self.demo.now + timedelta(days=due_days)).date().isoformat()
        created = await self.step(who, deviation_id, "actions", {"description": text, "horizon": "kort"})
        await self.step(
            who,
            deviation_id,
            f"actions/{created['id']}/plan",
            {"responsible_id": await self.person_id(responsible), "due_date": due},
        )
        return str(created["id"])


async def seed(demo: DemoClient) -> None:
    units = await demo.units_by_code()
    c = Cases(demo, units)

    # reported: waiting for the enhetschef
    await c.report(
        "mia.strand", "avvikelse", "E-SOL", "arbetssatt_rutiner", "Rutin för nattillsyn följdes inte.", 2
    )

    # received
    fall = await c.report("mia.strand", "hsl", "E-SOL", "fall", "Fall i badrum, blåmärke på höften.", 3)
    await c.receive("erik.sand", fall, "Sjuksköterska tittade till brukaren, anhöriga informerade.")

    # investigating
    alarm = await c.report(
        "ali.hassan", "avvikelse", "E-BJO", "miljo_utrustning_teknik", "Larmet ur funktion under natten.", 6
    )
    await c.receive("omar.said", alarm, "Larmet bytt samma natt.")
    await c.step(
        "omar.said", alarm, "start-investigation", {"investigator_id": await c.person_id("omar.said")}
    )

    # decided (no action yet)
    key = await c.report(
        "mia.strand", "avvikelse", "E-SOL", "rattssakerhet", "Nyckel till läkemedelsskåp saknades.", 12
    )
    await c.receive("erik.sand", key)
    await c.investigate("erik.sand", "erik.sand", key, "Enhetschef")
    await c.step(
        "erik.sand", key, "complete-investigation", {"conclusion": "Nyckelrutinen behöver förtydligas."}
    )
    await c.step("erik.sand", key, "decision", {"motivation": "Brist i nyckelhanteringen."})

    # actions: a Lex Maria-assessed medication error, the MAS investigates and decides
    dose = await c.report(
        "erik.sand", "hsl", "E-SOL", "lakemedel", "Fel dos läkemedel given vid kvällsmedicinering.", 20
    )
    await c.receive("erik.sand", dose, "Läkare kontaktad, brukaren observerad under natten.")
    await c.investigate("erik.sand", "maria.berg", dose, "Medicinskt ansvarig sjuksköterska")
    await c.step(
        "maria.berg", dose, "complete-investigation", {"conclusion": "Signeringslistan användes inte."}
    )
    await c.step(
        "maria.berg", dose, "decision", {"degree": "vardskada", "motivation": "Övergående vårdskada."}
    )
    await c.action("erik.sand", dose, "Dubbelsignering vid kvällsmedicinering", "erik.sand", 14)

    # follow_up: the action is done, its effect not yet evaluated
    shower = await c.report(
        "mia.strand", "avvikelse", "E-SOL", "utforande", "Dusch uteblev enligt genomförandeplan.", 30
    )
    await c.receive("erik.sand", shower)
    await c.investigate("erik.sand", "erik.sand", shower, "Enhetschef")
    await c.step(
        "erik.sand",
        shower,
        "complete-investigation",
        {"conclusion": "Schemat tog inte hänsyn till insatsen."},
    )
    await c.step("erik.sand", shower, "decision", {"motivation": "Brist i planeringen."})
    planned = await c.action("erik.sand", shower, "Insatsen läggs in i schemat", "mia.strand", 7)
    await c.step("mia.strand", shower, f"actions/{planned}/complete")

    # closed, every phase passed
    door = await c.report(
        "ali.hassan", "avvikelse", "E-BJO", "arbetssatt_rutiner", "Ytterdörren lämnades olåst.", 45
    )
    await c.receive("omar.said", door, "Dörren låstes.")
    await c.investigate("omar.said", "omar.said", door, "Enhetschef")
    await c.step(
        "omar.said", door, "complete-investigation", {"conclusion": "Rutin för kvällsrond saknades."}
    )
    await c.step("omar.said", door, "decision", {"motivation": "Rutinen ska finnas."})
    # The action's owner carries it out; the investigating chef evaluates its effect (not the owner).
    checklist = await c.action("omar.said", door, "Checklista för kvällsrond", "ali.hassan", 10)
    await c.step("ali.hassan", door, f"actions/{checklist}/complete")
    await c.step(
        "omar.said",
        door,
        f"actions/{checklist}/follow-up",
        {"effect": "Dörren låst varje kväll", "effective": True},
    )
    await c.step("omar.said", door, "close")

    # voided: a wrong registration
    twice = await c.report(
        "mia.strand", "avvikelse", "E-SOL", "arbetssatt_rutiner", "Rutin för nattillsyn följdes inte.", 2
    )
    await c.step("erik.sand", twice, "void", {"reason": "Dubbelregistrering av samma händelse."})

    # Lex Sarah escalated to IVO at receipt: sent, nämnd informed, the SAS investigating
    sarah = await c.report(
        "ali.hassan", "lex_sarah", "E-BJO", "utforande", "Planerad insats uteblev två dagar i rad.", 8
    )
    await c.receive("omar.said", sarah, "Insatsen genomförd, extra bemanning insatt.")
    await c.step(
        "eva.lind",
        sarah,
        "ivo-decision",
        {
            "degree": "pataglig_risk_allvarligt",
            "rationale": "Utebliven insats innebar en påtaglig risk för allvarligt missförhållande.",
        },
    )
    # Sent, and the nämnd informed, when it was decided: never before (dates in order, issue 12).
    escalated = await demo.call("GET", f"/api/v1/deviations/{sarah}", "demo:eva.lind")
    decided_at = escalated["ivo_notification"]["decided_at"]
    await c.step(
        "eva.lind",
        sarah,
        "ivo-notification/sent",
        {"sent_at": decided_at, "ivo_case_number": "3.5.1-00000/2026"},
    )
    await c.step("eva.lind", sarah, "ivo-notification/namnd-informed", {"informed_at": decided_at})
    await c.step(
        "omar.said", sarah, "start-investigation", {"investigator_id": await c.person_id("per.nord")}
    )

    # Lex Maria: a fall with a fracture; the MAS decides the anmälan and files it, the socialchef is told
    fracture = await c.report(
        "mia.strand", "hsl", "E-SOL", "fall", "Fall vid förflyttning med lyft, höftfraktur.", 4
    )
    await c.receive("erik.sand", fracture, "Ambulans tillkallad, anhöriga informerade.")
    await c.step(
        "maria.berg",
        fracture,
        "ivo-decision",
        {
            "degree": "allvarlig_vardskada",
            "rationale": "Fallet ledde till en höftfraktur (allvarlig vårdskada).",
        },
    )
    maria = await demo.call("GET", f"/api/v1/deviations/{fracture}", "demo:maria.berg")
    await c.step(
        "maria.berg",
        fracture,
        "ivo-notification/sent",
        {"sent_at": maria["ivo_notification"]["decided_at"], "ivo_case_number": "3.5.1-00001/2026"},
    )

    # complaints: a named one acknowledged, an anonymous synpunkt
    complaint = await c.post(
        "erik.sand",
        "/api/v1/complaints",
        {
            "kind": "klagomal",
            "channel": "telefon",
            "complainant_type": "narstaende",
            "unit_id": units["E-SOL"]["id"],
            "text": "Anhörig upplever att besök inte passar med måltiderna.",
            "received_at": demo.ago(3),
        },
    )
    await c.post("erik.sand", f"/api/v1/complaints/{complaint['id']}/acknowledge")
    await c.post(
        "lena.dahl",
        "/api/v1/complaints",
        {
            "kind": "synpunkt",
            "channel": "webbformular",
            "complainant_type": "anonym",
            "unit_id": units["E-HTN"]["id"],
            "text": "Önskar fasta tider för hemtjänstens besök.",
        },
    )

    # a personuppgiftsincident, assessed and reported to IMY
    breach = await c.post(
        "mia.strand",
        "/api/v1/data-breaches",
        {
            "unit_id": units["E-SOL"]["id"],
            "discovered_at": demo.ago(1),
            "occurred_at": demo.ago(1.2),
            "description": "Genomförandeplan skickades till fel anhörig.",
            "data_categories": ["halsa", "sekretess"],
            "subject_groups": ["brukare"],
            "approx_subjects": 1,
            "approx_records": 1,
        },
    )
    await c.post(
        "erik.sand",
        f"/api/v1/data-breaches/{breach['id']}/assess",
        {"risk": "risk", "motivation": "Hälsouppgifter till obehörig."},
    )
    await c.post(
        "eva.lind", f"/api/v1/data-breaches/{breach['id']}/report-to-imy", {"imy_ref": "IMY-2026-0001"}
    )
