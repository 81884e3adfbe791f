"""The README's walkthrough works as written: its shell blocks ("Calling the API") are taken from
README.md itself and run, as they stand, against a fresh embedded server (`kvalitet-embedded` with
its demo) — only its address is the test's free port instead of 8000. A Lex Sarah case is reported,
received, its IVO anmälan decided by the socialchef, and the summary and the notifications show it."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "### Calling the API"
DOCUMENTED_BASE = "http://127.0.0.1:8000"


GOALS_SECTION = "### Goals, the styrkort and jämförelsetal in the demo"


def walkthrough_blocks(heading: str = SECTION) -> list[str]:
    """The shell blocks of a section, up to the next heading of its level or above."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(heading) + len(heading) :]
    section = section[
        : min(i for i in (section.find("\n## "), section.find("\n### "), len(section)) if i >= 0)
    ]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def _until(read: Callable[[], str], good: Callable[[str], bool]) -> str:
    """A read block again until its answer shows what the events made (reporting reads them within a
    second or so)."""
    deadline = time.monotonic() + 20
    while True:
        out = read()
        if good(out) or time.monotonic() > deadline:
            return out
        time.sleep(0.5)


def test_the_first_start_says_what_it_does_and_its_log_has_no_library_noise(
    fresh_server: str, server_dir: Path
) -> None:
    lines = (server_dir / "startup.log").read_text(encoding="utf-8").splitlines()
    progress = [line for line in lines if not line.startswith("{")]
    assert progress[0].startswith("kvalitet-embedded: loading")
    assert [line for line in progress if line.startswith("Demo ")][-1].startswith("Demo tokens for")
    steps = [line.split(":")[0] for line in progress if re.match(r"Demo \d+/\d+:", line)]
    total = int(steps[0].split("/")[1])
    assert steps == [f"Demo {number}/{total}" for number in range(1, total + 1)]
    loggers = {json.loads(line).get("logger") for line in lines if line.startswith("{")}
    assert not {name for name in loggers if name and name.startswith(("fontTools", "fpdf"))}
    assert len(lines) < 40, lines  # no access line per request the demo made


def _auth(directory: Path, email_start: str) -> dict[str, str]:
    people = json.loads((directory / "var" / "dev-tokens.json").read_text(encoding="utf-8"))
    token = next(p["token"] for p in people if p["email"].startswith(email_start))
    return {"Authorization": f"Bearer {token}"}


def test_the_readme_walkthrough_runs_as_written_against_a_fresh_server(
    fresh_server: str, server_dir: Path
) -> None:
    blocks = [block.replace(DOCUMENTED_BASE, fresh_server) for block in walkthrough_blocks()]
    assert len(blocks) == 6 and "curl" not in blocks[0]
    tokens, *changes, summary_block, notifications_block = blocks
    state = server_dir / "walkthrough-state.sh"

    def run(*parts: str) -> str:
        """Blocks in one shell, as a person pastes them, keeping what they set for the next ones."""
        source = f"source {state}\n" if state.exists() else ""
        keep = f"\n{{ export -p; declare -f; }} > {state}.new && mv {state}.new {state}\n"
        script = "set -euo pipefail\nset -a\n" + source + "\n".join(parts) + keep
        result = subprocess.run(
            ["bash", "-c", script], cwd=server_dir, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    run(tokens)
    before = json.loads(run(summary_block))["by_type"].get("lex_sarah", 0)
    case_id = run(*changes).splitlines()[0].strip()  # the `echo "$ID"` of the report block

    case = httpx.get(f"{fresh_server}/api/v1/deviations/{case_id}", headers=_auth(server_dir, "eva.lind"))
    assert case.status_code == 200, case.text
    assert case.json()["type"] == "lex_sarah" and case.json()["status"] == "received"
    assert case.json()["ivo_notification"]["degree"] == "allvarligt_missforhallande"
    reference = case.json()["reference"]

    summary = json.loads(
        _until(
            lambda: run(summary_block), lambda out: json.loads(out)["by_type"].get("lex_sarah", 0) > before
        )
    )
    assert summary["by_type"]["lex_sarah"] == before + 1
    notifications = json.loads(_until(lambda: run(notifications_block), lambda out: reference in out))[
        "items"
    ]
    assert [n for n in notifications if n["kind"] == "lex_sarah_file_anmalan" and reference in n["title"]]


def test_the_goals_walkthrough_runs_as_written(fresh_server: str, server_dir: Path) -> None:
    """The styrkort of Vård och omsorg combines its enheter's values; a value above Solgården's
    gränsvärde without an activity is refused; the imported Kolada figures compare municipalities."""
    blocks = [block.replace(DOCUMENTED_BASE, fresh_server) for block in walkthrough_blocks(GOALS_SECTION)]
    assert len(blocks) == 4 and "curl" not in blocks[0]
    tokens, card_block, refused_block, compare_block = blocks

    def run(block: str) -> str:
        script = "set -euo pipefail\n" + tokens + "\n" + block
        result = subprocess.run(
            ["bash", "-c", script], cwd=server_dir, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    card = json.loads(run(card_block))
    (line,) = card["lines"]
    assert line["name"] == "Andel besök av ordinarie personal" and line["combined"]["parts"] == 2
    assert sorted(c["status"] for c in line["children"])[-1] == "under_threshold"
    assert card["summary"] == "under_threshold" and len(line["trend"]) == 13
    refused = json.loads(run(refused_block))
    assert refused["status"] == 422 and refused["errors"][0]["field"] == "activities"
    compared = json.loads(run(compare_block))
    assert [s["municipality"] for s in compared["series"]] == ["0138", "1497"]
    assert compared["title"].startswith("Exempel:") and 2024 in compared["years"]
