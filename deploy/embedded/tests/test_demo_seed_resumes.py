"""The demo seed resumes: a seed interrupted at any step (a crash, `kill -9`) is completed by the next
start, and nothing is made twice."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from embedded_runner.app import build_embedded
from embedded_runner.seed.journal import JOURNAL_FILE, SeedJournal

# Objects the seed makes, by what makes each one unique: a second row with the same key is a duplicate.
NATURAL_KEYS: dict[str, list[tuple[str, str]]] = {
    "org": [
        ("org_unit", "code"),
        ("person", "subject"),
        ("role_assignment", "person_id, role, unit_id"),
        ("delegation", "decision_type, to_person_id"),
        ("system_client", "subject"),
        ("process_node", "name"),
        ("document", "title"),
        ("document_version", "document_id, number"),
    ],
    "deviation": [
        ("deviation", "source_system, source_external_id"),
        ("investigation_entry", "deviation_id, section"),
        ("deviation_action", "deviation_id"),
        ("ivo_notification", "deviation_id"),
        ("complaint", "kind, channel, unit_id"),
        ("data_breach", "unit_id"),
        ("improvement_proposal", "origin_unit_id, title"),
        ("improvement_action", "proposal_id"),
    ],
    "risk": [
        ("risk", "unit_id, title"),
        ("risk_analysis", "unit_id, trigger"),
        ("control_plan", "unit_id, year"),
        ("control_plan_row", "plan_id, kind, risk_id, unit_id"),
        ("control_plan_follow_up", "plan_id, occasion"),
        ("self_assessment", "unit_id, area"),
        ("control_finding", "control_id"),
        ("guarantee", "unit_id, title"),
    ],
    "reporting": [
        ("report", "type, year, unit_id"),
        ("kvalitetsrad_meeting", "unit_id, meeting_on"),
        ("kvalitetsrad_action", "meeting_id, description"),
    ],
}
# What the demo holds when complete (the seed's own counts).
COMPLETE = {
    ("org", "person"): 13,  # with the bootstrapped systemadministratör
    ("deviation", "deviation"): 14,
    ("deviation", "ivo_notification"): 2,  # a Lex Sarah and a Lex Maria anmälan
    ("deviation", "complaint"): 3,  # one names a värdighetsgaranti as not kept
    ("risk", "guarantee"): 3,
    ("deviation", "data_breach"): 1,
    ("deviation", "improvement_proposal"): 5,
    ("reporting", "report"): 3,  # the kvalitetsberättelse, the verksamhetsberättelse, a tertial report
    ("org", "document"): 4,
    ("org", "document_version"): 5,  # the introduction rutin has a new draft
    ("reporting", "kvalitetsrad_meeting"): 3,  # Solgården's justerat, the next two planned
    ("reporting", "kvalitetsrad_action"): 2,
}


def duplicates(var: Path) -> list[str]:
    found = []
    for service, keys in NATURAL_KEYS.items():
        with sqlite3.connect(var / f"{service}.sqlite") as db:
            for table, columns in keys:
                rows = db.execute(
                    f"SELECT {columns}, count(*) FROM {table} GROUP BY {columns} HAVING count(*) > 1"
                ).fetchall()
                found += [f"{service}.{table} {row}" for row in rows]
    return found


def count(var: Path, service: str, table: str) -> int:
    with sqlite3.connect(var / f"{service}.sqlite") as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def assert_complete_without_duplicates(var: Path) -> None:
    assert SeedJournal(var / JOURNAL_FILE).complete
    assert not duplicates(var), duplicates(var)
    for (service, table), expected in COMPLETE.items():
        assert count(var, service, table) == expected, (service, table)
    assert count(var, "reporting", "report") == 3
    entries = json.loads((var / "dev-tokens.json").read_text(encoding="utf-8"))
    assert len(entries) == COMPLETE[("org", "person")]


class SeedKilled(Exception):
    """The seed process dies: after the service answered a step, before the seed wrote it down."""


def kill_after(monkeypatch: pytest.MonkeyPatch, method: str, path_part: str, nth: int) -> None:
    asked: list[tuple[str, str]] = []
    original_key, original_finish = SeedJournal.key, SeedJournal.finish
    hits = 0

    def key(self: SeedJournal, method_: str, path: str, subject: str, body: Any) -> str:
        asked.append((method_, path))
        return original_key(self, method_, path, subject, body)

    def finish(self: SeedJournal, key_: str, answer: Any) -> None:
        nonlocal hits
        last_method, last_path = asked[-1]
        if last_method == method and path_part in last_path:
            hits += 1
            if hits == nth:
                raise SeedKilled(f"{method} {last_path}")
        original_finish(self, key_, answer)

    monkeypatch.setattr(SeedJournal, "key", key)
    monkeypatch.setattr(SeedJournal, "finish", finish)


async def start_once(var: Path) -> None:
    embedded = build_embedded(var)
    async with embedded.front.router.lifespan_context(embedded.front):
        pass


async def test_a_seed_interrupted_at_any_step_is_completed_by_the_next_start_without_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    var = tmp_path / "var"
    # Each start dies right after the service made an object or a change the seed has not yet written
    # down: an organisation unit, a command on a deviation, a row of the internkontrollplan, a report,
    # a kvalitetsråd's justering.
    for method, path_part, nth in (
        ("POST", "/api/v1/org/units", 3),
        ("POST", "/receive", 2),
        ("POST", "/rows", 2),
        ("POST", "/api/v1/reports", 1),
        ("POST", "/justera", 1),  # in doubt, the justering answers 409: done before
    ):
        with monkeypatch.context() as patch:
            kill_after(patch, method, path_part, nth)
            with pytest.raises(SeedKilled):
                await start_once(var)
        assert not SeedJournal(var / JOURNAL_FILE).complete
        assert not (var / "dev-tokens.json").exists()
    await start_once(var)
    assert_complete_without_duplicates(var)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_runner(var: Path, port: int) -> subprocess.Popen[bytes]:
    code = "import sys; from embedded_runner.main import main; sys.exit(main())"
    return subprocess.Popen(
        [sys.executable, "-c", code, "--var-dir", str(var), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )


def _journal_steps(var: Path) -> int:
    path = var / JOURNAL_FILE
    return path.read_text(encoding="utf-8").count('"done"') if path.exists() else 0


def test_a_seed_killed_with_sigkill_midway_is_completed_by_the_next_start(tmp_path: Path) -> None:
    var = tmp_path / "var"
    port = _free_port()
    first = _start_runner(var, port)
    try:
        deadline = time.monotonic() + 120
        while _journal_steps(var) < 60:  # the organisation is made, the cases are being made
            assert first.poll() is None and time.monotonic() < deadline, "the seed did not get going"
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert not SeedJournal(var / JOURNAL_FILE).complete

    second = _start_runner(var, port)
    try:
        deadline = time.monotonic() + 180
        while not (var / "dev-tokens.json").exists():
            assert second.poll() is None and time.monotonic() < deadline, "the seed did not complete"
            time.sleep(0.2)
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(20)
        except subprocess.TimeoutExpired:
            second.kill()
    assert_complete_without_duplicates(var)
