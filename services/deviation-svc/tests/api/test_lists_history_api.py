"""GET /api/v1/deviations: filters, keyset pages, never what the caller may not see; the timeline."""

from __future__ import annotations

from typing import Any


async def _ids(svc: Any, person: str, **params: Any) -> list[str]:
    r = await svc.call("GET", "/api/v1/deviations", person, 200, params=params)
    return [x["id"] for x in r.json()["items"]]


async def test_lists_never_show_what_the_caller_may_not_see(svc: Any) -> None:
    a = await svc.report(type="avvikelse")
    c = await svc.report("medarbetare_a", type="avvikelse", unit_id=svc.unit("enhet_c"))
    hsl = await svc.report(type="hsl")
    sarah = await svc.report(type="lex_sarah")
    other_reporter = await svc.report("medarbetare_b", type="avvikelse")
    assert set(await _ids(svc, "enhetschef_a")) == {a["id"], hsl["id"], sarah["id"], other_reporter["id"]}
    assert set(await _ids(svc, "enhetschef_c")) == {c["id"]}
    assert set(await _ids(svc, "mas")) == {hsl["id"]}  # MAS: HSL only
    assert set(await _ids(svc, "sas")) == {sarah["id"]}  # SAS: Lex Sarah
    assert set(await _ids(svc, "medarbetare_a")) == {a["id"], c["id"], hsl["id"], sarah["id"]}  # own reports
    assert await _ids(svc, "namnd") == []  # aggregates only, never a case
    assert await _ids(svc, "admin") == []


async def test_list_rows_carry_no_free_text(svc: Any) -> None:
    await svc.report()
    item = (await svc.call("GET", "/api/v1/deviations", "enhetschef_a")).json()["items"][0]
    assert "description" not in item and {"id", "reference", "status", "unit_id", "version"} <= set(item)


async def test_filters_status_type_unit_subtree_period_category_severity_and_text(svc: Any) -> None:
    fall = await svc.report(type="hsl", category="fall", severity=3, description="Fall i badrummet")
    routine = await svc.report(
        type="avvikelse", category="arbetssatt_rutiner", severity=1, unit_id=svc.unit("enhet_b")
    )
    lss = await svc.report(type="avvikelse", unit_id=svc.unit("enhet_c"), description="Larmet fungerade inte")
    await svc.step(routine["id"], "receive", "socialchef", {"no_immediate_measures_needed": True})
    assert await _ids(svc, "socialchef", status="received") == [routine["id"]]
    assert set(await _ids(svc, "socialchef", status=["received", "reported"])) == {
        fall["id"],
        routine["id"],
        lss["id"],
    }
    assert await _ids(svc, "socialchef", type="hsl") == [fall["id"]]
    assert set(await _ids(svc, "socialchef", unit_id=svc.unit("omsorg"))) == {fall["id"], routine["id"]}
    assert await _ids(svc, "socialchef", unit_id=svc.unit("lss")) == [lss["id"]]
    assert await _ids(svc, "socialchef", category="fall") == [fall["id"]]
    assert await _ids(svc, "socialchef", severity=1) == [routine["id"]]
    assert await _ids(svc, "socialchef", q="badrum") == [fall["id"]]
    assert await _ids(svc, "socialchef", q="100%") == []
    assert len(await _ids(svc, "socialchef", **{"from": "2026-03-04", "to": "2026-03-04"})) == 3
    assert await _ids(svc, "socialchef", **{"from": "2026-03-05"}) == []
    assert await _ids(svc, "socialchef", to="2026-03-03") == []


async def test_keyset_pages_are_stable_newest_first_with_the_id_as_tie_breaker(svc: Any) -> None:
    made = []
    for index in range(5):
        made.append((await svc.report(type="avvikelse"))["id"])
        if index % 2:
            svc.clock.advance(minutes=1)  # some share reported_at: the id breaks the tie
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await svc.call("GET", "/api/v1/deviations", "enhetschef_a", 200, params=params)).json()
        assert len(page["items"]) <= 2
        seen.extend(x["id"] for x in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(made))
    r = await svc.call("GET", "/api/v1/deviations", "enhetschef_a", params={"limit": 201})
    assert r.status_code == 422
    r = await svc.call("GET", "/api/v1/deviations", "enhetschef_a", params={"cursor": "garbage"})
    assert r.status_code == 422
    r = await svc.call("GET", "/api/v1/deviations", "enhetschef_a", params={"status": "stangd"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"].startswith("status")


async def test_the_history_is_the_cases_timeline_without_reads(svc: Any) -> None:
    d = await svc.investigating()
    await svc.call("GET", f"/api/v1/deviations/{d['id']}", "enhetschef_a", 200)
    items = (await svc.call("GET", f"/api/v1/deviations/{d['id']}/history", "enhetschef_a", 200)).json()[
        "items"
    ]
    assert [i["type"] for i in items] == ["DeviationReported", "DeviationReceived", "InvestigationStarted"]
    assert [i["status"] for i in items] == ["reported", "received", "investigating"]
    assert items[1]["actor_id"] == svc.person("enhetschef_a")
    page = (
        await svc.call(
            "GET", f"/api/v1/deviations/{d['id']}/history", "enhetschef_a", 200, params={"limit": 2}
        )
    ).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = await svc.call(
        "GET",
        f"/api/v1/deviations/{d['id']}/history",
        "enhetschef_a",
        200,
        params={"cursor": page["next_cursor"]},
    )
    assert [i["type"] for i in rest.json()["items"]] == ["InvestigationStarted"]
