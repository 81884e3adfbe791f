"""The ledningssystem's documents through the API: who may decide which kind, versions kept readable,
the review cycle and its deadline, and the Swedish search (both databases)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from org_svc.service_layer.documents.reviews import scheduler
from platform_shared.contracts.deviation import DeviationReported, ImprovementProposalAccepted
from platform_shared.contracts.risk import RiskAssessed
from platform_shared.testing import publish as publish_events
from platform_shared.testing import wait_until
from tests.conftest import Harness, start

D = "/documents"


@pytest.fixture
async def org(db_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    """The standard organisation with a verksamhetschef for omsorg and an enhetschef for enhet_b, the
    scheduler left to the test."""
    async for h in start(db_url, tmp_path, run_scheduler=False):
        await h.unit("forvaltning", "forvaltning", "namnd", ("SoL", "LSS", "HSL"))
        await h.unit("omsorg", "verksamhetsomrade", "forvaltning", ("SoL", "HSL"))
        await h.unit("enhet_a", "enhet", "omsorg", ("SoL", "HSL"))
        await h.unit("enhet_b", "enhet", "omsorg", ("SoL",))
        await h.person("socialchef", ("socialchef", "forvaltning"))
        await h.person("mas", ("mas", "forvaltning"))
        await h.person("kvalitetsledare", ("kvalitetsledare", "forvaltning"))
        await h.person("verksamhetschef", ("verksamhetschef", "omsorg"))
        await h.person("enhetschef_a", ("enhetschef", "enhet_a"))
        await h.person("enhetschef_b", ("enhetschef", "enhet_b"))
        await h.person("medarbetare_a", ("medarbetare", "enhet_a"))
        yield h


async def node(h: Harness, kind: str, name: str, parent: str | None = None) -> str:
    body: dict[str, Any] = {"kind": kind, "name": name}
    if parent:
        body["parent_id"] = parent
    else:
        body["process_type"] = "huvudprocess"
    created = await h.call("POST", f"{D}/process-nodes", "kvalitetsledare", json=body, expect=201)
    return str(created.json()["id"])


async def register(h: Harness, who: str, **fields: Any) -> dict[str, Any]:
    body = {"kind": "rutin", "owner_role": "enhetschef", **fields}
    return dict((await h.call("POST", D, who, json=body, expect=201)).json())


async def submit(h: Harness, doc: str, number: int = 1, who: str = "enhetschef_a") -> None:
    await h.call("POST", f"{D}/{doc}/versions/{number}/submit", who, expect=200)


async def decide(h: Harness, doc: str, who: str, expect: int = 200, number: int = 1, **decision: Any) -> Any:
    decision = decision or {"body": "role", "role": "enhetschef"}
    response = await h.call("POST", f"{D}/{doc}/versions/{number}/decide", who, json=decision, expect=expect)
    return response.json()


async def publish(h: Harness, doc: str, who: str, number: int = 1, **body: Any) -> dict[str, Any]:
    response = await h.call("POST", f"{D}/{doc}/versions/{number}/publish", who, json=body, expect=200)
    return dict(response.json())


async def rutin(h: Harness, activity: str, title: str, body: str, unit: str = "enhet_a") -> str:
    doc = await register(
        h,
        f"enhetschef_{unit[-1]}",
        title=title,
        body=body,
        owner_unit_id=str(h.units[unit]),
        unit_ids=[str(h.units[unit])],
        process_node_ids=[activity],
    )
    return str(doc["id"])


async def outbox(h: Harness, *types: str) -> list[dict[str, Any]]:
    o = h.runtime.messaging.outbox.c
    async with h.runtime.session_factory() as session:
        rows = await session.execute(select(o.event_type, o.payload).order_by(o.seq))
        return [r.payload["data"] for r in rows if r.event_type in types]


async def reviews_missed(h: Harness) -> list[dict[str, Any]]:
    """Missed review deadlines (the staff's information about the published rutin has its own)."""
    return [e for e in await outbox(h, "DeadlineMissed") if e["rule"] == "document_review"]


async def test_who_may_decide_depends_on_the_kind_and_scope_of_the_document(org: Harness) -> None:
    h = org
    activity = await node(h, "activity", "Läkemedel", await node(h, "process", "Genomföra insatser"))
    own = await rutin(h, activity, "Rutin för läkemedelshantering", "Signera varje dos.")
    await submit(h, own)
    refused = await decide(h, own, "mas", 422, body="role", role="mas")
    assert refused["detail"] == "Rutin för enheten beslutas av enhetschef"
    await decide(h, own, "enhetschef_b", 422)  # an enhetschef, but not for this enhet
    decided = await decide(h, own, "enhetschef_a")
    assert decided["status"] == "decided"
    assert decided["decision"]["text"].startswith("Beslut av enhetschef")

    wide = await register(
        h,
        "verksamhetschef",
        kind="riktlinje",
        title="Riktlinje för dokumentation",
        body="Dokumentera dagligen.",
        owner_role="verksamhetschef",
        owner_unit_id=str(h.units["omsorg"]),
        unit_ids=[str(h.units["enhet_a"]), str(h.units["omsorg"])],
    )
    assert (wide["scope"], wide["deciders"]) == ("verksamhet", ["verksamhetschef", "avdelningschef"])
    await submit(h, wide["id"], who="verksamhetschef")
    await decide(h, wide["id"], "enhetschef_a", 422)
    await decide(h, wide["id"], "verksamhetschef", body="role", role="verksamhetschef")

    principal = await register(
        h,
        "socialchef",
        kind="riktlinje",
        title="Riktlinje för lex Sarah",
        body="Rapportera missförhållanden genast.",
        owner_role="socialchef",
        owner_unit_id=str(h.units["forvaltning"]),
        unit_ids=[str(h.units["forvaltning"])],
        principal=True,
    )
    assert principal["deciders"] == ["namnd"]
    await submit(h, principal["id"], who="socialchef")
    refused = await decide(h, principal["id"], "socialchef", 422, body="role", role="socialchef")
    assert refused["detail"] == "Riktlinje av principiell vikt beslutas av nämnden"
    await decide(
        h, principal["id"], "medarbetare_a", 403, body="namnd", meeting_date="2026-03-12", paragraph=85
    )
    by_namnd = await decide(
        h, principal["id"], "kvalitetsledare", body="namnd", meeting_date="2026-03-12", paragraph="§ 85"
    )
    assert by_namnd["decision"]["text"] == "Nämndens beslut 12 mars 2026 § 85"


async def test_tenant_rules_change_who_decides_a_kind(org: Harness) -> None:
    h = org
    rules = {"rules": [{"kind": "rutin", "scope": "enhet", "deciders": ["verksamhetschef"]}]}
    await h.call("PUT", f"{D}/authority", "enhetschef_a", json=rules, expect=403)
    await h.call("PUT", f"{D}/authority", "kvalitetsledare", json=rules, expect=200)
    activity = await node(h, "activity", "Läkemedel", await node(h, "process", "Genomföra insatser"))
    doc = await rutin(h, activity, "Rutin för läkemedelshantering", "Signera varje dos.")
    await submit(h, doc)
    await decide(h, doc, "enhetschef_a", 422)
    await decide(h, doc, "verksamhetschef", body="role", role="verksamhetschef")


async def test_a_review_date_follows_from_the_interval_and_every_version_stays_readable(org: Harness) -> None:
    h = org
    activity = await node(h, "activity", "Läkemedel", await node(h, "process", "Genomföra insatser"))
    doc = await rutin(h, activity, "Rutin för läkemedelshantering", "Signera varje dos.")
    await submit(h, doc)
    await decide(h, doc, "enhetschef_a", body="role", role="enhetschef", decided_on="2026-01-31")
    await publish(h, doc, "enhetschef_a", valid_from="2026-01-31")
    read = (await h.call("GET", f"{D}/{doc}", "medarbetare_a", expect=200)).json()
    assert (read["next_review_on"], read["current_version"]) == ("2027-01-31", 1)

    changed = await h.call(
        "PATCH", f"{D}/{doc}", "enhetschef_a", json={"review_interval_months": 1}, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 412  # the document moved on when it was published
    etag = read["version"]
    changed = await h.call(
        "PATCH",
        f"{D}/{doc}",
        "enhetschef_a",
        json={"review_interval_months": 1},
        headers={"If-Match": f'"{etag}"'},
        expect=200,
    )
    assert changed.json()["next_review_on"] == "2026-02-28"  # a month's last day when it is shorter

    review = {"outcome": "confirmed", "reviewed_on": "2026-02-10", "note": "Granskad på APT"}
    await h.call("POST", f"{D}/{doc}/reviews", "medarbetare_a", json=review, expect=403)
    await h.call("POST", f"{D}/{doc}/reviews", "enhetschef_a", json=review, expect=201)
    read = (await h.call("GET", f"{D}/{doc}", "medarbetare_a", expect=200)).json()
    assert (read["last_reviewed_on"], read["next_review_on"]) == ("2026-02-10", "2026-03-10")

    draft = await h.call("POST", f"{D}/{doc}/versions", "enhetschef_a", json={"change_summary": "Ny lista"})
    assert draft.status_code == 201 and draft.json()["number"] == 2
    await h.call("POST", f"{D}/{doc}/versions", "enhetschef_a", json={}, expect=409)  # one in the works
    await h.call(
        "PATCH",
        f"{D}/{doc}/versions/2",
        "enhetschef_a",
        json={"body": "Signera varje dos i signeringslistan."},
        expect=200,
    )
    await submit(h, doc, 2)
    await decide(h, doc, "enhetschef_a", number=2)
    await publish(h, doc, "enhetschef_a", number=2)
    first = (await h.call("GET", f"{D}/{doc}/versions/1", "medarbetare_a", expect=200)).json()
    assert (first["status"], first["body"]) == ("superseded", "Signera varje dos.")
    reviews = (await h.call("GET", f"{D}/{doc}/reviews", "medarbetare_a", expect=200)).json()["items"]
    assert [r["outcome"] for r in reviews] == ["revised", "confirmed"]


async def test_a_missed_review_emits_its_deadline_event_once_for_the_owners_chef(org: Harness) -> None:
    h = org
    activity = await node(h, "activity", "Läkemedel", await node(h, "process", "Genomföra insatser"))
    doc = await rutin(h, activity, "Rutin för läkemedelshantering", "Signera varje dos.")
    await submit(h, doc)
    await decide(h, doc, "enhetschef_a", body="role", role="enhetschef", decided_on="2025-01-10")
    await publish(h, doc, "enhetschef_a", valid_from="2025-01-15")
    overdue = await h.call("GET", D, "medarbetare_a", params={"review_state": "overdue"}, expect=200)
    assert [d["id"] for d in overdue.json()["items"]] == [doc]

    ticks = scheduler(h.runtime)
    await ticks.tick()
    await ticks.tick()
    [missed] = await reviews_missed(h)
    assert (missed["rule"], missed["object_type"], missed["object_id"]) == (
        "document_review",
        "document",
        doc,
    )
    assert missed["responsible_person_id"] == str(h.people["enhetschef_a"])
    assert missed["unit_id"] == str(h.units["enhet_a"])  # reporting tells the chef above the owner
    assert missed["due_at"].startswith("2026-01-15T23:00:00")  # the end of 15 January, Swedish time

    await h.call("POST", f"{D}/{doc}/reviews", "enhetschef_a", json={}, expect=201)
    await ticks.tick()
    assert len(await reviews_missed(h)) == 1  # the next review lies a year ahead


async def test_the_owner_is_reminded_once_before_the_review_falls_due(org: Harness) -> None:
    h = org
    activity = await node(h, "activity", "Läkemedel", await node(h, "process", "Genomföra insatser"))
    doc = await rutin(h, activity, "Rutin för läkemedelshantering", "Signera varje dos.")
    await submit(h, doc)
    in_force = (date.today() - timedelta(days=355)).isoformat()  # the review falls due in about ten days
    await decide(h, doc, "enhetschef_a", body="role", role="enhetschef", decided_on=in_force)
    await publish(h, doc, "enhetschef_a", valid_from=in_force)
    ticks = scheduler(h.runtime)
    await ticks.tick()
    await ticks.tick()
    [reminder] = [e for e in await outbox(h, "DeadlineApproaching") if e["rule"] == "document_review"]
    assert (reminder["object_id"], reminder["responsible_person_id"]) == (doc, str(h.people["enhetschef_a"]))
    assert [e for e in await outbox(h, "DeadlineMissed") if e["rule"] == "document_review"] == []
    await h.call("POST", f"{D}/{doc}/withdraw", "enhetschef_a", expect=200)
    await h.call("POST", f"{D}/{doc}/versions", "enhetschef_a", json={}, expect=409)  # upphävt


async def test_a_search_in_swedish_finds_a_rutin_by_an_inflected_word(org: Harness) -> None:
    h = org
    activity = await node(h, "activity", "Läkemedel", await node(h, "process", "Genomföra insatser"))
    other = await node(h, "activity", "Fall", await node(h, "process", "Trygghet"))
    lakemedel = await rutin(
        h, activity, "Rutinen för läkemedelshantering", "Avvikelser i läkemedelshanteringen rapporteras."
    )
    fall = await rutin(h, other, "Rutin vid fallolyckor", "Gör en riskbedömning för fall.", unit="enhet_b")

    async def search(who: str = "medarbetare_a", **params: Any) -> list[str]:
        found = await h.call("GET", D, who, params=params, expect=200)
        return [d["id"] for d in found.json()["items"]]

    assert await search(q="läkemedel") == [lakemedel]  # a draft is found before it is in force
    assert set(await search(q="rutiner")) == {lakemedel, fall}
    assert await search(q="rutiner", unit_id=str(h.units["enhet_b"])) == [fall]
    assert await search(q="rutiner", process_node_id=activity) == [lakemedel]
    assert await search(q="rutiner", kind="riktlinje") == []
    assert await search(q="och för att") == []
    for doc in (lakemedel,):
        await submit(h, doc)
        await decide(h, doc, "enhetschef_a")
        await publish(h, doc, "enhetschef_a")
    assert await search(q="läkemedelshanteringen rapporteras") == [lakemedel]
    page = (await h.call("GET", D, "medarbetare_a", params={"q": "rutiner", "limit": 1}, expect=200)).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = await search(q="rutiner", limit=1, cursor=page["next_cursor"])
    assert {page["items"][0]["id"], *rest} == {lakemedel, fall}


async def test_a_rutin_is_published_in_its_place_in_the_process_map(org: Harness) -> None:
    h = org
    process = await node(h, "process", "Genomföra insatser")
    activity = await node(h, "activity", "Läkemedel", process)
    refused = await h.call(
        "POST",
        D,
        "enhetschef_a",
        json={
            "kind": "rutin",
            "owner_role": "enhetschef",
            "title": "Rutin",
            "body": "Text",
            "owner_unit_id": str(h.units["enhet_a"]),
            "unit_ids": [str(h.units["enhet_a"])],
            "process_node_ids": [process],
        },
    )
    assert refused.status_code == 422
    unplaced = await register(
        h,
        "enhetschef_a",
        title="Rutin utan plats",
        body="Text",
        owner_unit_id=str(h.units["enhet_a"]),
        unit_ids=[str(h.units["enhet_a"])],
    )
    await submit(h, unplaced["id"])
    await decide(h, unplaced["id"], "enhetschef_a")
    await h.call("POST", f"{D}/{unplaced['id']}/versions/1/publish", "enhetschef_a", json={}, expect=422)
    doc = await rutin(h, activity, "Rutin för läkemedelshantering", "Signera varje dos.")
    await submit(h, doc)
    await decide(h, doc, "enhetschef_a")
    await publish(h, doc, "enhetschef_a")
    tree = (await h.call("GET", f"{D}/process-map", "medarbetare_a", expect=200)).json()["processes"]
    assert [d["id"] for d in tree[0]["children"][0]["documents"]] == [doc]  # the documents in force


async def test_the_published_ledningssystem_exports_as_one_pdf_and_one_docx(
    org: Harness, tmp_path: Path
) -> None:
    h = org
    activity = await node(
        h, "activity", "Läkemedelshantering", await node(h, "process", "Genomföra insatser")
    )
    doc = await rutin(
        h,
        activity,
        "Rutin för läkemedelshantering",
        "## Så här gör vi\n\n1. Signera varje dos.\n- Rapportera – samma dag.",
    )
    await submit(h, doc)
    await decide(h, doc, "enhetschef_a")
    await publish(h, doc, "enhetschef_a")
    await rutin(h, activity, "Utkast som inte publicerats", "Syns inte i exporten.")
    pdf = await h.call("GET", f"{D}/export.pdf", "medarbetare_a", expect=200)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    (tmp_path / "ledningssystem.pdf").write_bytes(pdf.content)
    docx = await h.call("GET", f"{D}/export.docx", "medarbetare_a", expect=200)
    assert docx.headers["content-disposition"] == 'attachment; filename="ledningssystem.docx"'
    import io

    from docx import Document as Docx

    text = [p.text for p in Docx(io.BytesIO(docx.content)).paragraphs]
    assert text.index("Processkarta") < text.index("Rutin: Rutin för läkemedelshantering")
    assert "Signera varje dos." in text and "Rapportera – samma dag." in text
    assert not [t for t in text if "Utkast som inte publicerats" in t]


async def test_an_accepted_forbattringsforslag_a_deviation_and_a_risk_are_proposals_on_the_rutin(
    org: Harness,
) -> None:
    h = org
    activity = await node(h, "activity", "Läkemedel", await node(h, "process", "Genomföra insatser"))
    doc = await rutin(h, activity, "Rutin för läkemedelshantering", "Signera varje dos.")
    await submit(h, doc)
    await decide(h, doc, "enhetschef_a")
    await publish(h, doc, "enhetschef_a")
    unit, now = h.units["enhet_a"], datetime.now(UTC)
    accepted = ImprovementProposalAccepted(
        proposal_id=uuid.uuid4(),
        reference="FF-2026-000003",
        unit_id=unit,
        outcome="rutin_revision",
        document_id=uuid.UUID(doc),
        accepted_at=now,
        assessed_by=h.people["enhetschef_a"],
    )
    reported = DeviationReported(
        deviation_id=uuid.uuid4(),
        reference="AVV-2026-000042",
        unit_id=unit,
        occurred_at=now,
        reported_at=now,
        document_ids=[uuid.UUID(doc), uuid.uuid4()],  # a document org-svc does not have: no proposal
    )
    assessed = RiskAssessed(
        risk_id=uuid.uuid4(),
        unit_id=unit,
        probability=3,
        consequence=3,
        risk_value=9,
        assessed_at=now,
        revises_document_id=uuid.UUID(doc),
    )
    for _ in range(2):  # delivered again: still one proposal each
        await publish_events(h.transport, accepted, reported, source="deviation-svc")
        await publish_events(h.transport, assessed, source="risk-svc")

    async def listed() -> list[dict[str, Any]]:
        found = await h.call("GET", f"{D}/{doc}/revision-proposals", "enhetschef_a", expect=200)
        return list(found.json()["items"])

    await wait_until(lambda: _count(listed, 3))
    by_source = {p["source"]: p for p in await listed()}
    assert by_source["improvement"]["source_reference"] == "FF-2026-000003"
    assert by_source["deviation"]["source_title"] == "Avvikelse"
    assert by_source["risk"]["source_title"] == "Risk"
    assert (await h.call("GET", f"{D}/{doc}", "enhetschef_a")).json()["open_proposals"] == 3

    settle = f"{D}/{doc}/revision-proposals"
    deviation = by_source["deviation"]["id"]
    await h.call(
        "POST", f"{settle}/{deviation}/settle", "enhetschef_a", json={"decision": "reject"}, expect=422
    )
    await h.call(
        "POST", f"{settle}/{deviation}/settle", "medarbetare_a", json={"decision": "accept"}, expect=403
    )
    rejected = {"decision": "reject", "motivation": "Rutinen är tydlig; den följdes inte."}
    await h.call("POST", f"{settle}/{deviation}/settle", "enhetschef_a", json=rejected, expect=200)
    improvement = by_source["improvement"]["id"]
    await h.call(
        "POST", f"{settle}/{improvement}/settle", "enhetschef_a", json={"decision": "accept"}, expect=200
    )
    await h.call("POST", f"{D}/{doc}/versions", "enhetschef_a", json={"body": "Signera i appen."}, expect=201)
    await submit(h, doc, 2)
    await decide(h, doc, "enhetschef_a", number=2)
    await publish(h, doc, "enhetschef_a", number=2)
    statuses = {p["source"]: p["status"] for p in await listed()}
    assert statuses == {"improvement": "done", "deviation": "rejected", "risk": "open"}


async def _count(listed: Any, expected: int) -> bool:
    return len(await listed()) == expected
