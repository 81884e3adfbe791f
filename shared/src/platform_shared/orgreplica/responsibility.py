"""Who is responsible for a duty at a unit, now or at a date: the duty catalogue (kept as data) and
the one lookup every service uses to route work from its replica of the organisation.

The lookup walks up the tree from the unit (as the tree stood at the date) to the nearest unit with a
holder of the duty's role; an acting holder (tf.) stands in for the ordinary one on the same unit.
A decision that has been delegated (delegationsordning) goes to the delegate: the nearest delegation
in force that covers the unit wins, and the role holders who own the decision are given as `owners`
(they keep the competence).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from platform_shared.orgreplica.directory import OrgDirectory, RoleHolder
from platform_shared.orgreplica.regimes import Regime, lex_regimes
from platform_shared.permissions import DELEGABLE, delegation_owners
from platform_shared.roles import Role
from platform_shared.timeutil import utc_now


class Duty(StrEnum):
    HANDLE_DEVIATIONS = "handle_deviations"
    INVESTIGATE_LEX_SARAH = "investigate_lex_sarah"
    INVESTIGATE_LEX_MARIA = "investigate_lex_maria"
    DECIDE_LEX_SARAH = "decide_lex_sarah"
    DECIDE_IVO_LEX_SARAH = "decide_ivo_lex_sarah"
    DECIDE_IVO_LEX_MARIA = "decide_ivo_lex_maria"
    INFORM_NAMND = "inform_namnd"
    WRITE_KVALITETSBERATTELSE = "write_kvalitetsberattelse"
    WRITE_PATIENTSAKERHETSBERATTELSE = "write_patientsakerhetsberattelse"
    REVIEW_ROUTINES = "review_routines"


@dataclass(frozen=True)
class DutyDefinition:
    duty: Duty
    title: str
    roles: tuple[Role, ...]  # equivalent holders: the nearest one walking up wins
    fallback: tuple[Role, ...] = ()  # asked only when nobody holds `roles` on the unit or above
    decision_type: str | None = None  # a key of permissions.DELEGABLE: the duty can be delegated
    regime: Regime | None = None  # the duty exists only at units under this regime
    source: str = ""


_TOP = (Role.SOCIALCHEF, Role.FORVALTNINGSCHEF)
_LINE = (Role.AVDELNINGSCHEF, Role.VERKSAMHETSCHEF, Role.MYNDIGHETSCHEF)

DUTIES: dict[Duty, DutyDefinition] = {
    d.duty: d
    for d in (
        DutyDefinition(
            Duty.HANDLE_DEVIATIONS,
            "Tar emot och hanterar avvikelser",
            (Role.ENHETSCHEF,),
            _LINE,
            source="docs/domain.md 4.1, 8.1 (enhetschef)",
        ),
        DutyDefinition(
            Duty.INVESTIGATE_LEX_SARAH,
            "Utreder Lex Sarah-rapporter",
            (Role.SAS,),
            (Role.KVALITETSLEDARE,),
            regime=Regime.LEX_SARAH,
            source="docs/domain.md 8.1 (SAS; kvalitetsledare/utvecklingsledare may investigate)",
        ),
        DutyDefinition(
            Duty.INVESTIGATE_LEX_MARIA,
            "Utreder händelser enligt Lex Maria",
            (Role.MAS,),
            regime=Regime.LEX_MARIA,
            source="docs/domain.md 8.1 (MAS investigates Lex Maria, reports to socialchef)",
        ),
        DutyDefinition(
            Duty.DECIDE_LEX_SARAH,
            "Beslutar om Lex Sarah-ärendets bedömning",
            _TOP,
            decision_type="lex_sarah_beslut",
            regime=Regime.LEX_SARAH,
            source="docs/domain.md 4.1 (socialchef or delegate decides)",
        ),
        DutyDefinition(
            Duty.DECIDE_IVO_LEX_SARAH,
            "Beslutar om anmälan till IVO enligt Lex Sarah",
            _TOP,
            decision_type="ivo_anmalan_lex_sarah",
            regime=Regime.LEX_SARAH,
            source="docs/domain.md 2.3, 8.1 (socialchef/förvaltningschef or delegate)",
        ),
        DutyDefinition(
            Duty.DECIDE_IVO_LEX_MARIA,
            "Beslutar om anmälan till IVO enligt Lex Maria",
            (Role.MAS,),
            decision_type="ivo_anmalan_lex_maria",
            regime=Regime.LEX_MARIA,
            source="docs/domain.md 2.3 (MAS by delegation from the vårdgivare)",
        ),
        DutyDefinition(
            Duty.INFORM_NAMND,
            "Informerar nämnden om anmälningar till IVO",
            _TOP,
            source="docs/domain.md 8.1 (socialchef informs the nämnd)",
        ),
        DutyDefinition(
            Duty.WRITE_KVALITETSBERATTELSE,
            "Skriver kvalitetsberättelsen",
            (Role.KVALITETSLEDARE,),
            source="docs/domain.md 8.1 (kvalitetsledare/utvecklingsledare)",
        ),
        DutyDefinition(
            Duty.WRITE_PATIENTSAKERHETSBERATTELSE,
            "Skriver patientsäkerhetsberättelsen",
            (Role.MAS,),
            regime=Regime.LEX_MARIA,
            source="docs/domain.md 8.1 (MAS), PSL 3 kap 10 §",
        ),
        DutyDefinition(
            Duty.REVIEW_ROUTINES,
            "Går igenom rutiner och processer minst en gång per år",
            (Role.ENHETSCHEF,),
            _LINE,
            source="docs/domain.md 8.1 (enhetschef reviews processes at least yearly)",
        ),
    )
}


@dataclass(frozen=True)
class ResponsiblePerson:
    person_id: uuid.UUID
    unit_id: uuid.UUID  # where the role, or the delegation, sits
    role: str | None  # the role held (None: a delegation to a named person)
    acting: bool = False
    delegation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Responsibility:
    duty: Duty
    unit_id: uuid.UUID
    at: datetime
    applies: bool  # False: the duty does not exist at this unit (e.g. Lex Maria without HSL)
    people: tuple[ResponsiblePerson, ...]  # who the work goes to
    owners: tuple[ResponsiblePerson, ...] = ()  # the role holders, when the decision is delegated

    @property
    def delegated(self) -> bool:
        return any(p.delegation_id is not None for p in self.people)


async def laws_in_force(directory: OrgDirectory, unit_id: uuid.UUID, at: datetime | None = None) -> list[str]:
    """The unit's laws; a unit that lists none works under the nearest ancestor's."""
    for ancestor in await directory.ancestors_and_self(unit_id, at):
        laws = await directory.unit_laws(ancestor)
        if laws:
            return laws
    return []


async def nearest_holders(
    directory: OrgDirectory,
    roles: Iterable[str],
    unit_id: uuid.UUID,
    at: datetime | None = None,
    *,
    stop_at: uuid.UUID | None = None,
) -> list[RoleHolder]:
    """Holders of any of `roles` on the closest unit walking up from `unit_id` (not above `stop_at`).
    An acting holder (tf.) stands in for the ordinary one on the same unit."""
    wanted = sorted(set(roles))
    if not wanted:
        return []
    for ancestor in await directory.ancestors_and_self(unit_id, at):
        found = await directory.holders(wanted, ancestor, at, active_only=at is None)
        if found:
            acting = [h for h in found if h.acting]
            return acting or found
        if ancestor == stop_at:
            break
    return []


async def responsible(
    directory: OrgDirectory, duty: Duty | str, unit_id: uuid.UUID, at: datetime | None = None
) -> Responsibility:
    """Who holds `duty` for `unit_id` at `at` (default now). Raises ValueError for an unknown duty."""
    definition = DUTIES[Duty(duty)]
    when = at or utc_now()
    regimes = lex_regimes(await laws_in_force(directory, unit_id, at))
    if definition.regime is not None and definition.regime not in regimes:
        return Responsibility(definition.duty, unit_id, when, applies=False, people=())
    holders = await nearest_holders(directory, definition.roles, unit_id, at)
    if not holders:
        holders = await nearest_holders(directory, definition.fallback, unit_id, at)
    owners = tuple(ResponsiblePerson(h.person_id, h.unit_id, h.role, h.acting) for h in holders)
    delegates = await _delegates(directory, definition, unit_id, at)
    if delegates:
        return Responsibility(definition.duty, unit_id, when, True, delegates, owners)
    return Responsibility(definition.duty, unit_id, when, True, owners)


async def _delegates(
    directory: OrgDirectory, definition: DutyDefinition, unit_id: uuid.UUID, at: datetime | None
) -> tuple[ResponsiblePerson, ...]:
    """The delegates of the nearest delegations in force that cover the unit (none: not delegated)."""
    if definition.decision_type is None or definition.decision_type not in DELEGABLE:
        return ()
    owner_roles = {r.value for r in delegation_owners(definition.decision_type)}
    delegations = [
        d
        for d in await directory.delegations_in_force(definition.decision_type, unit_id, at)
        if d.from_role in owner_roles
    ]
    people: list[ResponsiblePerson] = []
    for nearest_unit in dict.fromkeys(d.unit_id for d in delegations):
        for d in (d for d in delegations if d.unit_id == nearest_unit):
            if d.to_person_id is not None and (at is not None or await _active(directory, d.to_person_id)):
                people.append(ResponsiblePerson(d.to_person_id, d.unit_id, None, delegation_id=d.id))
            if d.to_role is not None:
                for h in await nearest_holders(directory, [d.to_role], unit_id, at, stop_at=d.unit_id):
                    people.append(ResponsiblePerson(h.person_id, h.unit_id, h.role, h.acting, d.id))
        if people:
            break
    return tuple(dict.fromkeys(people))


async def _active(directory: OrgDirectory, person_id: uuid.UUID) -> bool:
    person = await directory.person(person_id)
    return person is not None and person.active
