"""Demo reports (issue 6: a kvalitetsberättelse and a T1 report for the förvaltning)."""

from __future__ import annotations

from embedded_runner.seed.client import DemoClient


async def seed(demo: DemoClient) -> None:
    return None
