"""Read side: units as they stood at a time, and the reporting regimes their laws put them under."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from org_svc.adapters.orm import OrgUnit, OrgUnitChange
from org_svc.domain.history import ChangeKind, UnitChange, UnitState, state_at
from org_svc.domain.providers import ProcurementForm, ProviderFacts, Regi
from platform_shared.orgreplica.responsibility import Regime, lex_regimes


async def regimes(session: AsyncSession) -> dict[uuid.UUID, frozenset[Regime]]:
    """Every unit's regimes (Lex Sarah, Lex Maria) from its laws; a unit that lists none works under
    its nearest ancestor's, as the responsible-person lookup has it."""
    rows = (await session.execute(select(OrgUnit.id, OrgUnit.parent_id, OrgUnit.laws))).all()
    parent = {r.id: r.parent_id for r in rows}
    laws = {r.id: list(r.laws or []) for r in rows}
    found: dict[uuid.UUID, frozenset[Regime]] = {}
    for unit_id in parent:
        current: uuid.UUID | None = unit_id
        seen: set[uuid.UUID] = set()
        while current is not None and current not in seen and not laws.get(current):
            seen.add(current)
            current = parent.get(current)
        found[unit_id] = lex_regimes(laws.get(current, []) if current else [])
    return found


async def history(session: AsyncSession, unit_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[UnitChange]]:
    ids = list(unit_ids)
    found: dict[uuid.UUID, list[UnitChange]] = {unit_id: [] for unit_id in ids}
    if not ids:
        return found
    rows = await session.scalars(
        select(OrgUnitChange)
        .where(OrgUnitChange.unit_id.in_(ids))
        .order_by(OrgUnitChange.recorded_at, OrgUnitChange.id)
    )
    for row in rows:
        found[row.unit_id].append(
            UnitChange(
                kind=ChangeKind(row.kind),
                effective_at=row.effective_at,
                name=row.name,
                parent_id=row.parent_id,
                laws=tuple(row.laws) if row.laws is not None else None,
                regi=Regi(row.regi) if row.regi else None,
                provider=provider_of(row),
            )
        )
    return found


def provider_of(row: OrgUnit | OrgUnitChange) -> ProviderFacts | None:
    """The provider facts a unit (or one of its changes) holds; None in egen regi."""
    if row.regi != Regi.PRIVAT.value or not row.provider_name or not row.procurement_form:
        return None
    return ProviderFacts(
        procurement_form=ProcurementForm(row.procurement_form),
        provider_name=row.provider_name,
        organisationsnummer=row.organisationsnummer,
        contract_reference=row.contract_reference or "",
        contract_from=row.contract_from or date.min,
        contract_to=row.contract_to,
    )


def provider_view(facts: ProviderFacts | None) -> dict[str, Any] | None:
    return asdict(facts) if facts is not None else None


async def states_at(
    session: AsyncSession, unit_ids: Iterable[uuid.UUID], at: datetime
) -> dict[uuid.UUID, UnitState]:
    """The units (of these) that existed at `at`, as they stood then."""
    found: dict[uuid.UUID, UnitState] = {}
    for unit_id, changes in (await history(session, unit_ids)).items():
        state = state_at(changes, at)
        if state is not None:
            found[unit_id] = state
    return found
