"""The published OpenAPI document is enough to use the API: a client generated from the merged
`/openapi.json` of a fresh embedded server (openapi-python-client, as an integrator would) runs the
README walkthrough — a Lex Sarah case reported, received, its IVO anmälan decided, the summary and the
notifications read — through the generated operations and models only."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import httpx
import pytest

PACKAGE = "kvalitet_client"
T = TypeVar("T")


@pytest.fixture(scope="module")
def client_package(
    fresh_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], ModuleType]]:
    """The client generated from the server's `/openapi.json`, imported from a directory of its own."""
    directory = tmp_path_factory.mktemp("generated-client")
    spec = directory / "openapi.json"
    spec.write_text(httpx.get(f"{fresh_server}/openapi.json", timeout=120).text, encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        [
            *(str(bin_dir / "openapi-python-client"), "generate", "--path", str(spec)),
            *("--output-path", str(directory / PACKAGE), "--meta", "none"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(directory))
    try:
        yield lambda name: importlib.import_module(f"{PACKAGE}.{name}")
    finally:
        sys.path.remove(str(directory))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _ok(response: Any, status: int, model: type[T]) -> T:
    assert response.status_code == status, response.content
    assert isinstance(response.parsed, model), response.parsed
    return response.parsed


def test_a_client_generated_from_the_published_document_runs_the_readme_walkthrough(
    fresh_server: str, server_dir: Path, client_package: Callable[[str], ModuleType]
) -> None:
    base = fresh_server
    people = json.loads((server_dir / "var" / "dev-tokens.json").read_text(encoding="utf-8"))

    def person(email_start: str) -> dict[str, Any]:
        return next(p for p in people if p["email"].startswith(email_start))

    authenticated = client_package("client").AuthenticatedClient
    models = client_package("models")

    def as_(email_start: str) -> Any:
        return authenticated(
            base_url=base, token=person(email_start)["token"], raise_on_unexpected_status=True
        )

    report = client_package("api.deviations.deviations_report")
    receive = client_package("api.deviations.deviations_receive")
    get = client_package("api.deviations.deviations_get")
    ivo_decide = client_package("api.ivo.deviations_ivo_decide")
    summary = client_package("api.statistics.reports_deviations_summary")
    notifications = client_package("api.notifications.notifications_list")
    unit = person("mia.strand")["roles"][0]["unit_id"]
    year = date.today().year

    def lex_sarah_count() -> int:
        read = _ok(
            summary.sync_detailed(
                client=as_("karin.ek"), from_=date(year, 1, 1), to=date(year, 12, 31), unit_id=unit
            ),
            200,
            models.DeviationSummaryRead,
        )
        return int(read.by_type.to_dict().get("lex_sarah", 0))

    before = lex_sarah_count()
    body = models.DeviationCreate.from_dict(
        {
            "type": "lex_sarah",
            "unit_id": unit,
            "occurred_at": f"{year}-03-01T08:00:00+01:00",
            "description": "Brukaren fick inte sitt kvällsbesök",
            "source": {"system": "lifecare", "external_id": "LC-generated-client"},
        }
    )
    case = _ok(report.sync_detailed(client=as_("mia.strand"), body=body), 201, models.DeviationRead)
    again = report.sync_detailed(client=as_("mia.strand"), body=body)
    assert again.status_code == 200 and again.parsed.id == case.id

    received = models.ReceiveBody.from_dict({"immediate_measures": "Kvällsbesöket gjordes i efterhand"})
    _ok(receive.sync_detailed(case.id, client=as_("erik.sand"), body=received), 200, models.DeviationRead)
    decision = models.IvoDecisionCreate.from_dict(
        {"degree": "allvarligt_missforhallande", "rationale": "Brukaren blev utan tillsyn under kvällen"}
    )
    _ok(ivo_decide.sync_detailed(case.id, client=as_("eva.lind"), body=decision), 201, models.IvoDecisionRead)

    read = _ok(get.sync_detailed(case.id, client=as_("eva.lind")), 200, models.DeviationRead)
    assert read.status.value == "received" and read.type_.value == "lex_sarah"

    deadline = time.monotonic() + 20
    while lex_sarah_count() <= before and time.monotonic() < deadline:
        time.sleep(0.5)  # reporting reads the events within a second or so
    assert lex_sarah_count() == before + 1

    def filed() -> list[Any]:
        page = _ok(notifications.sync_detailed(client=as_("eva.lind")), 200, models.NotificationPage)
        return [n for n in page.items if n.kind == "lex_sarah_file_anmalan" and read.reference in n.title]

    while not filed() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert filed()
