"""A unit as it stood at any moment, from its changes: last year's figures by last year's organisation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from org_svc.domain.history import ChangeKind, UnitChange, UnitState, last_change_at, state_at

OMSORG, LSS = uuid.uuid4(), uuid.uuid4()


def day(month: int, year: int = 2025) -> datetime:
    return datetime(year, month, 1, tzinfo=UTC)


CHANGES = [
    UnitChange(ChangeKind.CREATED, day(1, 2024), name="Hemtjänst Nord", parent_id=OMSORG, laws=("SoL",)),
    UnitChange(ChangeKind.RENAMED, day(3), name="Hemtjänst Norr"),
    UnitChange(ChangeKind.LAWS_CHANGED, day(4), laws=("SoL", "HSL")),
    UnitChange(ChangeKind.MOVED, day(6), parent_id=LSS),
    UnitChange(ChangeKind.CLOSED, day(12)),
]


def test_a_unit_is_seen_as_it_stood_at_the_time() -> None:
    assert state_at(CHANGES, day(2)) == UnitState("Hemtjänst Nord", OMSORG, ("SoL",))
    assert state_at(CHANGES, day(3)) == UnitState("Hemtjänst Norr", OMSORG, ("SoL",))
    assert state_at(CHANGES, day(5)) == UnitState("Hemtjänst Norr", OMSORG, ("SoL", "HSL"))
    assert state_at(CHANGES, day(7)) == UnitState("Hemtjänst Norr", LSS, ("SoL", "HSL"))
    assert state_at(CHANGES, day(12)) == UnitState("Hemtjänst Norr", LSS, ("SoL", "HSL"), open=False)


def test_before_it_was_created_there_is_no_unit() -> None:
    assert state_at(CHANGES, day(12, 2023)) is None


def test_changes_recorded_out_of_order_apply_in_effective_order() -> None:
    backdated = [*CHANGES[:2], UnitChange(ChangeKind.RENAMED, day(2), name="Hemtjänst N")]
    assert state_at(backdated, day(2)).name == "Hemtjänst N"  # type: ignore[union-attr]
    assert state_at(backdated, day(4)).name == "Hemtjänst Norr"  # type: ignore[union-attr]


def test_changes_taking_effect_together_apply_in_the_order_they_were_recorded() -> None:
    same_time = [
        CHANGES[0],
        UnitChange(ChangeKind.RENAMED, day(3), name="A"),
        UnitChange(ChangeKind.RENAMED, day(3), name="B"),
    ]
    assert state_at(same_time, day(3)).name == "B"  # type: ignore[union-attr]


def test_a_new_change_is_dated_from_the_latest_of_its_kind() -> None:
    assert last_change_at(CHANGES, ChangeKind.RENAMED) == day(3)
    assert last_change_at(CHANGES) == day(12)
    assert last_change_at(CHANGES[:1], ChangeKind.MOVED) is None
