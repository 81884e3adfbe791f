"""Risks through the API: assessment history, prioritisation, escalation, the matrix, If-Match, links."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from platform_shared.contracts.deviation import DeviationReported
from platform_shared.ids import new_id

RISKS = "/api/v1/risk/risks"
MATRIX = "/api/v1/risk/matrix"


async def _risk(
    svc: Any, unit: str, person: str = "enhetschef_a", p: int = 3, c: int = 3, **extra: Any
) -> Any:
    body = {
        "unit_id": svc.unit(unit),
        "title": "Fallrisk nattetid",
        "probability": p,
        "consequence": c,
        **extra,
    }
    return await svc.json("POST", RISKS, person, 201, json=body)


def _cell(matrix: dict[str, Any], p: int, c: int) -> dict[str, Any]:
    return next(x for x in matrix["cells"] if (x["probability"], x["consequence"]) == (p, c))


async def test_reassessing_a_risk_keeps_every_earlier_assessment(svc: Any) -> None:
    risk = await _risk(svc, "enhet_a", p=2, c=2)
    svc.clock.advance(days=30)
    r = await svc.client.post(
        f"{RISKS}/{risk['id']}/assess",
        json={"probability": 4, "consequence": 3, "note": "Fler fall sedan mars"},
        headers=svc.at_version("enhetschef_a", risk["version"]),
    )
    assert r.status_code == 200, r.text
    assert (r.json()["risk_value"], r.json()["band"], r.json()["status"]) == (12, "very_high", "assessed")
    assert r.headers["etag"] == f'"{risk["version"] + 1}"'
    history = await svc.json("GET", f"{RISKS}/{risk['id']}/history", "enhetschef_a")
    assert [(a["probability"], a["consequence"], a["risk_value"]) for a in history["assessments"]] == [
        (2, 2, 4),
        (4, 3, 12),
    ]
    assert history["assessments"][1]["note"] == "Fler fall sedan mars"
    assert [t["step"] for t in history["transitions"]] == ["identify", "assess", "assess"]
    assessed = await svc.events("RiskAssessed")
    assert [e["risk_value"] for e in assessed] == [4, 12]


async def test_prioritisation_follows_the_tenant_rule_and_records_who_confirmed_it(svc: Any) -> None:
    high = await _risk(svc, "enhet_a", p=3, c=3)
    assert high["meets_priority_rule"] is True
    medium = await _risk(svc, "enhet_a", p=2, c=3)
    assert medium["meets_priority_rule"] is False
    # the rule proposes the 9: confirming needs no motivation; not prioritising it would need one
    refused = await svc.client.post(
        f"{RISKS}/{high['id']}/handle-in-unit", json={}, headers=svc.auth("enhetschef_a")
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "motivation"
    confirmed = await svc.json("POST", f"{RISKS}/{high['id']}/prioritise", "enhetschef_a", json={})
    assert confirmed["status"] == "prioritised" and confirmed["prioritised"] is True
    assert confirmed["prioritised_by"] == str(svc.org.people["enhetschef_a"])
    # the 6 is not proposed: prioritising it needs a motivation
    r = await svc.client.post(f"{RISKS}/{medium['id']}/prioritise", json={}, headers=svc.auth("enhetschef_a"))
    assert r.status_code == 422
    motivated = await svc.json(
        "POST",
        f"{RISKS}/{medium['id']}/prioritise",
        "socialchef",
        json={"motivation": "Nämndens fokusområde"},
    )
    assert motivated["decision_motivation"] == "Nämndens fokusområde"
    events = await svc.events("RiskPrioritised")
    assert [(e["risk_value"], e["confirmed_by"]) for e in events] == [
        (9, str(svc.org.people["enhetschef_a"])),
        (6, str(svc.org.people["socialchef"])),
    ]
    assert (
        await svc.client.post(f"{RISKS}/{high['id']}/prioritise", json={}, headers=svc.auth("enhetschef_a"))
    ).status_code == 409
    # a tenant that prioritises from 12 only: the 9 would no longer be proposed
    await svc.json(
        "PATCH",
        "/api/v1/risk/settings",
        "kvalitetsledare",
        json={"prioritisation": {"min_risk_value": 12, "min_consequence": None}},
    )
    again = await svc.json("GET", f"{RISKS}/{high['id']}", "enhetschef_a")
    assert again["meets_priority_rule"] is False


async def test_a_risk_the_unit_cannot_handle_is_escalated_to_the_level_above_with_a_reason(svc: Any) -> None:
    risk = await _risk(svc, "enhet_a")
    no_reason = await svc.client.post(
        f"{RISKS}/{risk['id']}/escalate", json={"reason": ""}, headers=svc.auth("enhetschef_a")
    )
    assert no_reason.status_code == 422
    escalated = await svc.json(
        "POST", f"{RISKS}/{risk['id']}/escalate", "enhetschef_a", json={"reason": "Kräver bemanningsbeslut"}
    )
    assert escalated["unit_id"] == svc.unit("enhet_a")
    assert escalated["responsible_unit_id"] == svc.unit("omsorg") and escalated["escalated"] is True
    (event,) = await svc.events("RiskEscalated")
    assert event["to_unit_id"] == svc.unit("omsorg") and event["from_unit_id"] == svc.unit("enhet_a")
    assert event["escalated_by"] == str(svc.org.people["enhetschef_a"]) and "reason" not in event
    # the enhetschef still sees it, but the level above now handles it
    assert (
        await svc.client.get(f"{RISKS}/{risk['id']}", headers=svc.auth("enhetschef_a"))
    ).status_code == 200
    denied = await svc.client.post(
        f"{RISKS}/{risk['id']}/assess",
        json={"probability": 1, "consequence": 1},
        headers=svc.auth("enhetschef_a"),
    )
    assert denied.status_code == 403
    history = await svc.json("GET", f"{RISKS}/{risk['id']}/history", "socialchef")
    step = history["transitions"][-1]
    assert (step["step"], step["note"], step["to_unit_id"]) == (
        "escalate",
        "Kräver bemanningsbeslut",
        svc.unit("omsorg"),
    )
    listed = await svc.json("GET", RISKS, "socialchef", params={"responsible_unit_id": svc.unit("omsorg")})
    assert [r["id"] for r in listed["items"]] == [risk["id"]]
    # the organisation's top has no level above
    top = await _risk(svc, "namnd", person="socialchef")
    r = await svc.client.post(
        f"{RISKS}/{top['id']}/escalate", json={"reason": "x"}, headers=svc.auth("socialchef")
    )
    assert r.status_code == 409


async def test_the_matrix_on_a_past_date_uses_the_assessment_history_and_the_organisation_as_it_was(
    svc: Any,
) -> None:
    svc.clock.set(datetime(2026, 3, 10, 9, tzinfo=UTC))
    risk = await _risk(svc, "enhet_b", person="socialchef", p=2, c=2)
    other = await _risk(svc, "enhet_a", p=1, c=4)
    svc.clock.set(datetime(2026, 4, 15, 9, tzinfo=UTC))
    await svc.json(
        "POST", f"{RISKS}/{risk['id']}/assess", "socialchef", json={"probability": 4, "consequence": 4}
    )
    await svc.move_unit("enhet_b", "lss", datetime(2026, 5, 20, tzinfo=UTC))
    svc.clock.set(datetime(2026, 6, 1, 9, tzinfo=UTC))

    async def matrix(on: str | None) -> dict[str, Any]:
        params = {"unit_id": svc.unit("omsorg"), **({"date": on} if on else {})}
        return await svc.json("GET", MATRIX, "socialchef", params=params)

    march = await matrix("2026-03-31")
    assert (march["total"], _cell(march, 2, 2)["count"], _cell(march, 4, 4)["count"]) == (2, 1, 0)
    assert [r["id"] for r in _cell(march, 2, 2)["risks"]] == [risk["id"]]
    april = await matrix("2026-04-30")
    assert (_cell(april, 2, 2)["count"], _cell(april, 4, 4)["count"]) == (0, 1)
    assert _cell(april, 4, 4)["band"] == "very_high" and _cell(april, 1, 4)["count"] == 1
    before_any = await matrix("2026-03-01")
    assert before_any["total"] == 0
    now = await matrix(None)  # enhet_b has moved to lss: its risk is no longer omsorg's
    assert now["total"] == 1 and _cell(now, 1, 4)["risks"][0]["id"] == other["id"]
    assert (await svc.json("GET", MATRIX, "socialchef", params={"unit_id": svc.unit("lss")}))["total"] == 1


async def test_namnd_and_controllers_see_the_matrix_counts_never_the_risks(svc: Any) -> None:
    await svc.add_person("controller", ("controller", "forvaltning"))
    await _risk(svc, "enhet_a")
    await _risk(svc, "enhet_c", person="enhetschef_c", p=4, c=4)
    for person, unit in (("namnd", "namnd"), ("controller", "forvaltning")):
        matrix = await svc.json("GET", MATRIX, person, params={"unit_id": svc.unit(unit)})
        assert matrix["aggregate_only"] is True and matrix["total"] == 2
        assert all(cell["risks"] is None for cell in matrix["cells"])
        assert _cell(matrix, 3, 3)["count"] == 1 and _cell(matrix, 4, 4)["count"] == 1
        assert (await svc.json("GET", RISKS, person))["items"] == []
    own = await svc.json("GET", MATRIX, "enhetschef_a", params={"unit_id": svc.unit("enhet_a")})
    assert own["aggregate_only"] is False and len(_cell(own, 3, 3)["risks"]) == 1
    outside = await svc.client.get(
        MATRIX, params={"unit_id": svc.unit("omsorg")}, headers=svc.auth("enhetschef_a")
    )
    assert outside.status_code == 403


async def test_a_stale_if_match_is_412_and_patch_edits_fields_only(svc: Any) -> None:
    risk = await _risk(svc, "enhet_a")
    edited = await svc.client.patch(
        f"{RISKS}/{risk['id']}",
        json={"title": "Fallrisk vid nattbemanning", "process": "Nattillsyn", "source": "avvikelser"},
        headers=svc.at_version("enhetschef_a", risk["version"]),
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["title"], edited.json()["version"]) == (
        "Fallrisk vid nattbemanning",
        risk["version"] + 1,
    )
    stale = await svc.client.post(
        f"{RISKS}/{risk['id']}/assess",
        json={"probability": 1, "consequence": 1},
        headers=svc.at_version("enhetschef_a", risk["version"]),
    )
    assert stale.status_code == 412 and stale.headers["content-type"] == "application/problem+json"
    state = await svc.client.patch(
        f"{RISKS}/{risk['id']}", json={"status": "closed"}, headers=svc.auth("enhetschef_a")
    )
    assert state.status_code == 422
    current = await svc.json("GET", f"{RISKS}/{risk['id']}", "enhetschef_a")
    assert (current["risk_value"], current["status"], current["version"]) == (
        9,
        "assessed",
        risk["version"] + 1,
    )
    assert len(await svc.outbox("RiskAssessed")) == 1


async def test_risks_link_only_deviations_known_from_deviation_events(svc: Any) -> None:
    deviation_id = new_id()
    unknown = await svc.client.post(
        RISKS,
        json={"unit_id": svc.unit("enhet_a"), "title": "Fall", "linked_deviation_ids": [str(deviation_id)]},
        headers=svc.auth("enhetschef_a"),
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "linked_deviation_ids"
    at = datetime(2026, 3, 1, tzinfo=UTC)
    await svc.feed(
        DeviationReported(
            deviation_id=deviation_id,
            reference="AVV-2026-000001",
            unit_id=svc.org.units["enhet_a"],
            deviation_type="hsl",
            category="fall",
            occurred_at=at,
            reported_at=at,
        )
    )
    linked = await svc.json(
        "POST",
        RISKS,
        "enhetschef_a",
        201,
        json={
            "unit_id": svc.unit("enhet_a"),
            "title": "Fall",
            "source": "avvikelser",
            "linked_deviation_ids": [str(deviation_id)],
        },
    )
    assert linked["linked_deviation_ids"] == [str(deviation_id)]
    (identified,) = await svc.events("RiskIdentified")
    assert identified["linked_deviation_ids"] == [str(deviation_id)] and identified["source"] == "avvikelser"


async def test_a_risk_is_followed_up_and_closed_once_its_actions_are_done(svc: Any) -> None:
    risk = await _risk(
        svc, "enhet_a", actions=[{"description": "Sensorlarm i korridoren", "due_date": "2026-05-01"}]
    )
    action_id = risk["actions"][0]["id"]
    early = await svc.client.post(
        f"{RISKS}/{risk['id']}/follow-up", json={"note": "x"}, headers=svc.auth("enhetschef_a")
    )
    assert early.status_code == 409
    await svc.json("POST", f"{RISKS}/{risk['id']}/prioritise", "enhetschef_a", json={})
    followed = await svc.json(
        "POST",
        f"{RISKS}/{risk['id']}/follow-up",
        "enhetschef_a",
        json={"note": "Färre fall efter sensorlarm", "probability": 2, "consequence": 3},
    )
    assert (followed["status"], followed["risk_value"]) == ("followed_up", 6)
    blocked = await svc.client.post(f"{RISKS}/{risk['id']}/close", json={}, headers=svc.auth("enhetschef_a"))
    assert blocked.status_code == 409 and "åtgärd" in blocked.json()["detail"]
    await svc.json(
        "POST", f"{RISKS}/{risk['id']}/actions/{action_id}/complete", "enhetschef_a", json={"note": "Klart"}
    )
    closed = await svc.json("POST", f"{RISKS}/{risk['id']}/close", "enhetschef_a", json={})
    assert closed["status"] == "closed" and closed["actions"][0]["status"] == "genomford"
    types = await svc.event_types()
    assert types[-3:] == ["RiskAssessed", "RiskFollowedUp", "RiskClosed"]
    assert (
        await svc.client.patch(f"{RISKS}/{risk['id']}", json={"title": "x"}, headers=svc.auth("enhetschef_a"))
    ).status_code == 409


async def test_the_risk_list_shows_what_the_caller_may_read_in_keyset_pages(svc: Any) -> None:
    a1 = await _risk(svc, "enhet_a")
    a2 = await _risk(svc, "enhet_a", p=1, c=1)
    c1 = await _risk(svc, "enhet_c", person="enhetschef_c")
    mine = await svc.json("GET", RISKS, "enhetschef_a")
    assert [r["id"] for r in mine["items"]] == [a1["id"], a2["id"]]
    first = await svc.json("GET", RISKS, "kvalitetsledare", params={"limit": 2})
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = await svc.json(
        "GET", RISKS, "kvalitetsledare", params={"limit": 2, "cursor": first["next_cursor"]}
    )
    assert [r["id"] for r in rest["items"]] == [c1["id"]] and rest["next_cursor"] is None
    outside = await svc.client.get(
        RISKS, params={"unit_id": svc.unit("enhet_c")}, headers=svc.auth("enhetschef_a")
    )
    assert outside.status_code == 403


async def test_of_two_concurrent_reassessments_one_wins_and_the_other_is_412(svc: Any) -> None:
    risk = await _risk(svc, "enhet_a")

    async def assess(p: int) -> int:
        r = await svc.client.post(
            f"{RISKS}/{risk['id']}/assess",
            json={"probability": p, "consequence": 1},
            headers=svc.auth("enhetschef_a"),
        )
        return int(r.status_code)

    codes = sorted(await asyncio.gather(*(assess(p) for p in (1, 2, 3, 4))))
    assert codes[0] == 200 and set(codes) <= {200, 412}
    history = await svc.json("GET", f"{RISKS}/{risk['id']}/history", "enhetschef_a")
    current = await svc.json("GET", f"{RISKS}/{risk['id']}", "enhetschef_a")
    assert len(history["assessments"]) == 1 + codes.count(200)
    assert current["version"] == risk["version"] + codes.count(200)
    assert len(await svc.outbox("RiskAssessed")) == 1 + codes.count(200)


async def test_a_risk_treated_by_revising_a_rutin_says_so_in_its_events(svc: Any) -> None:
    rutin = str(uuid.uuid4())
    risk = await svc.json(
        "POST",
        RISKS,
        "enhetschef_a",
        201,
        json={"unit_id": svc.unit("enhet_a"), "title": "Fel dos", "revises_document_id": rutin},
    )
    assert risk["revises_document_id"] == rutin
    (identified,) = await svc.events("RiskIdentified")
    assert identified["revises_document_id"] == rutin
