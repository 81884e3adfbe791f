"""A deviation names the rutiner that were not followed or were missing, and an action the rutin it
revises: stored, shown, and carried by every event so that org-svc proposes a revision of each."""

from __future__ import annotations

import uuid
from typing import Any


async def test_a_deviation_names_the_rutiner_not_followed_and_every_step_carries_them(svc: Any) -> None:
    medicines, keys = str(uuid.uuid4()), str(uuid.uuid4())
    d = await svc.report(
        type="avvikelse", category="arbetssatt_rutiner", document_ids=[medicines, keys, medicines]
    )
    assert d["document_ids"] == [medicines, keys]  # each named once, in the order given
    reported = (await svc.outbox("DeviationReported"))[-1]["data"]
    assert reported["document_ids"] == [medicines, keys]
    # an edit replaces the list; the next step carries the list as it is now
    r = await svc.call(
        "PATCH",
        f"/api/v1/deviations/{d['id']}",
        "enhetschef_a",
        200,
        json={"document_ids": [keys]},
        headers={"If-Match": f'"{d["version"]}"'},
    )
    assert r.json()["document_ids"] == [keys]
    await svc.step(d["id"], "receive", "enhetschef_a", {"immediate_measures": "Rutinen gicks igenom"})
    assert (await svc.outbox("DeviationReceived"))[-1]["data"]["document_ids"] == [keys]


async def test_a_deviation_names_no_rutin_unless_given(svc: Any) -> None:
    d = await svc.report()
    assert d["document_ids"] == []
    assert (await svc.outbox("DeviationReported"))[-1]["data"]["document_ids"] == []


async def test_a_named_rutin_must_be_an_id(svc: Any) -> None:
    r = await svc.call(
        "POST",
        "/api/v1/deviations",
        "medarbetare_a",
        422,
        json={
            "type": "avvikelse",
            "unit_id": svc.unit("enhet_a"),
            "occurred_at": "2026-03-01T08:00:00+01:00",
            "description": "Rutinen följdes inte",
            "document_ids": ["läkemedelsrutinen"],
        },
    )
    assert r.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in r.json()["errors"]] == ["document_ids.0"]


async def test_an_action_that_revises_a_rutin_says_so_in_its_events(svc: Any) -> None:
    d = await svc.decided()
    rutin = str(uuid.uuid4())
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/actions",
        "enhetschef_a",
        201,
        json={"description": "Revidera läkemedelsrutinen", "horizon": "kort", "revises_document_id": rutin},
    )
    assert r.json()["revises_document_id"] == rutin
    assert (await svc.outbox("ActionProposed"))[-1]["data"]["revises_document_id"] == rutin
