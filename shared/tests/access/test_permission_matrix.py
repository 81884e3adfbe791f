"""Every role × every action, in scope and out of scope, against a table WRITTEN BY HAND from
docs/org-and-access.md 6 (the matrix and its decided cells) — not generated from PERMISSIONS.

Each role is held by one person on the verksamhetsområde `omsorg`; `enhet_a` lies in its subtree (in
scope), `enhet_c` under `lss` does not (out of scope). Decisions go through platform_shared.access
.Authorizer with a real OrgDirectory over a replica on SQLite.

Cell codes (8.2's notation):
  -       nothing
  all     every unit (✓)
  S       the role's unit and its subtree, any kind of case
  own     objects the person reported/owns, wherever they are
  asg     objects the person is assigned to, wherever they are
  hsl     HSL cases in scope (MAS)
  ls      Lex Sarah cases in scope
  ord     ordinary cases in scope (avvikelse, complaint, data_breach), not Lex Sarah or HSL
  A       aggregated, de-identified figures in scope; never an object
  a+b     both

myndighetschef and stabschef grant as verksamhetschef and kvalitetsledare (seed 003 §4.3, §4.9): their
columns are those roles' columns, copied below by hand rather than taken from roles.GRANTS_AS.
"""

from __future__ import annotations

import uuid

import pytest

from platform_shared.access import Principal, Target
from platform_shared.permissions import ACTION_LABELS, Action
from platform_shared.roles import Role

from .conftest import Replica

COLUMNS = {
    "medarb": Role.MEDARBETARE,
    "enhch": Role.ENHETSCHEF,
    "avdch": Role.AVDELNINGSCHEF,
    "verksch": Role.VERKSAMHETSCHEF,
    "socch": Role.SOCIALCHEF,
    "forvch": Role.FORVALTNINGSCHEF,
    "mas": Role.MAS,
    "sas": Role.SAS,
    "kvall": Role.KVALITETSLEDARE,
    "vutv": Role.VERKSAMHETSUTVECKLARE,
    "contr": Role.CONTROLLER,
    "namnd": Role.NAMND_LEDAMOT,
    "sysadm": Role.SYSTEMADMINISTRATOR,
}

EXPECTED = """
action               medarb enhch avdch verksch socch forvch mas  sas    kvall vutv contr namnd sysadm
org.read             all    all   all   all     all   all    all  all    all   all  all   all   all
org.manage           -      -     -     -       -     -      -    -      -     -    -     -     S
audit.read           -      -     -     -       -     -      -    -      S     -    -     -     S
case.create          all    all   all   all     all   all    all  all    all   all  all   all   all
case.read            own    S     S     S       S     S      hsl  ls+asg S+asg A    A     A     -
case.receive         -      S     S     S       all   all    hsl  all    -     -    -     -     -
case.investigate     -      S     -     -       -     -      hsl  ls     asg   -    -     -     -
case.decide          -      ord   ord   ord     S     S      hsl  -      -     -    -     -     -
lex_sarah.propose    -      S     -     S       -     -      -    S      S     -    -     -     -
lex_sarah.decide     -      -     -     -       S     S      -    -      -     -    -     -     -
ivo.lex_sarah        -      -     -     -       S     S      -    -      -     -    -     -     -
ivo.lex_maria        -      -     -     -       -     -      S    -      -     -    -     -     -
case.actions         asg    S     S     S       all   all    hsl  ls     -     -    -     -     -
case.attach          own    S     S     S       S     S      hsl  ls+asg asg   -    -     -     -
case.reclassify      -      ord+hsl ord+hsl ord+hsl all all  S    S      ls    -    -     -     -
case.void            -      ord   ord   ord     all   all    hsl  ls     ls    -    -     -     -
risk.contribute      S      S     S     S       all   all    S    -      all   -    -     -     -
risk.manage          -      S     S     S       all   all    S    -      all   -    -     -     -
risk.read            own    S     S     S       all   all    S    -      all   A    A     A     -
control_plan.prepare -      S     S     S       all   all    S    -      all   all  all   -     -
control_plan.adopt   -      -     -     -       all   all    -    -      all   -    -     -     -
control.perform      -      S     S     S       all   all    S    -      all   -    -     -     -
stats.read           -      S     S     S       all   all    S    S      all   A    A     A     -
report.write         -      S     S     S       all   all    S    S      all   all  all   -     -
report.approve       -      -     -     -       all   all    -    -      -     -    -     -     -
report.adopt         -      S     S     S       all   all    S    -      all   -    -     -     -
webhook.manage       -      -     -     -       -     -      -    -      -     -    -     -     all
ops.dead_letters     -      -     -     -       -     -      -    -      -     -    -     -     all
information.record   -      S     S     S       all   all    -    -      -     -    -     -     -
information.manage   -      -     -     -       all   all    -    -      all   -    -     -     -
"""


SAME_COLUMN_AS = {Role.MYNDIGHETSCHEF: Role.VERKSAMHETSCHEF, Role.STABSCHEF: Role.KVALITETSLEDARE}


def _table() -> dict[Action, dict[Role, str]]:
    lines = [line.split() for line in EXPECTED.strip().splitlines()]
    header, rows = lines[0][1:], lines[1:]
    table = {
        Action(row[0]): {COLUMNS[c]: cell for c, cell in zip(header, row[1:], strict=True)} for row in rows
    }
    for cells in table.values():
        cells.update({role: cells[same] for role, same in SAME_COLUMN_AS.items()})
    return table


TABLE = _table()

# Probe -> (unit in scope?, case type, owned by the caller?, assigned to the caller?)
PROBES: dict[str, tuple[bool, str | None, bool, bool]] = {
    "in_unit": (True, None, False, False),
    "in_avvikelse": (True, "avvikelse", False, False),
    "in_lex_sarah": (True, "lex_sarah", False, False),
    "in_hsl": (True, "hsl", False, False),
    "out_unit": (False, None, False, False),
    "out_avvikelse": (False, "avvikelse", False, False),
    "out_hsl": (False, "hsl", False, False),
    "out_own": (False, "avvikelse", True, False),
    "out_assigned": (False, "avvikelse", False, True),
}
_IN_SCOPE = {"in_unit", "in_avvikelse", "in_lex_sarah", "in_hsl"}
ALLOWED_BY_CODE: dict[str, set[str]] = {
    "-": set(),
    "all": set(PROBES),
    "S": _IN_SCOPE,
    "own": {"out_own"},
    "asg": {"out_assigned"},
    "hsl": {"in_hsl"},
    "ls": {"in_lex_sarah"},
    "ord": {"in_avvikelse"},
    "A": set(),
}


def allowed(cell: str) -> set[str]:
    return set().union(*(ALLOWED_BY_CODE[part] for part in cell.split("+")))


def aggregate_in_scope(cell: str) -> bool:
    """May see figures for the in-scope unit: any grant reaching the whole unit, or A."""
    return any(part in ("all", "S", "A") for part in cell.split("+"))


def test_the_hand_written_table_covers_every_role_and_every_action() -> None:
    assert set(TABLE) == set(Action)
    assert all(set(cells) == set(Role) for cells in TABLE.values())


def test_every_action_has_a_swedish_label_for_refusals() -> None:
    assert set(ACTION_LABELS) == set(Action)


@pytest.fixture
async def matrix(sqlite_replica: Replica) -> tuple[Replica, dict[Role, Principal], dict[str, uuid.UUID]]:
    org = sqlite_replica.org()
    org.unit("namnd", "namnd")
    org.unit("forvaltning", "forvaltning", "namnd", ("SoL", "LSS", "HSL"))
    org.unit("omsorg", "verksamhetsomrade", "forvaltning", ("SoL", "HSL"))
    org.unit("lss", "verksamhetsomrade", "forvaltning", ("LSS",))
    org.unit("enhet_a", "enhet", "omsorg", ("SoL", "HSL"))
    org.unit("enhet_c", "enhet", "lss", ("LSS",))
    for role in Role:
        org.person(role.value, (role.value, "omsorg"))
    await sqlite_replica.apply(*org.events)
    principals = {role: await sqlite_replica.principal(f"sub-{role.value}") for role in Role}
    return sqlite_replica, principals, org.units


def _target(principal: Principal, probe: str, units: dict[str, uuid.UUID]) -> Target:
    in_scope, case_type, own, assigned = PROBES[probe]
    me = frozenset({principal.person_id})
    return Target(
        unit_id=units["enhet_a" if in_scope else "enhet_c"],
        case_type=case_type,
        owner_ids=me if own else frozenset(),
        assigned_ids=me if assigned else frozenset(),
    )


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
async def test_each_role_may_take_an_action_exactly_where_the_matrix_says(
    matrix: tuple[Replica, dict[Role, Principal], dict[str, uuid.UUID]], action: Action
) -> None:
    replica, principals, units = matrix
    authz = replica.authorizer
    mismatches = []
    for role, principal in principals.items():
        cell = TABLE[action][role]
        for probe in PROBES:
            expected = probe in allowed(cell)
            actual = await authz.can(principal, action, _target(principal, probe, units))
            if actual != expected:
                mismatches.append(f"{role.value} {probe}: expected {expected}, got {actual} (cell {cell})")
        for unit_key, expected in (("enhet_a", aggregate_in_scope(cell)), ("enhet_c", cell == "all")):
            actual = await authz.can_aggregate(principal, action, units[unit_key])
            if actual != expected:
                mismatches.append(f"{role.value} aggregate {unit_key}: expected {expected}, got {actual}")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
async def test_lists_show_a_role_only_its_scope_and_never_objects_for_aggregate_cells(
    matrix: tuple[Replica, dict[Role, Principal], dict[str, uuid.UUID]], action: Action
) -> None:
    replica, principals, units = matrix
    mismatches = []
    for role, principal in principals.items():
        cell = TABLE[action][role]
        parts = set(cell.split("+"))
        seen = await replica.authorizer.visibility(principal, action)
        listed = set().union(*seen.units.values()) if seen.units else set()
        expected = {
            "everything": "all" in parts,
            "in-scope unit listed": bool(parts & {"S", "hsl", "ls", "ord"}),
            "out-of-scope unit listed": False,
            "own": "own" in parts,
            "assigned": "asg" in parts,
            "aggregate only": parts == {"A"},
        }
        actual = {
            "everything": seen.everything,
            "in-scope unit listed": units["enhet_a"] in listed,
            "out-of-scope unit listed": units["enhet_c"] in listed,
            "own": seen.own,
            "assigned": seen.assigned,
            "aggregate only": seen.aggregate_only,
        }
        mismatches += [
            f"{role.value} {k}: expected {v}, got {actual[k]}" for k, v in expected.items() if actual[k] != v
        ]
    assert not mismatches, "\n".join(mismatches)
