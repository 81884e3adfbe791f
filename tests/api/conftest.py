"""The embedded app with the demo organisation, seeded once per test session, and what the demo holds:
for every path of the merged OpenAPI that names an object id, real ids (found through the API's own
lists), and which demo person's lists show which object. A module that changes data works on its own
copy of the seeded var directory, so each starts from the same demo."""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from embedded_runner.app import build_embedded

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PARAM = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class Person:
    email: str
    role: str
    unit_id: str
    headers: dict[str, str]


@dataclass
class Demo:
    var_dir: Path
    spec: dict[str, Any]
    people: list[Person]
    # path template → concrete values of its id parameters, one dict per real object (or object chain)
    bindings: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    # collection path → email → the ids that person's list shows
    shown: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(dict))

    def first_with_role(self, role: str) -> Person:
        return next(p for p in self.people if p.role == role)

    @staticmethod
    def id_params(path: str) -> list[str]:
        return id_params(path)

    @staticmethod
    def collection_of(path: str) -> str:
        return collection_of(path)

    def copy(self, into: Path) -> Path:
        var_dir = into / "var"
        shutil.copytree(self.var_dir, var_dir)
        return var_dir


def id_params(path: str) -> list[str]:
    return [p for p in PARAM.findall(path) if p.endswith("_id")]


def collection_of(path: str) -> str:
    """The list an object's first id comes from: `/api/v1/deviations/{deviation_id}/x` →
    `/api/v1/deviations`."""
    return path[: path.index("{") - 1]


async def _all_items(
    http: httpx.AsyncClient, path: str, headers: dict[str, str]
) -> list[dict[str, Any]] | None:
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 200}
    for _ in range(50):
        answer = await http.get(path, params=params, headers=headers)
        if answer.status_code != 200:
            return items if items else None
        body = answer.json()
        page = body.get("items") if isinstance(body, dict) else body
        if not isinstance(page, list):
            return None
        items += [i for i in page if isinstance(i, dict)]
        cursor = body.get("next_cursor") if isinstance(body, dict) else None
        if not cursor:
            break
        params = {"limit": 200, "cursor": cursor}
    return items


async def _children(
    http: httpx.AsyncClient, parent_path: str, segment: str, headers: dict[str, str]
) -> list[str]:
    """Ids under `parent_path/segment`: its list if it has one, else the parent's own field of that name."""
    listed = await _all_items(http, f"{parent_path}/{segment}", headers)
    if listed is not None:
        return [str(i["id"]) for i in listed if "id" in i]
    answer = await http.get(parent_path, headers=headers)
    if answer.status_code != 200 or not isinstance(answer.json(), dict):
        return []
    found = answer.json().get(segment.replace("-", "_"))
    return [str(i["id"]) for i in found or [] if isinstance(i, dict) and "id" in i]


async def discover(http: httpx.AsyncClient, demo: Demo) -> None:
    templates = sorted({p for p in demo.spec["paths"] if id_params(p)})
    collections = sorted({collection_of(p) for p in templates})
    for collection in collections:
        for person in demo.people:
            items = await _all_items(http, collection, person.headers)
            demo.shown[collection][person.email] = {str(i["id"]) for i in items or [] if "id" in i}
    children: dict[str, list[str]] = {}  # parent path/segment → child ids (asked once)
    for template in templates:
        collection = collection_of(template)
        first = id_params(template)[0]
        bindings = [{first: i} for i in sorted(set().union(*demo.shown[collection].values()))]
        # nested ids: `/x/{a}/seg/{b}` — the children of each real parent, as someone who sees it
        rest = template[len(collection) + len(first) + 3 :]
        for name in id_params(rest):
            segment = rest[: rest.index("{" + name)].strip("/").split("/")[-1]
            deeper = []
            for binding in bindings:
                parent = template[: template.index("{" + name) - len(segment) - 2]
                for key, value in binding.items():
                    parent = parent.replace("{" + key + "}", value)
                if f"{parent}/{segment}" not in children:
                    viewer = next(
                        p for p in demo.people if binding[first] in demo.shown[collection].get(p.email, ())
                    )
                    children[f"{parent}/{segment}"] = await _children(http, parent, segment, viewer.headers)
                deeper += [{**binding, name: c} for c in children[f"{parent}/{segment}"][:2]]
            bindings = deeper
        demo.bindings[template] = bindings


async def _attach_a_file(http: httpx.AsyncClient, headers: dict[str, str]) -> None:
    """The demo has no attachment: one on the first avvikelse, so that attachment ids are real too."""
    (first,) = (await http.get("/api/v1/deviations", params={"limit": 1}, headers=headers)).json()["items"]
    answer = await http.post(
        f"/api/v1/deviations/{first['id']}/attachments",
        files={"file": ("foto.png", PNG, "image/png")},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text


@pytest.fixture(scope="session")
async def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    var_dir = tmp_path_factory.mktemp("demo") / "var"
    embedded = build_embedded(var_dir)
    async with embedded.front.router.lifespan_context(embedded.front):
        entries = json.loads((var_dir / "dev-tokens.json").read_text(encoding="utf-8"))
        people = [
            Person(
                e["email"],
                e["roles"][0]["role"],
                e["roles"][0]["unit_id"],
                {"Authorization": f"Bearer {e['token']}"},
            )
            for e in entries
            if e["roles"]
        ]
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=embedded.app), base_url="http://embedded"
        ) as http:
            spec = (await http.get("/openapi.json")).json()
            found = Demo(var_dir=var_dir, spec=spec, people=people)
            await _attach_a_file(http, found.first_with_role("socialchef").headers)
            await discover(http, found)
    return found
