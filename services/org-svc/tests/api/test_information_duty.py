"""The staff's information duty: a new role makes the unit's items due, the chef records that the
information was given (one person, or a group at an arbetsplatsträff), overdue items are deadlines
announced once, and each chef sees who has and has not been told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from org_svc.adapters.orm import deadlines
from platform_shared.deadlines.store import DeadlineScheduler

from ..conftest import Harness
from .test_documents_api import decide, node, publish, rutin, submit

INFO = "/information"


async def _events(h: Harness, *types: str) -> list[dict[str, Any]]:
    o = h.runtime.messaging.outbox.c
    async with h.runtime.session_factory() as session:
        rows = await session.execute(select(o.event_type, o.payload).order_by(o.seq))
        return [r.payload["data"] for r in rows if r.event_type in types]


async def _items(h: Harness) -> dict[str, str]:
    found = (await h.call("GET", f"{INFO}/items", "medarbetare_a", expect=200)).json()["items"]
    return {i["key"]: i["id"] for i in found}


async def _mine(h: Harness, who: str) -> list[tuple[str, str]]:
    found = (await h.call("GET", f"{INFO}/dues", who, params={"mine": "true"}, expect=200)).json()["items"]
    return sorted((d["item_title"], d["status"]) for d in found)


async def test_a_new_role_makes_the_information_items_due(svc: Harness) -> None:
    # enhet_a works under SoL and HSL: lex Sarah and lex Maria; enhet_c under LSS: lex Sarah only
    assert await _mine(svc, "medarbetare_a") == [
        ("Lex Maria och avvikelser i hälso- och sjukvård", "pending"),
        ("Rapporteringsskyldighet enligt lex Sarah", "pending"),
    ]
    await svc.person("medarbetare_c", ("medarbetare", "enhet_c"))
    assert await _mine(svc, "medarbetare_c") == [("Rapporteringsskyldighet enligt lex Sarah", "pending")]
    assert await _mine(svc, "namnd") == []  # politicians are not staff
    opened = await _events(svc, "InformationDueOpened")
    mine = [e for e in opened if e["person_id"] == str(svc.people["medarbetare_c"])]
    assert [(e["item_key"], e["reason"]) for e in mine] == [
        ("lex_sarah_rapporteringsskyldighet", "role_start")
    ]
    due = datetime.fromisoformat(mine[0]["due_on"]) - datetime.fromisoformat(mine[0]["opened_on"])
    assert due == timedelta(days=30)


async def test_a_group_information_at_an_apt_meets_the_item_for_every_participant(svc: Harness) -> None:
    await svc.person("medarbetare_b", ("medarbetare", "enhet_a"))
    lex_sarah = (await _items(svc))["lex_sarah_rapporteringsskyldighet"]
    today = datetime.now(UTC).date().isoformat()
    body = {
        "item_id": lex_sarah,
        "unit_id": str(svc.units["enhet_a"]),
        "method": "group",
        "given_on": today,
        "participant_ids": [str(svc.people["medarbetare_a"]), str(svc.people["medarbetare_b"])],
    }
    missing = await svc.call("POST", f"{INFO}/records", "enhetschef_a", json=body, expect=422)
    assert missing.json()["errors"][0]["field"] == "occasion"
    body["occasion"] = "Arbetsplatsträff"
    record = (await svc.call("POST", f"{INFO}/records", "enhetschef_a", json=body, expect=201)).json()
    assert record["method"] == "group" and len(record["participant_ids"]) == 2
    for who in ("medarbetare_a", "medarbetare_b"):
        statuses = [status for title, status in await _mine(svc, who) if "lex Sarah" in title]
        assert sorted(statuses) == ["met", "pending"]  # met now; next year's is open
    met = await _events(svc, "InformationDueMet")
    assert len(met) == 2 and all(e["on_time"] for e in met)
    # lex Sarah is taken up at least once a year: it falls due again a year after it was given
    repeats = [e for e in await _events(svc, "InformationDueOpened") if e["reason"] == "repeat"]
    assert len(repeats) == 2 and {e["due_on"][:4] for e in repeats} == {str(int(today[:4]) + 1)}
    cover = (
        await svc.call(
            "GET", f"{INFO}/coverage", "enhetschef_a", params={"unit_id": str(svc.units["enhet_a"])}
        )
    ).json()
    row = next(r for r in cover["items"] if r["item_title"].startswith("Rapporteringsskyldighet"))
    # both informed (next year's due is not open yet); enhetschef_a has still to be told
    assert (row["informed"], row["not_informed"], row["overdue"]) == (2, 1, 0)


async def test_an_overdue_item_emits_its_deadline_event_once(svc: Harness) -> None:
    d = deadlines.deadline
    async with svc.runtime.session_factory() as session:
        await session.execute(
            update(d)
            .where(d.c.rule == "information_given")
            .values(
                due_at=datetime.now(UTC) - timedelta(days=1), warn_at=datetime.now(UTC) - timedelta(days=8)
            )
        )
        await session.commit()
    scheduler = DeadlineScheduler(deadlines, svc.runtime.uow)
    await scheduler.tick()
    await scheduler.tick()
    missed = await _events(svc, "DeadlineMissed")
    assert missed and {e["rule"] for e in missed} == {"information_given"}
    assert {e["object_type"] for e in missed} == {"information_due"}
    assert len({e["object_id"] for e in missed}) == len(missed)  # once each
    assert {e["reference"] for e in missed} >= {"medarbetare_a"}  # the chef's reminder names her
    overdue = (
        await svc.call(
            "GET",
            f"{INFO}/dues",
            "enhetschef_a",
            params={"unit_id": str(svc.units["enhet_a"]), "status": "pending"},
        )
    ).json()["items"]
    assert overdue  # the stored due date is what the chef sees; the deadline only announces


async def test_a_medarbetare_sees_only_her_own_and_records_only_her_own_reading(svc: Harness) -> None:
    unit = str(svc.units["enhet_a"])
    refused = await svc.call("GET", f"{INFO}/dues", "medarbetare_a", params={"unit_id": unit}, expect=403)
    assert refused.headers["content-type"].startswith("application/problem+json")
    lex_sarah = (await _items(svc))["lex_sarah_rapporteringsskyldighet"]
    body = {
        "item_id": lex_sarah,
        "unit_id": unit,
        "method": "individual",
        "given_on": datetime.now(UTC).date().isoformat(),
        "participant_ids": [str(svc.people["medarbetare_a"])],
    }
    await svc.call("POST", f"{INFO}/records", "medarbetare_a", json=body, expect=403)
    own = {**body, "method": "self_acknowledged"}
    refused_item = await svc.call("POST", f"{INFO}/records", "medarbetare_a", json=own, expect=422)
    assert refused_item.json()["detail"] == "Den här informationen lämnas av chefen"
    assert await _events(svc, "InformationGiven") == []


async def test_an_ended_role_cancels_what_was_not_yet_given(svc: Harness) -> None:
    assignment = await svc.assign("enhetschef_a", "medarbetare", "enhet_b")
    await svc.call("POST", f"/role-assignments/{assignment['id']}/end", json={}, expect=200)
    cancelled = await _events(svc, "InformationDueCancelled")
    assert [e["person_id"] for e in cancelled] == [str(svc.people["enhetschef_a"])]


async def test_a_published_rutin_falls_due_for_its_units_staff_who_may_acknowledge_it_herself(
    svc: Harness,
) -> None:
    main = await node(svc, "process", "Vård och omsorg")
    activity = await node(svc, "activity", "Läkemedelshantering", main)
    doc = await rutin(svc, activity, "Rutin för läkemedelshantering", "Signera varje given dos.")
    await submit(svc, doc)
    await decide(svc, doc, "enhetschef_a")
    version = await publish(svc, doc, "enhetschef_a")
    mine = (await svc.call("GET", f"{INFO}/dues", "medarbetare_a", params={"mine": "true"})).json()["items"]
    (due,) = [d for d in mine if d["reason"] == "publication"]
    assert due["item_title"] == "Ny eller reviderad rutin i din enhet" and due["status"] == "pending"
    assert due["document_version_id"] == version["id"]
    body = {
        "item_id": due["item_id"],
        "unit_id": str(svc.units["enhet_a"]),
        "method": "self_acknowledged",
        "given_on": datetime.now(UTC).date().isoformat(),
        "participant_ids": [str(svc.people["medarbetare_a"])],
        "document_version_id": version["id"],
    }
    await svc.call("POST", f"{INFO}/records", "medarbetare_a", json=body, expect=201)
    mine = (await svc.call("GET", f"{INFO}/dues", "medarbetare_a", params={"mine": "true"})).json()["items"]
    assert [d["status"] for d in mine if d["reason"] == "publication"] == ["met"]
    # the enhet_b staff are not told of enhet_a's rutin
    others = await _events(svc, "InformationDueOpened")
    assert {e["unit_id"] for e in others if e["reason"] == "publication"} == {str(svc.units["enhet_a"])}


async def test_the_tenant_sets_an_items_days_and_only_the_managers_may(svc: Harness) -> None:
    lex_sarah = (await _items(svc))["lex_sarah_rapporteringsskyldighet"]
    path = f"{INFO}/items/{lex_sarah}"
    refused = await svc.call("PATCH", path, "enhetschef_a", json={"due_days": 14}, expect=403)
    assert refused.headers["content-type"].startswith("application/problem+json")
    await svc.call("PATCH", path, "socialchef", json={"due_days": 999}, expect=422)
    stale = {"If-Match": '"7"'}
    await svc.call("PATCH", path, "socialchef", json={"due_days": 14}, headers=stale, expect=412)
    changed = await svc.call("PATCH", path, "socialchef", json={"due_days": 14}, expect=200)
    assert changed.json()["due_days"] == 14 and changed.json()["repeat_months"] == 12
    await svc.person("medarbetare_c", ("medarbetare", "enhet_c"))
    opened = await _events(svc, "InformationDueOpened")
    (new,) = [e for e in opened if e["person_id"] == str(svc.people["medarbetare_c"])]
    due = datetime.fromisoformat(new["due_on"]) - datetime.fromisoformat(new["opened_on"])
    assert due == timedelta(days=14)
