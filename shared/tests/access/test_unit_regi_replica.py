"""How a unit is run, over time, in every service's replica (org-svc's OrgUnitRegiChanged)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from platform_shared.contracts.org import OrgUnitCreated, OrgUnitRegiChanged

from .conftest import Replica


def at(year: int, month: int = 1) -> datetime:
    return datetime(year, month, 1, tzinfo=UTC)


async def test_the_replica_knows_which_provider_ran_a_unit_when(replica: Replica) -> None:
    unit, own = uuid.uuid4(), uuid.uuid4()
    created = {"parent_id": None, "level": "enhet", "laws": ["SoL", "HSL"]}
    await replica.apply(
        OrgUnitCreated(unit_id=own, name="Hemtjänsten", valid_from=at(2020), **created),
        OrgUnitCreated(unit_id=unit, name="Solgården", valid_from=at(2020), regi="privat", **created),
        OrgUnitRegiChanged(
            unit_id=unit,
            regi="privat",
            procurement_form="lov",
            provider_name="Omsorgsbolaget Norr AB",
            organisationsnummer="559900-1236",
            contract_reference="SN 2019/40",
            contract_from=date(2020, 1, 1),
            contract_to=date(2025, 6, 30),
            changed_at=at(2020),
        ),
        OrgUnitRegiChanged(unit_id=unit, regi="egen", changed_at=at(2025, 7)),
    )
    directory = replica.directory
    assert await directory.regi_at(own, at(2024)) is None  # egen regi: nothing recorded
    during = await directory.regi_at(unit, at(2024))
    assert during is not None
    assert (during.regi, during.procurement_form, during.provider_name, during.valid_to) == (
        "privat",
        "lov",
        "Omsorgsbolaget Norr AB",
        at(2025, 7),
    )
    after = await directory.regi_at(unit, at(2026))
    assert after is not None and (after.regi, after.provider_name) == ("egen", None)
