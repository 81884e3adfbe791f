"""Förbättringsförslag in the statistics and the kvalitetsberättelse: counted where they were
submitted, by status and by what the accepted ones became; never who proposed them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from platform_shared.contracts.deviation import (
    ImprovementProposalAccepted,
    ImprovementProposalForwarded,
    ImprovementProposalRejected,
    ImprovementProposalSubmitted,
)
from platform_shared.ids import new_id
from platform_shared.testing import wait_until
from reporting_svc.adapters.orm import ProposalFact

AT = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def _submitted(unit_id: Any) -> ImprovementProposalSubmitted:
    return ImprovementProposalSubmitted(
        proposal_id=new_id(),
        reference="FF-2026-000001",
        unit_id=unit_id,
        origin_unit_id=unit_id,
        status="submitted",
        submitted_at=AT,
        anonymous=True,
    )


async def _rows(svc: Any, by: str, **params: Any) -> dict[str, list[Any]]:
    r = await svc.client.get(
        "/api/v1/reports/statistics/proposals",
        params={**MARCH, "by": by, **params},
        headers=svc.org.auth("socialchef"),
    )
    assert r.status_code == 200, r.text
    return {row["key"]: row["values"] for row in r.json()["table"]["rows"]}


async def test_proposals_are_counted_by_status_and_outcome_where_they_were_submitted(svc: Any) -> None:
    u = svc.org.units
    a, b, c, d = (_submitted(u["enhet_a"]) for _ in range(4))
    chef = new_id()
    accepted = ImprovementProposalAccepted(
        proposal_id=a.proposal_id,
        reference=a.reference,
        unit_id=u["enhet_a"],
        origin_unit_id=u["enhet_a"],
        status="accepted",
        outcome="rutin_revision",
        document_id=new_id(),
        accepted_at=AT,
        assessed_by=chef,
    )
    rejected = ImprovementProposalRejected(
        proposal_id=b.proposal_id,
        reference=b.reference,
        unit_id=u["enhet_a"],
        origin_unit_id=u["enhet_a"],
        status="rejected",
        rejected_at=AT,
        assessed_by=chef,
    )
    forwarded = ImprovementProposalForwarded(
        proposal_id=c.proposal_id,
        reference=c.reference,
        unit_id=u["omsorg"],
        origin_unit_id=u["enhet_a"],
        status="forwarded",
        from_unit_id=u["enhet_a"],
        forwarded_at=AT,
        forwarded_by=chef,
    )
    await svc.publish(a, b, c, d, accepted, rejected, forwarded, accepted)  # a repeat changes nothing

    async def projected() -> bool:
        async with svc.runtime.session_factory() as session:
            done = await session.scalar(
                select(func.count()).select_from(ProposalFact).where(ProposalFact.status != "submitted")
            )
            return done == 3

    await wait_until(projected)
    assert await _rows(svc, "status") == {
        "forwarded": [1],
        "accepted": [1],
        "rejected": [1],
        "submitted": [1],
    }
    assert await _rows(svc, "outcome", status=["accepted"]) == {"rutin_revision": [1]}
    # the forwarded one still counts for the unit where it was submitted
    assert await _rows(svc, "status", unit_id=str(u["enhet_b"])) == {}
    by_unit = await _rows(svc, "unit", unit_id=str(u["omsorg"]))
    assert by_unit[str(u["enhet_a"])] == [4]


async def test_the_kvalitetsberattelse_shows_the_proposals_under_forbattringar(svc: Any) -> None:
    svc.clock.set(datetime(2027, 1, 20, 9, tzinfo=UTC))
    body = {"type": "kb", "year": 2026, "unit_id": str(svc.org.units["forvaltning"])}
    r = await svc.client.post("/api/v1/reports", json=body, headers=svc.org.auth("kvalitetsledare"))
    assert r.status_code == 201, r.text
    report = r.json()
    section = next(s for s in report["sections"] if s["key"] == "forbattringar")
    assert section["figures"] == ["forbattringsforslag", "forbattringsforslag_utfall"]
    titles = {f["key"]: f["counts"]["title"] for f in report["figures"] if f["counts"]}
    assert titles["forbattringsforslag"] == "Förbättringsförslag per status i dag"
