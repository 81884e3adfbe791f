"""The demo organisation and a lived-in set of cases, created through the public API (idempotent).

Order: the organisation; then, once every service's org replica has it, cases, risks and reports.
Each part lives in its own module.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from embedded_runner.seed import cases, org, reports, risk
from embedded_runner.seed.client import ADMIN_SUBJECT, DemoClient
from platform_shared.auth.tokens import DevTokens
from platform_shared.runtime import ServiceRuntime

__all__ = ["ADMIN_SUBJECT", "seed_demo"]


async def _replica_roles(runtime: ServiceRuntime) -> int:
    async with runtime.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(runtime.replica.role)) or 0)


async def wait_for_replicas(
    runtimes: dict[str, ServiceRuntime], expected: int, timeout_s: float = 30
) -> None:
    for _ in range(int(timeout_s / 0.05)):
        if all([await _replica_roles(rt) >= expected for rt in runtimes.values()]):
            return
        await asyncio.sleep(0.05)
    raise RuntimeError("org replicas did not catch up with the demo organisation")


async def write_tokens(demo: DemoClient, path: Path) -> int:
    people = await demo.all("/api/v1/org/people", demo.admin)
    entries = []
    for person in people:
        assignments = await demo.all("/api/v1/org/role-assignments", demo.admin, person_id=person["id"])
        entries.append(
            {
                "email": person["email"],
                "name": person["name"],
                "roles": [{"role": a["role"], "unit_id": a["unit_id"]} for a in assignments],
                "token": demo.tokens.mint(person["subject"]),
            }
        )
    text = json.dumps(entries, indent=2, ensure_ascii=False)
    await asyncio.to_thread(path.write_text, text, encoding="utf-8")
    return len(entries)


async def seed_demo(app: Any, runtimes: dict[str, ServiceRuntime], var_dir: Path) -> Path:
    tokens = DevTokens(var_dir)
    transport = httpx.ASGITransport(app=app)
    admin = getattr(runtimes["org"].settings, "bootstrap_admin_subject", None) or ADMIN_SUBJECT
    async with httpx.AsyncClient(transport=transport, base_url="http://embedded") as http:
        demo = DemoClient(http, tokens, admin)
        created = await org.seed(demo)
        await wait_for_replicas(runtimes, org.expected_role_count())
        if created:
            await cases.seed(demo)
            await risk.seed(demo)
            await reports.seed(demo)
        path = var_dir / "dev-tokens.json"
        count = await write_tokens(demo, path)
    print(f"Demo tokens for {count} people written to {path}", flush=True)
    return path
