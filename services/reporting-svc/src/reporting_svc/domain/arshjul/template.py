"""The default årshjul, from the seeds' pattern, and how a year's årshjul is generated for every unit.

Each level carries the activities it performs; a lower level's copy feeds the higher level's and is
due a week earlier per level (the enhet's kvalitetsråd before T1 is held before the
verksamhetsområde's, whose protocol goes to the förvaltning's, seed 004). Reports and plans the nämnd
adopts report to the nämnd from the förvaltning; lower levels report to the level above.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

from platform_shared.roles import Role
from reporting_svc.domain.arshjul.activities import LEVEL_RANK, ActivityKind, ArshjulLevel, last_day_of_month

LEAD_DAYS_PER_LEVEL = 7

_F, _V, _A, _E = (
    ArshjulLevel.FORVALTNING,
    ArshjulLevel.VERKSAMHETSOMRADE,
    ArshjulLevel.AVDELNING,
    ArshjulLevel.ENHET,
)


def _roles(forvaltning: Role, *, lower: bool = True) -> Mapping[ArshjulLevel, Role]:
    roles = {_F: forvaltning}
    if lower:
        roles |= {_V: Role.VERKSAMHETSCHEF, _A: Role.AVDELNINGSCHEF, _E: Role.ENHETSCHEF}
    return MappingProxyType(roles)


CHEFS = _roles(Role.SOCIALCHEF)
KVALITETSRAD = _roles(Role.KVALITETSLEDARE)  # seed 003 §4.7: the kvalitetsledare leads the förvaltning's


@dataclass(frozen=True)
class TemplateActivity:
    key: str
    kind: ActivityKind
    title: str
    month: int
    day: int | None  # None: the month's last day
    period_offset: int  # the year it concerns, relative to the årshjul's year
    roles: Mapping[ArshjulLevel, Role]  # the levels that perform it, and who is responsible there
    tertial: int | None = None
    to_namnd: bool = False  # the förvaltning's reports to the nämnd (the nämnd adopts it)
    lead_days: int = LEAD_DAYS_PER_LEVEL

    def due_on(self, year: int) -> date:
        return date(year, self.month, self.day) if self.day else last_day_of_month(year, self.month)


DEFAULT_TEMPLATE: tuple[TemplateActivity, ...] = (
    TemplateActivity(
        "kvalitetsrad_vb",
        ActivityKind.KVALITETSRAD,
        "Kvalitetsråd inför verksamhetsberättelsen",
        1,
        31,
        -1,
        KVALITETSRAD,
    ),
    TemplateActivity(
        "vb",
        ActivityKind.VERKSAMHETSBERATTELSE,
        "Verksamhetsberättelse för föregående år",
        2,
        None,
        -1,
        CHEFS,
        to_namnd=True,
    ),
    TemplateActivity(
        "kb",
        ActivityKind.KVALITETSBERATTELSE,
        "Kvalitetsberättelse för föregående år",
        3,
        1,
        -1,
        _roles(Role.KVALITETSLEDARE),
        to_namnd=True,
    ),
    TemplateActivity(
        "psb",
        ActivityKind.PATIENTSAKERHETSBERATTELSE,
        "Patientsäkerhetsberättelse för föregående år",
        3,
        1,
        -1,
        _roles(Role.MAS, lower=False),
        to_namnd=True,
    ),
    TemplateActivity(
        "ledningssystem",
        ActivityKind.LEDNINGSSYSTEM_REVIEW,
        "Genomgång av ledningssystemets processer och rutiner",
        3,
        31,
        0,
        _roles(Role.KVALITETSLEDARE),
    ),
    TemplateActivity(
        "information_lex_sarah",
        ActivityKind.INFORMATION_DUTY,
        "Rapporteringsskyldigheten enligt lex Sarah på arbetsplatsträff",
        4,
        30,
        0,
        MappingProxyType({_E: Role.ENHETSCHEF}),
    ),
    TemplateActivity(
        "kvalitetsrad_t1",
        ActivityKind.KVALITETSRAD,
        "Kvalitetsråd inför tertialrapport 1",
        5,
        20,
        0,
        KVALITETSRAD,
        tertial=1,
    ),
    TemplateActivity(
        "t1", ActivityKind.TERTIALRAPPORT, "Tertialrapport 1", 5, None, 0, CHEFS, tertial=1, to_namnd=True
    ),
    TemplateActivity(
        "kvalitetsrad_t2",
        ActivityKind.KVALITETSRAD,
        "Kvalitetsråd inför tertialrapport 2",
        9,
        20,
        0,
        KVALITETSRAD,
        tertial=2,
    ),
    TemplateActivity(
        "t2", ActivityKind.TERTIALRAPPORT, "Tertialrapport 2", 9, None, 0, CHEFS, tertial=2, to_namnd=True
    ),
    TemplateActivity(
        "kvalitetsrad_vp",
        ActivityKind.KVALITETSRAD,
        "Kvalitetsråd inför verksamhetsplanen",
        10,
        20,
        1,
        KVALITETSRAD,
    ),
    TemplateActivity("riskanalys", ActivityKind.RISKANALYS, "Riskanalys inför nästa år", 10, None, 1, CHEFS),
    TemplateActivity(
        "vp", ActivityKind.VERKSAMHETSPLAN, "Verksamhetsplan för nästa år", 11, None, 1, CHEFS, to_namnd=True
    ),
    TemplateActivity(
        "internkontrollplan",
        ActivityKind.INTERNKONTROLLPLAN,
        "Internkontrollplan för nästa år",
        11,
        None,
        1,
        _roles(Role.SOCIALCHEF, lower=False),
        to_namnd=True,
    ),
)


@dataclass(frozen=True)
class UnitNode:
    """A unit of the organisation as reporting's replica has it (open units only)."""

    id: uuid.UUID
    level: str  # org-svc's UnitLevel value: namnd | forvaltning | verksamhetsomrade | avdelning | enhet
    parent_id: uuid.UUID | None


@dataclass(frozen=True)
class PlannedActivity:
    key: str
    kind: ActivityKind
    title: str
    due_on: date
    period_year: int
    responsible_role: Role
    tertial: int | None
    reports_to_unit_id: uuid.UUID | None
    feeds_key: str | None  # the same key on the årshjul above: the activity this copy feeds


@dataclass(frozen=True)
class PlannedArshjul:
    unit_id: uuid.UUID
    level: ArshjulLevel
    parent_unit_id: uuid.UUID | None  # the unit of the årshjul above (None for the förvaltning's)
    depth: int
    activities: tuple[PlannedActivity, ...] = field(default=())


_LEVELS = {level.value: level for level in ArshjulLevel}


def _arshjul_parent(unit: UnitNode, by_id: Mapping[uuid.UUID, UnitNode]) -> UnitNode | None:
    """The nearest unit above that keeps an årshjul (a nämnd keeps none: its förvaltning's is its)."""
    parent = by_id.get(unit.parent_id) if unit.parent_id else None
    while parent is not None and parent.level not in _LEVELS:
        parent = by_id.get(parent.parent_id) if parent.parent_id else None
    return parent


def _namnd_above(unit: UnitNode, by_id: Mapping[uuid.UUID, UnitNode]) -> uuid.UUID | None:
    parent = by_id.get(unit.parent_id) if unit.parent_id else None
    return parent.id if parent is not None and parent.level == "namnd" else None


def generate_year(
    year: int, units: Iterable[UnitNode], template: Iterable[TemplateActivity] = DEFAULT_TEMPLATE
) -> list[PlannedArshjul]:
    """A year's årshjul for every unit that keeps one, parents before children."""
    nodes = list(units)
    by_id = {u.id: u for u in nodes}
    template = tuple(template)
    planned: dict[uuid.UUID, PlannedArshjul] = {}

    def plan(unit: UnitNode) -> PlannedArshjul:
        if unit.id in planned:
            return planned[unit.id]
        level = _LEVELS[unit.level]
        parent = _arshjul_parent(unit, by_id)
        parent_plan = plan(parent) if parent is not None else None
        depth = parent_plan.depth + 1 if parent_plan else 0
        namnd = _namnd_above(unit, by_id)
        above = {a.key for a in parent_plan.activities} if parent_plan else set()
        activities = tuple(
            PlannedActivity(
                t.key,
                t.kind,
                t.title,
                t.due_on(year) - timedelta(days=t.lead_days * depth),
                year + t.period_offset,
                t.roles[level],
                t.tertial,
                (namnd if t.to_namnd else None) if parent_plan is None else parent_plan.unit_id,
                t.key if t.key in above else None,
            )
            for t in template
            if level in t.roles
        )
        planned[unit.id] = PlannedArshjul(
            unit.id, level, parent_plan.unit_id if parent_plan else None, depth, activities
        )
        return planned[unit.id]

    for unit in nodes:
        if unit.level in _LEVELS:
            plan(unit)
    return sorted(planned.values(), key=lambda p: (p.depth, LEVEL_RANK[p.level], str(p.unit_id)))
