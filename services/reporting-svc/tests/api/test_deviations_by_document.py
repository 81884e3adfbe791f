"""Statistics per rutin: deviations that name an org-svc document as not followed or missing, counted
per document with the title org-svc gave it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from platform_shared.contracts.deviation import DeviationReceived, DeviationReported, DeviationVoided
from platform_shared.contracts.documents import DocumentRegistered
from platform_shared.ids import new_id
from platform_shared.testing import wait_until
from reporting_svc.adapters.orm import DeviationDocumentFact, DeviationFact, DocumentFact

PATH = "/api/v1/reports/statistics/deviations/by-document"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
MID = datetime(2026, 3, 15, 10, 0, tzinfo=UTC)


def _reported(unit_id: uuid.UUID, *document_ids: uuid.UUID, at: datetime = MID) -> DeviationReported:
    return DeviationReported(
        deviation_id=new_id(),
        reference="AVV-2026-000001",
        deviation_type="avvikelse",
        category="arbetssatt_rutiner",
        unit_id=unit_id,
        occurred_at=at,
        reported_at=at,
        document_ids=list(document_ids),
    )


def _document(title: str, unit_id: uuid.UUID) -> DocumentRegistered:
    return DocumentRegistered(
        document_id=new_id(),
        kind="rutin",
        title=title,
        owner_role="enhetschef",
        owner_unit_id=unit_id,
        unit_ids=[unit_id],
        registered_at=MID,
    )


async def _count(svc: Any, table: Any) -> int:
    async with svc.runtime.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def test_deviations_are_counted_per_rutin_they_name_with_its_title(svc: Any) -> None:
    u = svc.org.units
    medicines = _document("Rutin för läkemedelshantering", u["enhet_a"])
    keys = _document("Rutin för nyckelhantering", u["enhet_a"])
    a = _reported(u["enhet_a"], medicines.document_id, keys.document_id)
    b = _reported(u["enhet_a"], medicines.document_id)
    c = _reported(u["enhet_b"], medicines.document_id)
    outside = _reported(u["enhet_a"], keys.document_id, at=datetime(2026, 2, 1, 10, tzinfo=UTC))
    voided = _reported(u["enhet_a"], keys.document_id)
    await svc.publish(medicines, keys, a, b, c, outside, voided)
    await svc.publish(
        DeviationVoided(
            deviation_id=voided.deviation_id,
            reference=voided.reference,
            unit_id=voided.unit_id,
            document_ids=[keys.document_id],
            voided_at=MID,
            voided_by=new_id(),
        )
    )

    async def projected() -> bool:
        async with svc.runtime.session_factory() as session:
            gone = await session.get(DeviationFact, voided.deviation_id)
        voided_seen = gone is not None and gone.status == "voided"
        return voided_seen and await _count(svc, DeviationFact) == 5 and await _count(svc, DocumentFact) == 2

    await wait_until(projected)
    r = await svc.client.get(PATH, params=MARCH, headers=svc.org.auth("socialchef"))
    assert r.status_code == 200, r.text
    assert [(i["title"], i["kind"], i["count"]) for i in r.json()["items"]] == [
        ("Rutin för läkemedelshantering", "rutin", 3),
        ("Rutin för nyckelhantering", "rutin", 1),
    ]
    # a unit and its subtree only
    r = await svc.client.get(
        PATH, params={**MARCH, "unit_id": str(u["enhet_b"])}, headers=svc.org.auth("kvalitetsledare")
    )
    assert [(i["document_id"], i["count"]) for i in r.json()["items"]] == [(str(medicines.document_id), 1)]


async def test_a_later_step_replaces_the_rutiner_a_deviation_names(svc: Any) -> None:
    u = svc.org.units
    first, second = new_id(), new_id()
    reported = _reported(u["enhet_a"], first)
    await svc.publish(reported)
    received = DeviationReceived(
        deviation_id=reported.deviation_id,
        reference=reported.reference,
        unit_id=reported.unit_id,
        document_ids=[second],
        received_at=MID,
        received_by=new_id(),
    )
    await svc.publish(received, received)  # a repeat changes nothing

    async def moved() -> bool:
        async with svc.runtime.session_factory() as session:
            rows = await session.scalars(select(DeviationDocumentFact.document_id))
            return rows.all() == [second]

    await wait_until(moved)
    r = await svc.client.get(PATH, params=MARCH, headers=svc.org.auth("socialchef"))
    # org-svc has not told about this document: counted, without a title
    assert r.json()["items"] == [{"document_id": str(second), "kind": None, "title": None, "count": 1}]
