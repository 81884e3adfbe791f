"""JSON Schemas of the event payloads, and the compatibility rule for a released version.

Released schemas are kept in `schemas/<EventType>/v<N>.json` (written by `scripts/snapshot-event-schemas`)
and checked in tests: within a version a payload may only gain optional fields. Each schema names its
dialect (`$schema`) and, as `$id`, the path every service serves it at — the events' `dataschema`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from platform_shared.contracts.envelope import schema_uri
from platform_shared.contracts.registry import REGISTRY

SCHEMA_DIR = Path(__file__).with_name("schemas")
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"  # what Pydantic generates


def with_identity(schema: dict[str, Any], event_type: str, version: int) -> dict[str, Any]:
    """The schema with its dialect and its `$id` (the path it is served at) first."""
    rest = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": schema_uri(event_type, version), **rest}


def current_schemas() -> dict[tuple[str, int], dict[str, Any]]:
    return {key: with_identity(model.model_json_schema(), *key) for key, model in REGISTRY.items()}


def snapshot_path(event_type: str, version: int) -> Path:
    return SCHEMA_DIR / event_type / f"v{version}.json"


def released_schemas() -> dict[tuple[str, int], dict[str, Any]]:
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for path in sorted(SCHEMA_DIR.glob("*/v*.json")):
        found[(path.parent.name, int(path.stem[1:]))] = json.loads(path.read_text(encoding="utf-8"))
    return found


def incompatibilities(released: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """What a change breaks for consumers of the released schema (empty: only additions)."""
    problems: list[str] = []
    old_props, new_props = released.get("properties", {}), current.get("properties", {})
    for name, old in old_props.items():
        if name not in new_props:
            problems.append(f"field '{name}' was removed")
        elif _shape(old) != _shape(new_props[name]):
            problems.append(f"field '{name}' changed type")
    for name in set(current.get("required", [])) - set(released.get("required", [])):
        problems.append(f"field '{name}' became required")
    return problems


def _shape(prop: dict[str, Any]) -> Any:
    if "anyOf" in prop:
        return sorted(json.dumps(_shape(p), sort_keys=True) for p in prop["anyOf"])
    return (
        prop.get("type"),
        prop.get("format"),
        prop.get("$ref"),
        json.dumps(prop.get("items"), sort_keys=True),
    )


def write_snapshots() -> list[Path]:
    """Snapshot every event version that has none yet (a released version is never rewritten)."""
    written: list[Path] = []
    for (event_type, version), schema in current_schemas().items():
        path = snapshot_path(event_type, version)
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        ordered = with_identity(json.loads(json.dumps(schema, sort_keys=True)), event_type, version)
        path.write_text(json.dumps(ordered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
