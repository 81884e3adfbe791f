"""The OpenAPI documents as a client generator reads them: each service's and the merged one are valid
(openapi-spec-validator); merging overwrites nothing (no component two services define differently);
no route is shadowed by a path parameter; every operation has a readable operationId, a description
(what, who, which state) and, with a body, an example that validates against its schema; the tables of
operations name no route that is gone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, routing
from fastapi.routing import APIRoute
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from starlette.routing import Match

from embedded_runner.app import build_embedded
from embedded_runner.gateway import MergeConflict, merge_documents, merged_openapi
from platform_shared.api.app import create_service_app
from platform_shared.api.openapi_doc import OPERATION_ID, common_operations, field_counts


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, FastAPI]]:
    embedded = build_embedded(tmp_path_factory.mktemp("openapi") / "var", seed=False)
    yield {name: create_service_app(rt, manage_lifecycle=False) for name, rt in embedded.runtimes.items()}


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), p, o) for p, item in spec["paths"].items() for m, o in item.items()]


def test_each_services_document_and_the_merged_one_pass_the_spec_validator(apps: dict[str, FastAPI]) -> None:
    for app in apps.values():
        validate(app.openapi())
    validate(merged_openapi(apps))


def test_the_merge_overwrites_nothing_and_no_component_name_means_two_things(
    apps: dict[str, FastAPI],
) -> None:
    seen: dict[str, tuple[str, Any]] = {}
    clashes = []
    for name, app in apps.items():
        for component, schema in app.openapi()["components"]["schemas"].items():
            if component in seen and seen[component][1] != schema:
                clashes.append((component, seen[component][0], name))
            seen.setdefault(component, (name, schema))
    assert clashes == []
    merged = merged_openapi(apps)
    for app in apps.values():
        part = app.openapi()
        for component, schema in part["components"]["schemas"].items():
            assert merged["components"]["schemas"][component] == schema
        for path, item in part["paths"].items():
            if path.startswith("/api/"):
                assert merged["paths"][path] == item


def test_the_merge_refuses_a_component_two_services_define_differently() -> None:
    def part(schema: dict[str, Any]) -> dict[str, Any]:
        return {"paths": {}, "components": {"schemas": {"UnitRead": schema}}}

    assert merge_documents("t", [part({"type": "object"}), part({"type": "object"})])["components"]["schemas"]
    with pytest.raises(MergeConflict, match="UnitRead"):
        merge_documents("t", [part({"type": "object"}), part({"type": "string"})])


def _shadowed(app: FastAPI) -> tuple[list[tuple[str, str, str | None]], set[tuple[str, str]]]:
    """Literal paths whose request an earlier route (one with a path parameter) answers, in the
    router's own order, and the (method, path) pairs looked at."""
    contexts = list(routing.iter_route_contexts(list(app.routes)))
    shadowed, checked = [], set()
    for context in contexts:
        path = context.path_format or ""
        if not isinstance(context.original_route, APIRoute) or "{" in path:
            continue
        for method in context.methods or ():
            scope = {"type": "http", "path": path, "method": method, "root_path": "", "headers": []}
            first = next(c for c in contexts if c.matches(dict(scope))[0] is Match.FULL)
            checked.add((method, path))
            if first.original_route is not context.original_route:
                shadowed.append((method, path, first.path_format))
    return shadowed, checked


def test_no_route_is_shadowed_by_an_earlier_one_with_a_path_parameter(apps: dict[str, FastAPI]) -> None:
    """e.g. `/reports/patterns` answered by `/reports/{report_id}` (a 422: `patterns` is no UUID): a
    literal path's request must reach its own route."""
    checked: set[tuple[str, str]] = set()
    for app in apps.values():
        shadowed, seen = _shadowed(app)
        assert shadowed == []
        checked |= seen
    assert {("GET", "/api/v1/reports/patterns"), ("GET", "/api/v1/reports/settings")} <= checked

    wrong_order = APIRouter(prefix="/api/v1/reports")
    wrong_order.get("/{report_id}")(lambda report_id: None)
    wrong_order.get("/patterns")(lambda: None)
    app = FastAPI()
    app.include_router(wrong_order)
    assert _shadowed(app)[0] == [("GET", "/api/v1/reports/patterns", "/api/v1/reports/{report_id}")]


def test_every_operation_has_a_readable_id_a_description_and_a_valid_example(
    apps: dict[str, FastAPI],
) -> None:
    merged = merged_openapi(apps)
    missing: list[tuple[Any, ...]] = []
    for method, path, operation in _operations(merged) + [
        x for app in apps.values() for x in _operations(app.openapi()) if not x[1].startswith("/api/")
    ]:
        if not OPERATION_ID.match(operation.get("operationId", "")):
            missing.append((method, path, "operationId", operation.get("operationId")))
        description = operation.get("description", "")
        if "**Who may call it:**" not in description:
            missing.append((method, path, "description"))
        for media, content in operation.get("requestBody", {}).get("content", {}).items():
            if "example" not in content:
                missing.append((method, path, "example", media))
                continue
            schema = {**content["schema"], "components": merged["components"]}
            errors = [e.message for e in Draft202012Validator(schema).iter_errors(content["example"])]
            if errors:
                missing.append((method, path, "example does not validate", errors))
        for parameter in operation.get("parameters", []):
            if "example" in parameter:
                schema = {**parameter["schema"], "components": merged["components"]}
                if list(Draft202012Validator(schema).iter_errors(parameter["example"])):
                    missing.append((method, path, "query example does not validate", parameter["name"]))
    assert missing == []


def test_the_tables_of_operations_name_only_routes_that_exist(apps: dict[str, FastAPI]) -> None:
    for name, app in apps.items():
        spec = app.openapi()
        table = {**common_operations(name), **app.state.runtime.definition.operations}
        gone = [key for key in table if key[0].lower() not in spec["paths"].get(key[1], {})]
        assert gone == [], f"{name}-svc's openapi_docs.py names routes that are gone"
        queries = [
            (key, q)
            for key, doc in table.items()
            for q in doc.query
            if q not in {p["name"] for p in spec["paths"][key[1]][key[0].lower()].get("parameters", [])}
        ]
        assert queries == []


def test_the_counts_the_issue_measured(apps: dict[str, FastAPI], capsys: pytest.CaptureFixture[str]) -> None:
    merged = merged_openapi(apps)
    operations = _operations(merged)
    described = sum(1 for _, _, o in operations if o.get("description"))
    examples = sum(
        1
        for _, _, o in operations
        if any("example" in c for c in o.get("requestBody", {}).get("content", {}).values())
        or any("example" in p for p in o.get("parameters", []))
        or "x-request-example" in o
    )
    fields, total = field_counts(merged)
    with capsys.disabled():
        print(
            f"\nOpenAPI (merged): {len(operations)} operations, {described} with a description, "
            f"{examples} with an example; {fields} of {total} fields described"
        )
    assert described == len(operations) and examples == len(operations)
    assert fields / total > 0.8
    assert not [name for name in merged["components"]["schemas"] if name.startswith("Body_")]
