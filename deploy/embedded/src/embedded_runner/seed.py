"""The demo organisation and a lived-in set of cases, created through the public API (idempotent)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import structlog
from sqlalchemy import func, select

from platform_shared.auth.tokens import DevTokens
from platform_shared.runtime import ServiceRuntime

log = structlog.get_logger(__name__)

ADMIN_SUBJECT = "demo:sam.systemsson"

# code -> (name, level, parent code, laws)
UNITS: list[tuple[str, str, str, str | None, list[str]]] = [
    ("FORV", "Socialförvaltningen", "forvaltning", None, ["SoL", "LSS", "HSL"]),
    ("VO-AO", "Vård och omsorg", "verksamhetsomrade", "FORV", ["SoL", "HSL"]),
    ("VO-FS", "Funktionsstöd", "verksamhetsomrade", "FORV", ["LSS", "SoL"]),
    ("E-SOL", "Solgårdens äldreboende", "enhet", "VO-AO", ["SoL", "HSL"]),
    ("E-HTN", "Hemtjänst Norr", "enhet", "VO-AO", ["SoL", "HSL"]),
    ("E-BJO", "Gruppbostad Björken", "enhet", "VO-FS", ["LSS"]),
]


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    roles: tuple[tuple[str, str], ...]  # (role, unit code; "ROOT" = the nämnd)

    @property
    def subject(self) -> str:
        return f"demo:{self.key}"

    @property
    def email(self) -> str:
        return f"{self.key}@kommun.example.se"


PEOPLE: list[DemoPerson] = [
    DemoPerson("eva.lind", "Eva Lind", (("socialchef", "FORV"),)),
    DemoPerson("maria.berg", "Maria Berg", (("mas", "FORV"),)),
    DemoPerson("nils.holm", "Nils Holm", (("namnd_ledamot", "ROOT"),)),
    DemoPerson("erik.sand", "Erik Sand", (("enhetschef", "E-SOL"),)),
    DemoPerson("lena.dahl", "Lena Dahl", (("enhetschef", "E-HTN"),)),
    DemoPerson("omar.said", "Omar Said", (("enhetschef", "E-BJO"),)),
    DemoPerson("mia.strand", "Mia Strand", (("medarbetare", "E-SOL"),)),
    DemoPerson("ali.hassan", "Ali Hassan", (("medarbetare", "E-BJO"),)),
    DemoPerson("karin.ek", "Karin Ek", (("kvalitetsledare", "FORV"),)),
]


class DemoSeeder:
    def __init__(self, client: httpx.AsyncClient, tokens: DevTokens) -> None:
        self._client = client
        self._tokens = tokens

    def _auth(self, subject: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._tokens.mint(subject)}"}

    async def _call(self, method: str, path: str, subject: str, **kwargs: Any) -> Any:
        response = await self._client.request(method, path, headers=self._auth(subject), **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"demo seed: {method} {path} -> {response.status_code} {response.text}")
        return response.json()

    async def _all(self, path: str, subject: str, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = await self._call(
                "GET",
                path,
                subject,
                params={**params, "limit": 200, **({"cursor": cursor} if cursor else {})},
            )
            items.extend(page["items"])
            cursor = page["next_cursor"]
            if not cursor:
                return items

    async def units_by_code(self) -> dict[str, dict[str, Any]]:
        units = await self._all("/api/v1/org/units", ADMIN_SUBJECT)
        found = {u["code"]: u for u in units if u["code"]}
        found["ROOT"] = next(u for u in units if u["parent_id"] is None)
        return found

    async def seed_org(self) -> bool:
        """False when the organisation was already there."""
        units = await self.units_by_code()
        if "FORV" in units:
            return False
        for code, name, level, parent, laws in UNITS:
            parent_id = units[parent or "ROOT"]["id"]
            units[code] = await self._call(
                "POST",
                "/api/v1/org/units",
                ADMIN_SUBJECT,
                json={"name": name, "code": code, "level": level, "parent_id": parent_id, "laws": laws},
            )
        for person in PEOPLE:
            created = await self._call(
                "POST",
                "/api/v1/org/people",
                ADMIN_SUBJECT,
                json={"name": person.name, "email": person.email, "subject": person.subject},
            )
            for role, code in person.roles:
                await self._call(
                    "POST",
                    "/api/v1/org/role-assignments",
                    ADMIN_SUBJECT,
                    json={"person_id": created["id"], "role": role, "unit_id": units[code]["id"]},
                )
        return True

    async def seed_cases(self) -> None:
        units = await self.units_by_code()
        reports = [
            ("mia.strand", "avvikelse", "E-SOL", "arbetssatt_rutiner", "Rutin för nattillsyn följdes inte."),
            ("mia.strand", "hsl", "E-SOL", "fall", "Fall i badrum, blåmärke på höften."),
            ("ali.hassan", "lex_sarah", "E-BJO", "utforande", "Planerad insats uteblev två dagar i rad."),
            (
                "ali.hassan",
                "avvikelse",
                "E-BJO",
                "miljo_utrustning_teknik",
                "Larmet ur funktion under natten.",
            ),
            ("erik.sand", "hsl", "E-SOL", "lakemedel", "Fel dos läkemedel given vid kvällsmedicinering."),
        ]
        created: list[dict[str, Any]] = []
        for index, (who, kind, unit, category, text) in enumerate(reports, start=1):
            created.append(
                await self._call(
                    "POST",
                    "/api/v1/deviations",
                    f"demo:{who}",
                    json={
                        "type": kind,
                        "unit_id": units[unit]["id"],
                        "occurred_at": "2026-01-15T08:00:00+01:00",
                        "description": text,
                        "category": category,
                        "source": {"system": "demo", "external_id": f"DEMO-{index}"},
                    },
                )
            )
        lex_sarah = created[2]
        await self._call(
            "POST",
            f"/api/v1/deviations/{lex_sarah['id']}/ivo-decision",
            "demo:eva.lind",
            json={
                "degree": "pataglig_risk_allvarligt",
                "rationale": "Utebliven insats innebar en påtaglig risk för allvarligt missförhållande.",
            },
        )
        await self._call(
            "POST",
            "/api/v1/risk/risks",
            "demo:erik.sand",
            json={
                "unit_id": units["E-SOL"]["id"],
                "title": "Fallrisk nattetid vid låg bemanning",
                "probability": 3,
                "consequence": 3,
            },
        )

    async def write_tokens(self, path: Path) -> None:
        people = await self._all("/api/v1/org/people", ADMIN_SUBJECT)
        entries = []
        for person in people:
            assignments = await self._all(
                "/api/v1/org/role-assignments", ADMIN_SUBJECT, person_id=person["id"]
            )
            entries.append(
                {
                    "email": person["email"],
                    "name": person["name"],
                    "roles": [{"role": a["role"], "unit_id": a["unit_id"]} for a in assignments],
                    "token": self._tokens.mint(person["subject"]),
                }
            )
        await asyncio.to_thread(
            path.write_text, json.dumps(entries, indent=2, ensure_ascii=False), encoding="utf-8"
        )


async def _replica_roles(runtime: ServiceRuntime) -> int:
    async with runtime.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(runtime.replica.role)) or 0)


async def wait_for_replicas(
    runtimes: dict[str, ServiceRuntime], expected_roles: int, timeout_s: float = 30
) -> None:
    for _ in range(int(timeout_s / 0.05)):
        counts = [await _replica_roles(rt) for rt in runtimes.values()]
        if all(c >= expected_roles for c in counts):
            return
        await asyncio.sleep(0.05)
    raise RuntimeError("org replicas did not catch up with the demo organisation")


async def seed_demo(app: Any, runtimes: dict[str, ServiceRuntime], var_dir: Path) -> Path:
    tokens = DevTokens(var_dir)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://embedded") as client:
        seeder = DemoSeeder(client, tokens)
        await wait_for_replicas({"org": runtimes["org"]}, 1)
        created = await seeder.seed_org()
        expected = 1 + sum(len(p.roles) for p in PEOPLE)
        await wait_for_replicas(runtimes, expected)
        if created:
            await seeder.seed_cases()
        path = var_dir / "dev-tokens.json"
        await seeder.write_tokens(path)
    print(f"Demo tokens for {len(PEOPLE) + 1} people written to {path}", flush=True)
    return path
