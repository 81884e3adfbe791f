"""Attachments beyond the tenant's size limit or allowed content types (settings)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from deviation_svc.adapters.orm import Attachment


@pytest.fixture
def extra_settings() -> dict[str, Any]:
    return {"attachment_max_bytes": 10}


async def test_an_attachment_over_the_size_limit_or_of_a_type_not_allowed_is_refused(svc: Any) -> None:
    d = await svc.report()
    big = {"file": ("stor.pdf", b"x" * 11, "application/pdf")}
    r = await svc.call("POST", f"/api/v1/deviations/{d['id']}/attachments", "enhetschef_a", files=big)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "file"
    exe = {"file": ("virus.exe", b"MZ", "application/x-msdownload")}
    r = await svc.call("POST", f"/api/v1/deviations/{d['id']}/attachments", "enhetschef_a", files=exe)
    assert r.status_code == 422
    async with svc.runtime.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert not any(p.is_file() for p in svc.runtime.settings.attachments_path().rglob("*"))
