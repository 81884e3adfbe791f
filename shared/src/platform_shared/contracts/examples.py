"""One valid example payload of an event type, made from its kept JSON Schema.

For contract tests (every consumer handles every event; every event reads as a CloudEvent) and for
documentation. Ids come from a callback by field name, so examples of one aggregate share its id;
strings from a map by field name, so that a `degree` reads like a degree.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.registry import REGISTRY, payload_model
from platform_shared.contracts.schemas import released_schemas

NAMESPACE = uuid.UUID("6f1c0d9e-8a57-4c55-9a51-4c1e3d5f7a10")

STRINGS: Mapping[str, str] = {
    "deviation_type": "lex_sarah",
    "from_type": "avvikelse",
    "to_type": "lex_sarah",
    "level": "enhet",
    "role": "kvalitetsledare",
    "from_role": "enhetschef",
    "to_role": "kvalitetsledare",
    "responsible_role": "kvalitetsledare",
    "rule": "investigation_complete",
    "object_type": "deviation",
    "degree": "allvarligt_missforhallande",
    "decision_type": "ivo_anmalan_lex_sarah",
    "category": "bemotande",
    "kind": "klagomal",
    "service": "deviation",
    "action": "read",
    "email": "ny.person@example.se",
    "result": "godkand",
    "trigger": "arlig",
    "method": "rotorsaksanalys",
    "regi": "egen",
    "channel": "e-post",
    "complainant_type": "brukare",
    "horizon": "kort",
}


def by_field_name(field: str) -> uuid.UUID:
    """The same id for the same field name: the examples of one aggregate follow each other."""
    return uuid.uuid5(NAMESPACE, field)


def example_data(
    schema: Mapping[str, Any],
    *,
    uuid_for: Callable[[str], uuid.UUID] = by_field_name,
    strings: Mapping[str, str] = STRINGS,
) -> dict[str, Any]:
    """Every property of the schema (optional ones too) with a valid value."""
    defs = schema.get("$defs", {})

    def value(node: Mapping[str, Any], field: str) -> Any:
        if "$ref" in node:
            return value(defs[node["$ref"].rsplit("/", 1)[1]], field)
        if "anyOf" in node:
            return value(next(n for n in node["anyOf"] if n.get("type") != "null"), field)
        if "enum" in node:
            return node["enum"][0]
        if "const" in node:
            return node["const"]
        kind = node.get("type")
        if kind == "object":
            return {name: value(prop, name) for name, prop in node.get("properties", {}).items()}
        if kind == "array":
            return [
                value(node.get("items", {}), field.removesuffix("s") if field.endswith("_ids") else field)
            ]
        if kind == "integer":
            return int(node.get("minimum", node.get("exclusiveMinimum", 0) + 1))
        if kind == "number":
            return float(node.get("minimum", 1))
        if kind == "boolean":
            return True
        if kind == "string":
            return _string(node.get("format"), field, uuid_for, strings)
        raise ValueError(f"no example for {field}: {node}")

    data = value(schema, "")
    if "status" in data:  # the state after this step: each step its own
        data["status"] = re.sub(r"(?<!^)(?=[A-Z])", "_", schema.get("title", "step")).lower()
    return data


def _string(
    fmt: str | None, field: str, uuid_for: Callable[[str], uuid.UUID], strings: Mapping[str, str]
) -> str:
    if fmt == "uuid":
        return str(uuid_for(field))
    if fmt == "date-time":
        return "2026-03-02T08:00:00+00:00"
    if fmt == "date":
        return "2026-03-02"
    if fmt == "email":
        return strings.get("email", "x@example.se")
    return strings.get(field, f"exempel {field}")


def released_examples(
    uuid_for: Callable[[str, type[EventPayload]], uuid.UUID] | None = None,
) -> list[EventPayload]:
    """One example of every released event type (and version), in the registry's order (the order
    in which the contracts are written: a unit before its move, a report before its decision)."""
    order = {key: n for n, key in enumerate(REGISTRY)}
    made: list[tuple[int, EventPayload]] = []
    for key, schema in released_schemas().items():
        model = payload_model(*key)
        ids = by_field_name if uuid_for is None else (lambda field, m=model: uuid_for(field, m))
        made.append((order.get(key, len(order)), model.model_validate(example_data(schema, uuid_for=ids))))
    return [payload for _, payload in sorted(made, key=lambda pair: pair[0])]
