"""The demo organisation and a lived-in set of cases, created through the public API.

Order: the organisation; then, once every service's org replica has it, cases, risks, goals, the
värdighetsgarantier, the årshjul and reports.
Each part lives in its own module. Every change is a journaled step (seed/journal.py): a seed that was
interrupted (a crash, `kill -9`) completes on the next start, and nothing is made twice.

`seed_demo` needs only an HTTP client for the API (in-process for the embedded runner, or a base URL
for services in their own processes) and the directory with the dev signing key.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx

from embedded_runner.seed import (
    arshjul,
    cases,
    documents,
    goals,
    guarantees,
    information,
    kvalitetsrad,
    org,
    proposals,
    reports,
    risk,
)
from embedded_runner.seed.client import ADMIN_SUBJECT, DemoClient
from embedded_runner.seed.journal import JOURNAL_FILE, SeedJournal
from platform_shared.auth.tokens import DevTokens
from platform_shared.private_files import write_private

__all__ = ["ADMIN_SUBJECT", "progress", "seed_demo"]

TOKENS_FILE = "dev-tokens.json"
# One list per service whose answer needs the caller in that service's replica of the organisation.
REPLICA_PROBES = ("/api/v1/deviations", "/api/v1/risk/risks", "/api/v1/notifications")


async def wait_for_replicas(demo: DemoClient, timeout_s: float = 30) -> None:
    """Until every service knows the last person the organisation step made (its events are the last
    org events, so a replica that has them has all the rest)."""
    headers = demo.auth(org.ACTING.subject)
    for _ in range(int(timeout_s / 0.05)):
        answers = [await demo.http.get(path, params={"limit": 1}, headers=headers) for path in REPLICA_PROBES]
        if all(a.status_code == 200 for a in answers):
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
    await asyncio.to_thread(write_private, path, text.encode("utf-8"))
    return len(entries)


async def seed_demo(http: httpx.AsyncClient, var_dir: Path, admin: str = ADMIN_SUBJECT) -> Path:
    """Make (or complete) the demo through the API at `http`; write var/dev-tokens.json."""
    tokens = DevTokens(var_dir)
    journal_path = var_dir / JOURNAL_FILE
    made_before_journals = not journal_path.exists()
    journal = SeedJournal(journal_path)
    demo = DemoClient(http, tokens, journal, admin)
    if made_before_journals and "FORV" in await demo.units_by_code():
        journal.mark_complete()  # a demo made by an earlier version, without a journal: leave it
    if not journal.complete:
        steps = (
            ("the organisation: units, people, roles", org.seed),
            ("every service learns the organisation", wait_for_replicas),
            ("cases: avvikelser, Lex Sarah, Lex Maria, complaints, data breaches", cases.seed),
            ("förbättringsförslag", proposals.seed),
            ("risks, analyses, the internkontrollplan", risk.seed),
            ("goals, indicators with a year of values, the Kolada sample", goals.seed),
            ("värdighetsgarantier for äldreomsorgen, one named by a complaint", guarantees.seed),
            ("the årshjul: adopted, with done, due and late activities", arshjul.seed),
            ("reports and their documents", reports.seed),
            ("the ledningssystem: process map, riktlinjer and rutiner", documents.seed),
            ("the staff's information duty, partly met", information.seed),
            ("a kvalitetsråd held and justerat, the next ones planned", kvalitetsrad.seed),
        )
        for number, (what, step) in enumerate(steps, 1):
            progress(f"Demo {number}/{len(steps)}: {what} …")
            await step(demo)
        journal.mark_complete()
    path = var_dir / TOKENS_FILE
    count = await write_tokens(demo, path)
    progress(f"Demo tokens for {count} people written to {path}")
    return path


def progress(line: str) -> None:
    """A line for the person watching the first start (the log has the details)."""
    print(line, flush=True)
