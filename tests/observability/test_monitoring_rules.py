"""The Prometheus rules and the Grafana dashboard in deploy/monitoring: the rules pass
`promtool check rules`, every alert passes its unit tests (`promtool test rules`: it fires on a series
that should fire it and not on one that should not), and every metric the rules and the dashboard
read is one the services publish."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from embedded_runner.app import build_embedded

MONITORING = Path(__file__).resolve().parents[2] / "deploy" / "monitoring"
ENSURE_PROMTOOL = Path(__file__).resolve().parents[2] / "scripts" / "ensure-promtool"
SERVICES = ("org", "deviation", "risk", "reporting")


@pytest.fixture(scope="module")
def promtool() -> str:
    return subprocess.run([str(ENSURE_PROMTOOL)], check=True, capture_output=True, text=True).stdout.strip()


def test_the_rules_pass_promtool_check(promtool: str) -> None:
    result = subprocess.run(
        [promtool, "check", "rules", "rules.yml"], cwd=MONITORING, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_fires_on_the_series_that_should_fire_it_and_not_on_others(promtool: str) -> None:
    result = subprocess.run(
        [promtool, "test", "rules", "rules_test.yml"], cwd=MONITORING, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    alerts = set(re.findall(r"^\s+- alert: (\w+)", (MONITORING / "rules.yml").read_text(), re.M))
    tested = set(re.findall(r"alertname: (\w+)", (MONITORING / "rules_test.yml").read_text()))
    assert alerts == tested


async def test_the_rules_and_the_dashboard_read_metrics_the_services_publish(tmp_path: Path) -> None:
    embedded = build_embedded(tmp_path / "var", seed=False)
    async with embedded.front.router.lifespan_context(embedded.front):
        transport = httpx.ASGITransport(app=embedded.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://embedded") as client:
            for path in (
                "/api/v1/org/me",
                "/api/v1/deviations",
                "/api/v1/risk/risks",
                "/api/v1/notifications",
            ):
                await client.get(path)  # a request per service, so each histogram has samples
            text = (await client.get("/metrics")).text
    published: set[str] = set()
    for family in text_string_to_metric_families(text):
        published |= {family.name, *(family.name + s for s in ("_total", "_count", "_sum", "_bucket"))}
    published |= {sample.name for family in text_string_to_metric_families(text) for sample in family.samples}

    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text(encoding="utf-8"))
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    used: set[str] = set()
    for expr in exprs:
        for service in SERVICES if "${service}" in expr else ("",):
            used |= _metric_names(expr.replace("${service}", service))
    rules = (MONITORING / "rules.yml").read_text(encoding="utf-8")
    for pattern, rest in re.findall(r'__name__=~"\(([a-z|]+)\)(_[a-z_]+)"', rules):
        used |= {service + rest for service in pattern.split("|")}
    used |= {name for name in _metric_names(rules) if name.startswith("reporting_")}
    assert used, "no metric names found"
    assert sorted(used - published) == []


def _metric_names(expr: str) -> set[str]:
    return set(re.findall(r"\b((?:org|deviation|risk|reporting)_[a-z_]+)\b", expr))
