"""A unit run by a private provider (privat regi) is a unit like any other in deviation-svc: the
provider's own Lex Sarah and Lex Maria reports and the complaints about it are registered against it."""

from __future__ import annotations

from typing import Any

from platform_shared.contracts.org import OrgUnitRegiChanged
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.testing import EPOCH, wait_until


async def _run_privately(svc: Any, key: str) -> None:
    unit = svc.org.units[key]
    await svc.publish(
        OrgUnitRegiChanged(
            unit_id=unit,
            regi="privat",
            procurement_form="lov",
            provider_name="Omsorgsbolaget Norr AB",
            changed_at=EPOCH,
        )
    )

    async def recorded() -> bool:
        async with svc.runtime.session_factory() as session:
            return await OrgDirectory(session, svc.runtime.replica).regi_at(unit) is not None

    await wait_until(recorded)


async def test_a_providers_lex_sarah_lex_maria_and_complaints_are_registered_against_its_unit(
    svc: Any,
) -> None:
    await _run_privately(svc, "enhet_a")
    unit = svc.unit("enhet_a")
    sarah = await svc.report()
    maria = await svc.report(type="hsl")  # händelser i vården, Lex Maria
    assert sarah["unit_id"] == unit and sarah["type"] == "lex_sarah"
    assert maria["unit_id"] == unit and maria["type"] == "hsl"
    complaint = {
        "kind": "klagomal",
        "channel": "telefon",
        "complainant_type": "narstaende",
        "unit_id": unit,
        "text": "Hemtjänsten kom inte på morgonen",
    }
    c = (await svc.call("POST", "/api/v1/complaints", "medarbetare_a", 201, json=complaint)).json()
    assert c["unit_id"] == unit
