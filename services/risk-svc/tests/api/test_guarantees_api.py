"""Värdighetsgarantier through the API (seed 003 §2.3, docs/goals-and-forums.md): adopted for a unit and
its subtree, followed by indicators and by the complaints that name them as not kept; the värdegrund's
areas without a garanti shown as gaps. The clock stands at 2026-03-10."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from platform_shared.contracts.deviation import ComplaintReceived
from platform_shared.ids import new_id

GUARANTEES = "/api/v1/risk/guarantees"
SHOWER = {
    "area": "sjalvbestammande",
    "title": "Du får bestämma när du vill duscha",
    "commitment": "Du och personalen kommer överens om dag och tid. Kan tiden inte hållas får du en ny "
    "tid samma vecka.",
    "valid_from": "2026-01-01",
}


async def _adopt(svc: Any, unit: str = "omsorg", person: str = "kvalitetsledare", **extra: Any) -> Any:
    body = {**SHOWER, "unit_id": svc.unit(unit), **extra}
    return await svc.json("POST", GUARANTEES, person, 201, json=body)


def _complaint(
    svc: Any, unit: str, *guarantees: dict[str, Any], day: str = "2026-03-02"
) -> ComplaintReceived:
    return ComplaintReceived(
        complaint_id=new_id(),
        reference=f"KLA-2026-{new_id().hex[:6]}",
        unit_id=svc.org.units[unit],
        kind="klagomal",
        received_at=datetime.fromisoformat(day).replace(hour=10, tzinfo=UTC),
        guarantee_ids=[g["id"] for g in guarantees],
    )


async def test_a_guarantee_is_adopted_for_a_unit_with_its_area_and_event(svc: Any) -> None:
    g = await _adopt(svc)
    assert (g["area"], g["area_title"], g["status"], g["in_force"]) == (
        "sjalvbestammande",
        "Självbestämmande",
        "active",
        True,
    )
    assert (g["complaints_not_kept"], g["indicators"]) == (0, [])
    (event,) = await svc.events("GuaranteeAdopted")
    assert event["guarantee_id"] == g["id"] and event["area"] == "sjalvbestammande"
    again = await svc.call("GET", f"{GUARANTEES}/{g['id']}", "namnd", 200)
    assert again.json()["title"] == SHOWER["title"]
    await svc.call("POST", GUARANTEES, "enhetschef_a", 403, json={**SHOWER, "unit_id": svc.unit("omsorg")})
    empty = await svc.call(
        "POST",
        GUARANTEES,
        "kvalitetsledare",
        422,
        json={**SHOWER, "commitment": " ", "unit_id": svc.unit("omsorg")},
    )
    assert empty.json()["errors"][0]["field"] == "commitment"
    backwards = {**SHOWER, "unit_id": svc.unit("omsorg"), "valid_to": "2025-12-31"}
    late = await svc.call("POST", GUARANTEES, "kvalitetsledare", 422, json=backwards)
    assert late.json()["errors"][0]["field"] == "valid_to"


async def test_the_people_of_a_unit_see_the_guarantees_that_apply_to_it(svc: Any) -> None:
    above = await _adopt(svc, "omsorg")
    elsewhere = await _adopt(svc, "lss", title="Du får en fast kontaktperson", area="trygghet")
    seen = await svc.json("GET", GUARANTEES, "enhetschef_a", params={"unit_id": svc.unit("enhet_a")})
    assert [g["id"] for g in seen["items"]] == [above["id"]]
    await svc.call("GET", f"{GUARANTEES}/{above['id']}", "enhetschef_a", 200)
    hidden = await svc.json("GET", f"{GUARANTEES}/{elsewhere['id']}", "enhetschef_a", 404)
    assert hidden["detail"] == "Värdighetsgarantin finns inte"
    mine = await svc.json("GET", GUARANTEES, "enhetschef_a")
    assert elsewhere["id"] not in {g["id"] for g in mine["items"]}
    # an enhetschef does not change the förvaltning's promises
    await svc.call(
        "PATCH",
        f"{GUARANTEES}/{above['id']}",
        "enhetschef_a",
        403,
        json={"title": "X"},
        headers=svc.at_version("enhetschef_a", above["version"]),
    )


async def test_a_complaint_that_names_a_guarantee_counts_against_it(svc: Any) -> None:
    g = await _adopt(svc)
    await svc.feed(_complaint(svc, "enhet_a", g), _complaint(svc, "enhet_b", g, day="2025-12-01"))
    seen = await svc.json("GET", f"{GUARANTEES}/{g['id']}", "kvalitetsledare")
    # the December complaint came before the garanti applied
    assert (seen["complaints_not_kept"], seen["complaints_not_kept_this_year"], seen["attention"]) == (
        1,
        1,
        True,
    )


async def test_a_guarantee_that_did_not_apply_to_the_complaints_unit_is_not_counted(svc: Any) -> None:
    g = await _adopt(svc, "omsorg")
    twice = _complaint(svc, "enhet_a", g)
    await svc.feed(_complaint(svc, "enhet_c", g), twice, twice)
    seen = await svc.json("GET", f"{GUARANTEES}/{g['id']}", "kvalitetsledare")
    assert seen["complaints_not_kept"] == 1  # enhet_c is not below omsorg; the repeat counts once


async def test_a_withdrawn_guarantee_keeps_its_history(svc: Any) -> None:
    g = await _adopt(svc)
    await svc.feed(_complaint(svc, "enhet_a", g))
    path = f"{GUARANTEES}/{g['id']}/withdraw"
    withdrawn = await svc.json(
        "POST", path, "kvalitetsledare", headers=svc.at_version("kvalitetsledare", g["version"])
    )
    assert (withdrawn["status"], withdrawn["in_force"], withdrawn["complaints_not_kept"]) == (
        "withdrawn",
        False,
        1,
    )
    await svc.call(
        "POST", path, "kvalitetsledare", 409, headers=svc.at_version("kvalitetsledare", withdrawn["version"])
    )
    changed = await svc.call(
        "PATCH",
        f"{GUARANTEES}/{g['id']}",
        "kvalitetsledare",
        409,
        json={"title": "Ny"},
        headers=svc.at_version("kvalitetsledare", withdrawn["version"]),
    )
    assert "återkallad" in changed.json()["detail"]
    await svc.feed(_complaint(svc, "enhet_a", g, day="2026-03-09"))
    after = await svc.json("GET", f"{GUARANTEES}/{g['id']}", "kvalitetsledare")
    assert after["complaints_not_kept"] == 1
    (event,) = await svc.events("GuaranteeWithdrawn")
    assert event["status"] == "withdrawn"
    listed = await svc.json("GET", GUARANTEES, "kvalitetsledare", params={"status": "withdrawn"})
    assert [x["id"] for x in listed["items"]] == [g["id"]]


async def test_an_area_without_a_guarantee_is_shown_as_a_gap(svc: Any) -> None:
    await _adopt(svc, "omsorg")
    await _adopt(svc, "enhet_a", "enhetschef_a", area="trygghet", title="Vi kommer på avtalad tid")
    await _adopt(svc, "enhet_b", area="gott_bemotande", title="Du blir bemött med respekt")
    cover = await svc.json(
        "GET", f"{GUARANTEES}/coverage", "enhetschef_a", params={"unit_id": svc.unit("enhet_a")}
    )
    covered = {a["area"]: [g["title"] for g in a["guarantees"]] for a in cover["areas"] if not a["gap"]}
    assert covered == {
        "sjalvbestammande": ["Du får bestämma när du vill duscha"],
        "trygghet": ["Vi kommer på avtalad tid"],
    }
    assert len(cover["areas"]) == 7 and len(cover["gaps"]) == 5 and "gott_bemotande" in cover["gaps"]
    assert cover["areas"][0]["area_title"] == "Privatliv och kroppslig integritet"
    hidden = await svc.json(
        "GET", f"{GUARANTEES}/coverage", "enhetschef_a", 404, params={"unit_id": svc.unit("enhet_c")}
    )
    assert hidden["detail"] == "Enheten finns inte"


async def test_a_guarantee_is_followed_up_by_indicators_in_its_subtree(svc: Any) -> None:
    goal = await svc.json(
        "POST",
        "/api/v1/risk/goals",
        "kvalitetsledare",
        201,
        json={"unit_id": svc.unit("namnd"), "title": "Trygg omsorg", "from_year": 2026},
    )
    body = {
        "goal_id": goal["id"],
        "name": "Andel besök på avtalad tid",
        "definition": "Besök inom 15 minuter från avtalad tid delat med alla besök",
        "unit_of_measure": "procent",
        "direction": "higher_is_better",
        "target": 90,
        "threshold": 80,
        "frequency": "manadsvis",
    }
    indicator = await svc.json("POST", "/api/v1/risk/indicators", "kvalitetsledare", 201, json=body)
    outside = await svc.call(
        "POST",
        GUARANTEES,
        "kvalitetsledare",
        422,
        json={**SHOWER, "unit_id": svc.unit("omsorg"), "indicator_ids": [indicator["id"]]},
    )
    assert outside.json()["errors"][0]["field"] == "indicator_ids"
    g = await _adopt(svc, "namnd", area="trygghet", indicator_ids=[indicator["id"]])
    await svc.json(
        "POST",
        f"/api/v1/risk/indicators/{indicator['id']}/measurements",
        "kvalitetsledare",
        201,
        json={"period": "2026-02", "value": 92},
    )
    seen = await svc.json("GET", f"{GUARANTEES}/{g['id']}", "kvalitetsledare")
    assert [(i["id"], i["latest_status"]) for i in seen["indicators"]] == [(indicator["id"], "over_target")]
    assert seen["indicator_status"] == "over_target"
    linked = await svc.json("GET", f"/api/v1/risk/indicators/{indicator['id']}", "kvalitetsledare")
    assert linked["guarantee_ids"] == [g["id"]]
    unlinked = await svc.json(
        "PATCH",
        f"{GUARANTEES}/{g['id']}",
        "kvalitetsledare",
        json={"indicator_ids": []},
        headers=svc.at_version("kvalitetsledare", seen["version"]),
    )
    assert unlinked["indicators"] == []
    (event,) = await svc.events("GuaranteeChanged")
    assert event["indicator_ids"] == []
