from __future__ import annotations

import pytest

from platform_shared.contracts.schemas import current_schemas, incompatibilities, released_schemas

RELEASED = released_schemas()


def test_every_event_version_has_a_released_schema_snapshot() -> None:
    missing = sorted(f"{t} v{v}" for t, v in current_schemas() if (t, v) not in RELEASED)
    assert not missing, f"run scripts/snapshot-event-schemas and commit: {missing}"


@pytest.mark.parametrize("key", sorted(RELEASED), ids=lambda k: f"{k[0]}-v{k[1]}")
def test_event_changes_within_a_version_only_add_optional_fields(key: tuple[str, int]) -> None:
    current = current_schemas().get(key)
    assert current is not None, f"{key} was released and must stay published until no consumer needs it"
    assert incompatibilities(RELEASED[key], current) == []


def test_removing_a_field_or_making_one_required_is_detected() -> None:
    released = {"properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]}
    assert incompatibilities(released, {"properties": {"a": {"type": "string"}}, "required": ["a"]}) == [
        "field 'b' was removed"
    ]
    grown = {"properties": {**released["properties"], "c": {"type": "string"}}, "required": ["a", "c"]}
    assert incompatibilities(released, grown) == ["field 'c' became required"]
    optional = {"properties": {**released["properties"], "c": {"type": "string"}}, "required": ["a"]}
    assert incompatibilities(released, optional) == []
