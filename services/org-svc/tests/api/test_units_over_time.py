"""Units are renamed, moved and closed, never deleted; history is kept, every change is an event, and
the organisation can be read as it stood at a date."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from platform_shared.contracts.topics import ORG_EVENTS

from ..conftest import Harness


async def org_events(h: Harness) -> list[str]:
    from org_svc.adapters.orm import messaging

    async with h.runtime.session_factory() as session:
        rows = await session.execute(select(messaging.outbox.c.event_type).order_by(messaging.outbox.c.seq))
        return [row.event_type for row in rows if row]


async def test_a_unit_states_its_laws_and_the_lex_regimes_they_bring(svc: Harness) -> None:
    unit = (await svc.call("GET", f"/units/{svc.units['enhet_a']}", expect=200)).json()
    assert unit["laws"] == ["SoL", "HSL"] and unit["regimes"] == ["lex_maria", "lex_sarah"]
    lss = (await svc.call("GET", f"/units/{svc.units['enhet_c']}", expect=200)).json()
    assert lss["regimes"] == ["lex_sarah"]
    root = (await svc.call("GET", f"/units/{svc.units['namnd']}", expect=200)).json()
    assert root["regimes"] == []


async def test_a_renamed_moved_and_closed_unit_keeps_its_history_and_reads_as_it_stood(svc: Harness) -> None:
    unit = svc.units["enhet_b"]
    renamed, moved = datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC)
    patch = {"name": "Hemtjänst Norr", "laws": ["SoL", "HSL"], "effective_at": renamed.isoformat()}
    await svc.call("PATCH", f"/units/{unit}", json=patch, expect=200)
    move = {"parent_id": str(svc.units["lss"]), "moved_at": moved.isoformat()}
    await svc.call("POST", f"/units/{unit}/move", json=move, expect=200)
    closed = (await svc.call("POST", f"/units/{unit}/close", json={}, expect=200)).json()
    assert closed["valid_to"] is not None

    history = (await svc.call("GET", f"/units/{unit}/history", expect=200)).json()["items"]
    assert [c["kind"] for c in history] == ["created", "renamed", "laws_changed", "moved", "closed"]
    then = (await svc.call("GET", f"/units/{unit}", params={"at": "2025-02-01"}, expect=200)).json()
    assert (then["name"], then["parent_id"], then["laws"]) == ("enhet_b", str(svc.units["omsorg"]), ["SoL"])
    between = (await svc.call("GET", f"/units/{unit}", params={"at": "2025-04-01"}, expect=200)).json()
    assert (between["name"], between["parent_id"]) == ("Hemtjänst Norr", str(svc.units["omsorg"]))
    now = (await svc.call("GET", f"/units/{unit}", expect=200)).json()
    assert (now["name"], now["parent_id"]) == ("Hemtjänst Norr", str(svc.units["lss"]))

    under_omsorg_then = await svc.call(
        "GET", "/units", params={"parent_id": str(svc.units["omsorg"]), "at": "2025-02-01"}, expect=200
    )
    assert {u["name"] for u in under_omsorg_then.json()["items"]} == {"enhet_a", "enhet_b"}
    under_omsorg_now = await svc.call(
        "GET", "/units", params={"parent_id": str(svc.units["omsorg"])}, expect=200
    )
    assert {u["name"] for u in under_omsorg_now.json()["items"]} == {"enhet_a"}
    open_now = await svc.call("GET", "/units", params={"at": datetime.now(UTC).isoformat()}, expect=200)
    assert str(unit) not in {u["id"] for u in open_now.json()["items"]}

    events = await org_events(svc)
    assert events[-4:] == ["OrgUnitRenamed", "OrgUnitLawsChanged", "OrgUnitMoved", "OrgUnitClosed"]


async def test_a_closed_unit_changes_no_more_and_takes_no_new_children_or_roles(svc: Harness) -> None:
    unit = svc.units["enhet_b"]
    await svc.call("POST", f"/units/{unit}/close", json={}, expect=200)
    await svc.call("PATCH", f"/units/{unit}", json={"name": "x"}, expect=409)
    await svc.call("POST", f"/units/{unit}/close", json={}, expect=409)
    await svc.call(
        "POST",
        "/role-assignments",
        json={"person_id": str(svc.people["medarbetare_a"]), "role": "medarbetare", "unit_id": str(unit)},
        expect=409,
    )
    assert (await svc.call("GET", f"/units/{unit}", expect=200)).json()["name"] == "enhet_b"


async def test_closing_a_unit_ends_its_roles_and_waits_for_its_children(svc: Harness) -> None:
    await svc.call("POST", f"/units/{svc.units['omsorg']}/close", json={}, expect=409)
    await svc.call("POST", f"/units/{svc.units['enhet_a']}/close", json={}, expect=200)
    assignments = await svc.call(
        "GET", "/role-assignments", params={"unit_id": str(svc.units["enhet_a"])}, expect=200
    )
    assert assignments.json()["items"] == []
    await svc.call("GET", "/me", "enhetschef_a", expect=200)
    me = (await svc.call("GET", "/me", "enhetschef_a")).json()
    assert me["roles"] == []


async def test_a_unit_cannot_move_under_its_own_subtree_or_out_of_its_level(svc: Harness) -> None:
    omsorg = svc.units["omsorg"]
    r = await svc.call(
        "POST", f"/units/{omsorg}/move", json={"parent_id": str(svc.units["enhet_a"])}, expect=422
    )
    assert r.headers["content-type"] == "application/problem+json"
    await svc.call(
        "POST",
        f"/units/{svc.units['enhet_a']}/move",
        json={"parent_id": str(svc.units["enhet_c"])},
        expect=422,
    )
    await svc.call("POST", f"/units/{svc.units['namnd']}/move", json={"parent_id": str(omsorg)}, expect=422)


async def test_a_change_cannot_be_dated_in_the_future_or_before_the_last_one(svc: Harness) -> None:
    unit = svc.units["enhet_b"]
    await svc.call(
        "PATCH", f"/units/{unit}", json={"name": "x", "effective_at": "2999-01-01T00:00:00Z"}, expect=422
    )
    await svc.call(
        "PATCH", f"/units/{unit}", json={"name": "y", "effective_at": "2025-05-01T00:00:00Z"}, expect=200
    )
    await svc.call(
        "PATCH", f"/units/{unit}", json={"name": "z", "effective_at": "2025-04-01T00:00:00Z"}, expect=422
    )


async def test_a_stale_if_match_is_refused_and_the_etag_follows_the_version(svc: Harness) -> None:
    unit = svc.units["enhet_b"]
    read = await svc.call("GET", f"/units/{unit}", expect=200)
    etag = read.headers["etag"]
    assert etag == f'"{read.json()["version"]}"'
    changed = await svc.call(
        "PATCH", f"/units/{unit}", json={"name": "Ny"}, headers={"If-Match": etag}, expect=200
    )
    assert changed.headers["etag"] != etag
    stale = await svc.call(
        "PATCH", f"/units/{unit}", json={"name": "Nyare"}, headers={"If-Match": etag}, expect=412
    )
    assert stale.json()["type"] == "/problems/precondition-failed"
    await svc.call("POST", f"/units/{unit}/close", json={}, headers={"If-Match": etag}, expect=412)


async def test_a_systemadministrator_manages_only_units_in_scope(svc: Harness) -> None:
    body = {"name": "Ny", "level": "enhet", "parent_id": str(svc.units["lss"])}
    await svc.call("POST", "/units", "lss_admin", json=body, expect=201)
    await svc.call(
        "POST", "/units", "lss_admin", json={**body, "parent_id": str(svc.units["omsorg"])}, expect=403
    )
    await svc.call("PATCH", f"/units/{svc.units['enhet_a']}", "lss_admin", json={"name": "x"}, expect=403)
    await svc.call("POST", "/units", "socialchef", json=body, expect=403)


async def test_a_unit_that_does_not_exist_is_404_and_a_missing_parent_422(svc: Harness) -> None:
    missing = "0190a0b0-0000-7000-8000-000000000000"
    await svc.call("GET", f"/units/{missing}", expect=404)
    await svc.call("PATCH", f"/units/{missing}", json={"name": "x"}, expect=404)
    await svc.call("POST", "/units", json={"name": "x", "level": "enhet", "parent_id": missing}, expect=422)


async def test_people_without_a_role_see_no_organisation(svc: Harness) -> None:
    await svc.person("nobody")
    await svc.call("GET", "/units", "nobody", expect=403)
    await svc.call("GET", f"/units/{svc.units['enhet_a']}", "nobody", expect=404)
    await svc.call("GET", "/units", "stranger", expect=401)


async def test_org_events_reach_the_bus(svc: Harness) -> None:
    from platform_shared.testing import wait_until

    async def published() -> bool:
        async with svc.transport.engine.connect() as conn:
            from sqlalchemy import text

            count = await conn.scalar(
                text("SELECT count(*) FROM bus_record WHERE topic = :t"), {"t": ORG_EVENTS}
            )
            return (count or 0) >= 20

    await wait_until(published)
