"""Demo värdighetsgarantier, through the public API: three for äldreomsorgen (Vård och omsorg and the
enheter below it) in two of the värdegrund's seven areas, the others shown as gaps; the garanti of
continuity is followed by Vård och omsorg's indicator of visits by the own staff; a relative's complaint
to Hemtjänst Norr names "Vi kommer på avtalad tid" as not kept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from embedded_runner.seed.client import DemoClient
from platform_shared.timeutil import local_date

GUARANTEES = "/api/v1/risk/guarantees"
SHOWER = "Du får bestämma när du vill duscha"
ON_TIME = "Vi kommer på avtalad tid"
KNOWN_STAFF = "Du får hjälp av personal du känner"


async def seed(demo: DemoClient) -> None:
    units = await demo.units_by_code()
    omsorg = units["VO-AO"]["id"]
    # from the start of the year (of last year in the first days of January: the complaint below is older)
    valid_from = local_date(demo.now - timedelta(days=30)).replace(month=1, day=1).isoformat()

    async def adopt(title: str, **body: Any) -> Any:
        async def find() -> Any:
            found = await demo.all(GUARANTEES, "demo:anna.falk", unit_id=omsorg)
            return next((g for g in found if g["title"] == title), None)

        json = {"unit_id": omsorg, "title": title, "valid_from": valid_from, **body}
        return await demo.call("POST", GUARANTEES, "demo:anna.falk", json=json, find=find)

    share = next(
        i
        for i in await demo.all("/api/v1/risk/indicators", "demo:anna.falk", unit_id=omsorg)
        if i["name"] == "Andel besök av ordinarie personal"
    )
    await adopt(
        SHOWER,
        area="sjalvbestammande",
        commitment="Du och personalen kommer överens om dag och tid för din dusch. Kan tiden inte hållas "
        "får du en ny tid samma vecka.",
    )
    on_time = await adopt(
        ON_TIME,
        area="trygghet",
        commitment="Vi kommer inom 15 minuter från den tid vi kommit överens om. Blir vi senare ringer vi "
        "dig innan.",
    )
    await adopt(
        KNOWN_STAFF,
        area="trygghet",
        commitment="Dina besök görs av en fast grupp personal som känner dig och dina önskemål.",
        indicator_ids=[share["id"]],
    )
    await demo.call(
        "POST",
        "/api/v1/complaints",
        "demo:lena.dahl",
        json={
            "kind": "klagomal",
            "channel": "telefon",
            "complainant_type": "narstaende",
            "unit_id": units["E-HTN"]["id"],
            "text": "Hemtjänsten kom två timmar sent tre morgnar i rad och ingen ringde.",
            "received_at": demo.ago(2),
            "guarantee_ids": [on_time["id"]],
        },
    )
