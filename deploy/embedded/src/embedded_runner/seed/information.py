"""Demo of the staff's information duty, through the public API: every role the demo gave made the
unit's items due (lex Sarah at every SoL/LSS unit, lex Maria where HSL is given) and every published
rutin is due for its unit's staff. Partly met: Erik took up lex Sarah at Solgården's arbetsplatsträff
with Mia, Mia confirmed that she has read the läkemedel rutin (late); her lex Maria information is still
to come and the fall rutin she has not read is overdue."""

from __future__ import annotations

from datetime import timedelta

from embedded_runner.seed.client import DemoClient

INFORMATION = "/api/v1/org/information"
DOCUMENTS = "/api/v1/org/documents"


async def seed(demo: DemoClient) -> None:
    units = await demo.units_by_code()
    solgarden = units["E-SOL"]["id"]
    items = {
        i["key"]: i["id"]
        for i in (await demo.call("GET", f"{INFORMATION}/items", "demo:mia.strand"))["items"]
    }
    people = await demo.all("/api/v1/org/people", demo.admin)
    ids = {p["subject"].removeprefix("demo:"): p["id"] for p in people if p["subject"].startswith("demo:")}

    await demo.call(
        "POST",
        f"{INFORMATION}/records",
        "demo:erik.sand",
        json={
            "item_id": items["lex_sarah_rapporteringsskyldighet"],
            "unit_id": solgarden,
            "method": "group",
            "given_on": (demo.now - timedelta(days=3)).date().isoformat(),
            "occasion": "Arbetsplatsträff på Solgården",
            "participant_ids": [ids["mia.strand"], ids["erik.sand"]],
            "note": "Genomgång av riktlinjen för lex Sarah och hur man rapporterar i verksamhetssystemet.",
        },
    )

    found = await demo.call(
        "GET", DOCUMENTS, "demo:mia.strand", params={"q": "läkemedelshantering", "kind": "rutin"}
    )
    rutin = next(d for d in found["items"] if d["title"] == "Rutin för läkemedelshantering")
    version = await demo.call(
        "GET", f"{DOCUMENTS}/{rutin['id']}/versions/{rutin['current_version']}", "demo:mia.strand"
    )
    await demo.call(
        "POST",
        f"{INFORMATION}/records",
        "demo:mia.strand",
        json={
            "item_id": items["ny_eller_reviderad_rutin"],
            "unit_id": solgarden,
            "method": "self_acknowledged",
            "given_on": demo.now.date().isoformat(),
            "participant_ids": [ids["mia.strand"]],
            "document_version_id": version["id"],
        },
    )
