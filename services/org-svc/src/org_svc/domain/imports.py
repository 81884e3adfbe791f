"""Bulk import of an organisation from an HR/AD export (CSV or JSON), as plain rules.

`plan_import` compares the file with the organisation as it is and returns the operations that make
the organisation match it, and a report row per input row: created, changed (and what), unchanged,
or rejected (and why). Importing the same file twice plans nothing the second time.

Units are matched by `code`, people by `subject`. A `namnd` row without a parent stands for the root.
Units missing from the file are left alone (an import never closes a unit); a row without laws
leaves an existing unit's laws as they are (change them in the API). A person's roles in the
file are added when missing; with `end_missing_roles` the roles the file no longer lists are ended.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from org_svc.domain.model import (
    Law,
    OrgRuleViolation,
    UnitLevel,
    check_parent_level,
    parse_role_spec,
)
from platform_shared.roles import Role

UnitRef = uuid.UUID | str  # an existing unit's id, or the code of a unit this import creates


# ---- the organisation as it is -------------------------------------------------------------------
@dataclass(frozen=True)
class ExistingUnit:
    id: uuid.UUID
    code: str | None
    name: str
    level: str
    parent_id: uuid.UUID | None
    laws: tuple[str, ...]
    closed: bool


@dataclass(frozen=True)
class ExistingRole:
    assignment_id: uuid.UUID
    role: str
    unit_id: uuid.UUID
    acting: bool


@dataclass(frozen=True)
class ExistingPerson:
    id: uuid.UUID
    subject: str
    email: str
    name: str
    active: bool
    roles: tuple[ExistingRole, ...] = ()  # not ended


@dataclass(frozen=True)
class OrgSnapshot:
    units: Mapping[uuid.UUID, ExistingUnit]
    people: Mapping[str, ExistingPerson]  # by subject
    client_subjects: frozenset[str] = frozenset()
    manageable: frozenset[uuid.UUID] | None = None  # units the importer may change; None: all


# ---- what to do ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CreateUnitOp:
    code: str
    name: str
    level: UnitLevel
    parent: UnitRef
    laws: tuple[Law, ...]


@dataclass(frozen=True)
class RenameUnitOp:
    unit_id: uuid.UUID
    name: str


@dataclass(frozen=True)
class MoveUnitOp:
    unit_id: uuid.UUID
    parent: UnitRef


@dataclass(frozen=True)
class ChangeLawsOp:
    unit_id: uuid.UUID
    laws: tuple[Law, ...]


@dataclass(frozen=True)
class RegisterPersonOp:
    subject: str
    email: str
    name: str


@dataclass(frozen=True)
class UpdatePersonOp:
    person_id: uuid.UUID
    email: str
    name: str


@dataclass(frozen=True)
class AssignRoleOp:
    subject: str
    role: Role
    unit: UnitRef
    acting: bool


@dataclass(frozen=True)
class EndRoleOp:
    assignment_id: uuid.UUID


Operation = (
    CreateUnitOp | RenameUnitOp | MoveUnitOp | ChangeLawsOp | RegisterPersonOp | UpdatePersonOp | AssignRoleOp
) | EndRoleOp


class Outcome(StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass(frozen=True)
class RowResult:
    kind: str  # unit | person
    row: int  # 1-based position among the file's data rows
    key: str  # code or subject
    outcome: Outcome
    changes: tuple[str, ...] = ()
    reason: str | None = None


@dataclass
class ImportPlan:
    operations: list[Operation] = field(default_factory=list)
    results: list[RowResult] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(r.outcome is outcome for r in self.results)


# ---- reading rows --------------------------------------------------------------------------------
UNIT_COLUMNS = ("code", "name", "parent_code", "level", "laws")
PERSON_COLUMNS = ("subject", "email", "name", "roles")


def read_csv(text: str) -> list[dict[str, str]]:
    """Rows of a CSV export (comma or semicolon separated, header row first, UTF-8 with or without
    BOM); list cells (laws, roles) separate their items with `;`, `,` or `|`."""
    text = text.removeprefix("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    rows: list[dict[str, str]] = []
    for raw in reader:
        rows.append({(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None})
    return rows


def _text(raw: Mapping[str, Any], key: str, *, required: bool = True) -> str:
    value = raw.get(key)
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise OrgRuleViolation(key, f"Kolumnen {key} saknas")
    return text


def _items(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value)
    for separator in ("|", ";"):
        text = text.replace(separator, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


def _laws(value: Any) -> tuple[Law, ...]:
    by_name = {law.value.lower(): law for law in Law}
    found: set[Law] = set()
    for item in _items(value):
        if item.lower() not in by_name:
            raise OrgRuleViolation(
                "laws", f"Okänd lag: {item} (möjliga: {', '.join(law.value for law in Law)})"
            )
        found.add(by_name[item.lower()])
    return tuple(law for law in Law if law in found)  # canonical order


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    parent_code: str
    level: UnitLevel
    laws: tuple[Law, ...] | None  # None: the file does not say (an existing unit keeps its laws)


@dataclass(frozen=True)
class PersonRow:
    subject: str
    email: str
    name: str
    roles: tuple[tuple[Role, str, bool], ...]  # (role, unit code, acting)


def parse_unit_row(raw: Mapping[str, Any]) -> UnitRow:
    level_text = _text(raw, "level").lower()
    try:
        level = UnitLevel(level_text)
    except ValueError as exc:
        raise OrgRuleViolation("level", f"Okänd nivå: {level_text}") from exc
    return UnitRow(
        code=_text(raw, "code"),
        name=_text(raw, "name"),
        parent_code=_text(raw, "parent_code", required=False),
        level=level,
        laws=_laws(raw["laws"]) if _items(raw.get("laws")) else None,
    )


def parse_person_row(raw: Mapping[str, Any]) -> PersonRow:
    email = _text(raw, "email")
    if "@" not in email:
        raise OrgRuleViolation("email", f"{email} är ingen e-postadress")
    roles = tuple(dict.fromkeys(parse_role_spec(spec) for spec in _items(raw.get("roles"))))
    return PersonRow(subject=_text(raw, "subject"), email=email, name=_text(raw, "name"), roles=roles)


# ---- planning ------------------------------------------------------------------------------------
@dataclass
class _Units:
    """What the plan knows about units while it goes: existing ones, and those it creates."""

    snapshot: OrgSnapshot
    by_code: dict[str, UnitRef] = field(default_factory=dict)
    level: dict[UnitRef, UnitLevel] = field(default_factory=dict)
    parent: dict[UnitRef, UnitRef | None] = field(default_factory=dict)
    manageable: set[UnitRef] = field(default_factory=set)
    rejected_rows: dict[str, int] = field(default_factory=dict)  # code -> row, for new units

    def __post_init__(self) -> None:
        for unit in self.snapshot.units.values():
            if unit.code:
                self.by_code[unit.code] = unit.id
            self.level[unit.id] = UnitLevel(unit.level)
            self.parent[unit.id] = unit.parent_id
            if self.snapshot.manageable is None or unit.id in self.snapshot.manageable:
                self.manageable.add(unit.id)

    def root(self) -> ExistingUnit | None:
        return next((u for u in self.snapshot.units.values() if u.parent_id is None), None)

    def code_of(self, ref: UnitRef | None) -> str:
        if ref is None:
            return "-"
        if isinstance(ref, str):
            return ref
        unit = self.snapshot.units.get(ref)
        return (unit.code or unit.name) if unit else str(ref)

    def reaches(self, start: UnitRef | None, target: UnitRef) -> bool:
        """Walking up from `start`, is `target` met (so `target` cannot go under `start`)?"""
        seen: set[UnitRef] = set()
        while start is not None and start not in seen:
            if start == target:
                return True
            seen.add(start)
            start = self.parent.get(start)
        return False


def plan_import(
    units: Sequence[Mapping[str, Any]],
    people: Sequence[Mapping[str, Any]],
    snapshot: OrgSnapshot,
    *,
    end_missing_roles: bool = False,
) -> ImportPlan:
    plan = ImportPlan()
    known = _Units(snapshot)
    _plan_units(units, known, plan)
    _plan_people(people, known, plan, end_missing_roles)
    return plan


def _reject(plan: ImportPlan, kind: str, row: int, key: str, reason: str) -> None:
    plan.results.append(RowResult(kind, row, key, Outcome.REJECTED, reason=reason))


def _plan_units(rows: Sequence[Mapping[str, Any]], known: _Units, plan: ImportPlan) -> None:
    pending: dict[str, tuple[int, UnitRow]] = {}
    for index, raw in enumerate(rows, start=1):
        try:
            row = parse_unit_row(raw)
        except OrgRuleViolation as err:
            _reject(plan, "unit", index, str(raw.get("code") or "?"), err.message)
            continue
        if row.code in pending:
            _reject(
                plan, "unit", index, row.code, f"koden {row.code} finns också på rad {pending[row.code][0]}"
            )
            continue
        pending[row.code] = (index, row)
    while pending:
        ready = [code for code, (_, row) in pending.items() if _parent_settled(row, pending, known)]
        if not ready:
            for code, (index, _) in pending.items():
                _reject(plan, "unit", index, code, "dess överordnade kod ingår i en cykel i filen")
            return
        for code in ready:
            index, row = pending.pop(code)
            _plan_unit(index, row, known, plan)


def _parent_settled(row: UnitRow, pending: Mapping[str, tuple[int, UnitRow]], known: _Units) -> bool:
    """A row waits while its parent is a new unit still to be planned from the same file."""
    parent = row.parent_code
    return not parent or parent not in pending or parent in known.by_code


def _plan_unit(index: int, row: UnitRow, known: _Units, plan: ImportPlan) -> None:
    root = known.root()
    is_root_row = row.level is UnitLevel.NAMND and not row.parent_code
    existing_id = root.id if is_root_row and root else known.by_code.get(row.code)
    if isinstance(existing_id, str):  # the code was created by an earlier row of this file
        _reject(plan, "unit", index, row.code, "koden används redan i filen")
        return
    if is_root_row:
        parent_ref: UnitRef | None = None
    elif not row.parent_code:
        _reject(plan, "unit", index, row.code, "överordnad kod saknas (bara nämnden ligger överst)")
        return
    elif row.parent_code in known.rejected_rows:
        rejected_at = known.rejected_rows[row.parent_code]
        reason = f"den överordnade enheten {row.parent_code} (rad {rejected_at}) avvisades"
        _reject(plan, "unit", index, row.code, reason)
        known.rejected_rows[row.code] = index
        return
    elif row.parent_code not in known.by_code:
        _reject(plan, "unit", index, row.code, f"okänd överordnad kod {row.parent_code}")
        known.rejected_rows[row.code] = index
        return
    else:
        parent_ref = known.by_code[row.parent_code]
    if existing_id is None:
        _plan_new_unit(index, row, parent_ref, known, plan)
    else:
        _plan_existing_unit(index, row, known.snapshot.units[existing_id], parent_ref, known, plan)
    if is_root_row and existing_id is not None:
        known.by_code.setdefault(row.code, existing_id)


def _plan_new_unit(index: int, row: UnitRow, parent: UnitRef | None, known: _Units, plan: ImportPlan) -> None:
    reason = _placement_problem(row.level, parent, known) if parent is not None else "ingen nämnd överst"
    if reason is None and parent is not None and parent not in known.manageable:
        reason = f"{known.code_of(parent)} ligger utanför ditt ansvarsområde"
    if reason is not None or parent is None:
        _reject(plan, "unit", index, row.code, reason or "ingen överordnad enhet")
        known.rejected_rows[row.code] = index
        return
    known.by_code[row.code] = row.code
    known.level[row.code] = row.level
    known.parent[row.code] = parent
    known.manageable.add(row.code)
    plan.operations.append(CreateUnitOp(row.code, row.name, row.level, parent, row.laws or ()))
    plan.results.append(RowResult("unit", index, row.code, Outcome.CREATED))


def _placement_problem(level: UnitLevel, parent: UnitRef, known: _Units) -> str | None:
    """Why a unit of `level` cannot go under `parent` (None: it can)."""
    existing = known.snapshot.units.get(parent) if isinstance(parent, uuid.UUID) else None
    if existing is not None and existing.closed:
        return f"den överordnade enheten {known.code_of(parent)} är avvecklad"
    try:
        check_parent_level(known.level.get(parent), level)
    except OrgRuleViolation as err:
        return err.message
    return None


def _plan_existing_unit(
    index: int,
    row: UnitRow,
    unit: ExistingUnit,
    parent: UnitRef | None,
    known: _Units,
    plan: ImportPlan,
) -> None:
    if unit.closed:
        return _reject(plan, "unit", index, row.code, "enheten är avvecklad")
    if row.level.value != unit.level:
        reason = f"nivån kan inte ändras ({unit.level} → {row.level.value}): avveckla enheten och skapa en ny"
        return _reject(plan, "unit", index, row.code, reason)
    operations: list[Operation] = []
    changes: list[str] = []
    if row.name != unit.name:
        operations.append(RenameUnitOp(unit.id, row.name))
        changes.append(f"namn: {unit.name} → {row.name}")
    if row.laws is not None and set(row.laws) != {Law(law) for law in unit.laws}:
        operations.append(ChangeLawsOp(unit.id, row.laws))
        changes.append(
            f"lagar: {', '.join(unit.laws) or '-'} → {', '.join(x.value for x in row.laws) or '-'}"
        )
    moving = parent != unit.parent_id
    if moving and parent is not None:
        if known.reaches(parent, unit.id):
            return _reject(
                plan, "unit", index, row.code, "en enhet kan inte flyttas under sina egna underenheter"
            )
        problem = _placement_problem(row.level, parent, known)
        if problem:
            return _reject(plan, "unit", index, row.code, problem)
        operations.append(MoveUnitOp(unit.id, parent))
        changes.append(f"överordnad: {known.code_of(unit.parent_id)} → {known.code_of(parent)}")
    if not operations:
        plan.results.append(RowResult("unit", index, row.code, Outcome.UNCHANGED))
        return None
    outside = [ref for ref in (unit.id, parent if moving else None) if ref and ref not in known.manageable]
    if outside:
        return _reject(
            plan, "unit", index, row.code, f"{known.code_of(outside[0])} ligger utanför ditt ansvarsområde"
        )
    if moving:
        known.parent[unit.id] = parent
    plan.operations.extend(operations)
    plan.results.append(RowResult("unit", index, row.code, Outcome.CHANGED, tuple(changes)))
    return None


def _plan_people(
    rows: Sequence[Mapping[str, Any]], known: _Units, plan: ImportPlan, end_missing_roles: bool
) -> None:
    seen: dict[str, int] = {}
    for index, raw in enumerate(rows, start=1):
        try:
            row = parse_person_row(raw)
        except OrgRuleViolation as err:
            _reject(plan, "person", index, str(raw.get("subject") or "?"), err.message)
            continue
        if row.subject in seen:
            _reject(plan, "person", index, row.subject, f"subjektet finns också på rad {seen[row.subject]}")
            continue
        seen[row.subject] = index
        _plan_person(index, row, known, plan, end_missing_roles)


def _role_units(row: PersonRow, known: _Units) -> tuple[list[tuple[Role, UnitRef, bool]], str | None]:
    wanted: list[tuple[Role, UnitRef, bool]] = []
    for role, code, acting in row.roles:
        if code in known.rejected_rows:
            return [], f"enheten {code} (rad {known.rejected_rows[code]}) avvisades"
        ref = known.by_code.get(code)
        if ref is None:
            return [], f"okänd enhetskod {code}"
        existing = known.snapshot.units.get(ref) if isinstance(ref, uuid.UUID) else None
        if existing is not None and existing.closed:
            return [], f"enheten {code} är avvecklad"
        if ref not in known.manageable:
            return [], f"enheten {code} ligger utanför ditt ansvarsområde"
        wanted.append((role, ref, acting))
    return wanted, None


def _plan_person(index: int, row: PersonRow, known: _Units, plan: ImportPlan, end_missing: bool) -> None:
    if row.subject in known.snapshot.client_subjects:
        return _reject(plan, "person", index, row.subject, "subjektet tillhör en systemklient")
    wanted, problem = _role_units(row, known)
    if problem:
        return _reject(plan, "person", index, row.subject, problem)
    person = known.snapshot.people.get(row.subject)
    if person is None:
        plan.operations.append(RegisterPersonOp(row.subject, row.email, row.name))
        plan.operations.extend(AssignRoleOp(row.subject, r, u, a) for r, u, a in wanted)
        plan.results.append(RowResult("person", index, row.subject, Outcome.CREATED))
        return None
    if not person.active:
        return _reject(plan, "person", index, row.subject, "personen är inaktiverad")
    operations: list[Operation] = []
    changes: list[str] = []
    if (row.name, row.email) != (person.name, person.email):
        operations.append(UpdatePersonOp(person.id, row.email, row.name))
        changes.extend(_field_changes(person, row))
    held = {(r.role, r.unit_id, r.acting): r for r in person.roles}
    for role, unit, acting in wanted:
        if (role.value, unit, acting) not in held:
            operations.append(AssignRoleOp(row.subject, role, unit, acting))
            changes.append(f"roll tillagd: {_spec(role.value, known.code_of(unit), acting)}")
    if end_missing:
        keep = {(r.value, u, a) for r, u, a in wanted}
        for key, assignment in held.items():
            if key not in keep and assignment.unit_id in known.manageable:
                operations.append(EndRoleOp(assignment.assignment_id))
                changes.append(f"roll avslutad: {_spec(key[0], known.code_of(key[1]), key[2])}")
    if not operations:
        plan.results.append(RowResult("person", index, row.subject, Outcome.UNCHANGED))
        return None
    plan.operations.extend(operations)
    plan.results.append(RowResult("person", index, row.subject, Outcome.CHANGED, tuple(changes)))
    return None


def _field_changes(person: ExistingPerson, row: PersonRow) -> Iterable[str]:
    if row.name != person.name:
        yield f"namn: {person.name} → {row.name}"
    if row.email != person.email:
        yield f"e-post: {person.email} → {row.email}"


def _spec(role: str, code: str, acting: bool) -> str:
    return f"{'tf.' if acting else ''}{role}@{code}"
