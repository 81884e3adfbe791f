"""A demo kvalitetsråd, made through the public API: Solgårdens äldreboende met three weeks ago
(the kvalitetsledare Karin Ek wrote the protokoll, the enhetschef Erik Sand justerade it today) with
notes, decisions and two actions; Vård och omsorg's next kvalitetsråd, in a week, announces
Solgården's protokoll under "Anmälan av protokoll", and Solgården's next one carries its open actions
on the balanslista."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from embedded_runner.seed.client import DemoClient
from platform_shared.timeutil import STOCKHOLM

PATH = "/api/v1/kvalitetsrad"
SECRETARY = "demo:karin.ek"  # kvalitetsledare: nedtecknar
CHEF = "demo:erik.sand"  # enhetschef of Solgården: justerar

NOTES: dict[str, dict[str, str]] = {
    "uppfoljning": {
        "notes": "Underlaget gicks igenom inför rapporten; fallen och klagomålen lyfts särskilt."
    },
    "klagomal": {
        "notes": "Två klagomål på maten och ett beröm för bemötandet vid inflyttning.",
        "decisions": "Kosten tas upp med köket; svaren till de klagande skickas inom fyra veckor.",
    },
    "fel_och_brister": {
        "notes": "Flera fall nattetid; en lex Sarah-rapport om ett uteblivet kvällsbesök är utredd.",
        "decisions": "Nattillsynen ses över.",
    },
    "avvikelser_hsl": {"notes": "Läkemedelsavvikelserna gäller främst missade signeringar."},
    "ledningssystemet": {"notes": "Rutinen för nattillsyn revideras och tas upp på nästa arbetsplatsträff."},
    "ovrigt": {"notes": "Inga övriga frågor."},
}


def occasion_for(day: date) -> str:
    """What a meeting on `day` prepares: the VB early in the year, T1 in spring, T2 in summer, the VP
    in the autumn."""
    return "vb" if day.month <= 2 else "t1" if day.month <= 5 else "t2" if day.month <= 8 else "vp"


class Kvalitetsrad:
    def __init__(self, demo: DemoClient, units: dict[str, dict[str, Any]], people: dict[str, str]) -> None:
        self.demo = demo
        self.units = units
        self.people = people

    async def plan(self, unit: str, day: date, chef: str, participants: list[str]) -> dict[str, Any]:
        body = {
            "unit_id": self.units[unit]["id"],
            "occasion": occasion_for(day),
            "meeting_on": day.isoformat(),
            "participant_ids": [self.people[p] for p in participants],
            "secretary_id": self.people["karin.ek"],
            "chef_id": self.people[chef],
        }
        meeting: dict[str, Any] = await self.demo.call("POST", PATH, SECRETARY, json=body)
        return meeting


async def seed(demo: DemoClient) -> None:
    everyone = await demo.all("/api/v1/org/people", demo.admin)
    people = {str(p["subject"]).removeprefix("demo:"): str(p["id"]) for p in everyone}
    k = Kvalitetsrad(demo, await demo.units_by_code(), people)
    today = demo.now.astimezone(STOCKHOLM).date()

    held = await k.plan(
        "E-SOL", today - timedelta(days=21), "erik.sand", ["erik.sand", "karin.ek", "mia.strand"]
    )
    path = f"{PATH}/{held['id']}"
    for key, text in NOTES.items():
        await demo.call("PUT", f"{path}/items/{key}", SECRETARY, json=text)
    for item, description, owner, days in (
        ("fel_och_brister", "Se över nattillsynen och larmen", "erik.sand", 45),
        ("avvikelser_hsl", "Inför digital signering av läkemedel på en avdelning", "mia.strand", 60),
    ):
        due = (today + timedelta(days=days)).isoformat()
        body = {"item_key": item, "description": description, "owner_id": people[owner], "due_date": due}
        await demo.call("POST", f"{path}/actions", SECRETARY, json=body)
    await demo.call("POST", f"{path}/held", SECRETARY, json={})
    await demo.call("POST", f"{path}/justera", CHEF)

    await k.plan("VO-AO", today + timedelta(days=7), "anna.falk", ["anna.falk", "erik.sand", "karin.ek"])
    await k.plan("E-SOL", today + timedelta(days=70), "erik.sand", ["erik.sand", "karin.ek", "mia.strand"])
