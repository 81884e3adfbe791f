"""The embedded default: one process, SQLite files, the local bus, the demo organisation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from embedded_runner.app import build_embedded
from platform_shared.testing import wait_until


def _token(entries: list[dict[str, Any]], role: str) -> dict[str, str]:
    person = next(e for e in entries if any(r["role"] == role for r in e["roles"]))
    return {"Authorization": f"Bearer {person['token']}"}


async def test_embedded_default_seeds_demo_org_and_serves_all_four_services(tmp_path: Path) -> None:
    embedded = build_embedded(tmp_path / "var")
    async with embedded.front.router.lifespan_context(embedded.front):
        tokens_file = tmp_path / "var" / "dev-tokens.json"
        entries = json.loads(tokens_file.read_text(encoding="utf-8"))
        roles = {r["role"] for e in entries for r in e["roles"]}
        assert {
            "socialchef",
            "mas",
            "kvalitetsledare",
            "systemadministrator",
            "namnd_ledamot",
            "enhetschef",
            "medarbetare",
        } <= roles
        assert all(set(e) == {"email", "name", "roles", "token"} for e in entries)

        transport = httpx.ASGITransport(app=embedded.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://embedded") as client:
            for path in ("/health", "/ready", "/metrics", "/openapi.json"):
                assert (await client.get(path)).status_code == 200, path
            spec = (await client.get("/openapi.json")).json()
            assert {
                "/api/v1/deviations",
                "/api/v1/org/units",
                "/api/v1/risk/risks",
                "/api/v1/notifications",
            } <= set(spec["paths"])

            units = (await client.get("/api/v1/org/units", headers=_token(entries, "socialchef"))).json()[
                "items"
            ]
            assert len([u for u in units if u["level"] == "enhet"]) >= 3
            forvaltning = next(u for u in units if u["level"] == "forvaltning")

            from sqlalchemy import func, select

            from deviation_svc.adapters.orm import Deviation, ImprovementProposal, IvoNotification

            async with embedded.runtimes["deviation"].session_factory() as session:
                # voided reports are wrong registrations: kept in deviation-svc, not counted in statistics
                reported = await session.scalar(
                    select(func.count()).select_from(Deviation).where(Deviation.status != "voided")
                )
                proposals = await session.scalar(select(func.count()).select_from(ImprovementProposal))
                anmalningar = (await session.scalars(select(IvoNotification))).all()
            assert reported and reported >= 5
            # the demo's IVO anmälan: sent and the nämnd informed not before it was decided, its PDF kept
            assert anmalningar and all(
                n.sent_at is not None and n.decided_at <= n.sent_at and n.document_attachment_id is not None
                for n in anmalningar
            )
            assert all(
                n.namnd_informed_at is None or n.decided_at <= n.namnd_informed_at for n in anmalningar
            )
            assert proposals and proposals >= 3

            async def totals_match() -> bool:
                r = await client.get(
                    "/api/v1/reports/deviations/summary",
                    params={"from": "2000-01-01", "to": "2100-12-31", "unit_id": forvaltning["id"]},
                    headers=_token(entries, "kvalitetsledare"),
                )
                return r.status_code == 200 and r.json()["total"] == reported

            await wait_until(totals_match)

            notifications = await client.get("/api/v1/notifications", headers=_token(entries, "socialchef"))
            assert any("IVO" in n["body"] for n in notifications.json()["items"])

    # a second start finds the demo in place and does not create it again
    again = build_embedded(tmp_path / "var")
    async with (
        again.front.router.lifespan_context(again.front),
        again.runtimes["deviation"].session_factory() as session,
    ):
        assert (
            await session.scalar(
                select(func.count()).select_from(Deviation).where(Deviation.status != "voided")
            )
            == reported
        )
