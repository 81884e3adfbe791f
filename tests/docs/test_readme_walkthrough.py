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
from datetime import date
from pathlib import Path

import httpx

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "### Calling the API"
DOCUMENTS = "### Styrdokument in the demo"
ARSHJUL = "### The årshjul in the demo"
INFORMATION = "### Informationsplikt in the demo"
GOALS_SECTION = "### Goals, the styrkort and jämförelsetal in the demo"
PROVIDERS = "### Privata utförare in the demo"
DOCUMENTED_BASE = "http://127.0.0.1:8000"


def walkthrough_blocks(heading: str = SECTION) -> list[str]:
    """The shell blocks of one README section (up to the next heading of its level or above)."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(heading) + len(heading) :]
    ends = [i for i in (section.find("\n## "), section.find("\n### ")) if i >= 0]
    section = section[: min(ends, default=len(section))]
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


def test_the_readme_styrdokument_walkthrough_runs_as_written(fresh_server: str, server_dir: Path) -> None:
    """Search in Swedish, the overdue rutin reviewed without change, the process map."""
    blocks = [block.replace(DOCUMENTED_BASE, fresh_server) for block in walkthrough_blocks(DOCUMENTS)]
    assert len(blocks) == 6
    tokens, search, overdue, review, process_map, export = blocks
    state = server_dir / "documents-state.sh"

    def run(*parts: str) -> str:
        source = f"source {state}\n" if state.exists() else ""
        keep = f"\n{{ export -p; declare -f; }} > {state}.new && mv {state}.new {state}\n"
        script = "set -euo pipefail\nset -a\n" + source + "\n".join(parts) + keep
        result = subprocess.run(
            ["bash", "-c", script], cwd=server_dir, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    run(tokens)
    found = [d["title"] for d in json.loads(run(search))["items"]]
    assert found[0] == "Rutin för läkemedelshantering"  # the title matches: first
    assert "Rutin vid fallolyckor" not in found
    document_id = run(overdue).strip()
    before = httpx.get(f"{fresh_server}/api/v1/org/documents/{document_id}", headers=_auth(server_dir, "mia"))
    assert before.json()["title"] == "Rutin vid fallolyckor"
    assert before.json()["review_state"] == "overdue"
    assert json.loads(run(review))["outcome"] == "confirmed"
    after = httpx.get(f"{fresh_server}/api/v1/org/documents/{document_id}", headers=_auth(server_dir, "mia"))
    assert after.json()["review_state"] == "current"
    processes = json.loads(run(process_map))["processes"]
    assert [p["name"] for p in processes] == ["Genomföra insatser", "Avvikelser och lex Sarah"]
    run(export)
    assert (server_dir / "ledningssystem.pdf").read_bytes().startswith(b"%PDF")


def test_the_readme_arshjul_blocks_run_as_written_against_the_demo(
    fresh_server: str, server_dir: Path
) -> None:
    """The demo's årshjul: adopted, with done, due and late activities; a feed URL read without a
    token; the overview PDF."""
    tokens = walkthrough_blocks()[0]
    blocks = [block.replace(DOCUMENTED_BASE, fresh_server) for block in walkthrough_blocks(ARSHJUL)]
    assert len(blocks) == 3
    script = "set -euo pipefail\n" + "\n".join([tokens, *blocks])
    result = subprocess.run(
        ["bash", "-c", script], cwd=server_dir, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert out.startswith("adopted - Fastställd av socialchef")
    if date.today().month >= 3:  # the days of January's activities have passed
        assert " done Kvalitetsråd inför verksamhetsberättelsen" in out and " late " in out
    assert "SUMMARY:" in out and "arshjul.pdf written" in out
    assert (server_dir / "arshjul.pdf").read_bytes().startswith(b"%PDF")


def test_the_goals_walkthrough_runs_as_written(fresh_server: str, server_dir: Path) -> None:
    """The styrkort of Vård och omsorg combines its enheter's values; a value above Solgården's
    gränsvärde without an activity is refused; the imported Kolada figures compare municipalities."""
    blocks = [block.replace(DOCUMENTED_BASE, fresh_server) for block in walkthrough_blocks(GOALS_SECTION)]
    assert len(blocks) == 5 and "curl" not in blocks[0]
    tokens, card_block, refused_block, compare_block, coverage_block = blocks

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

    def named(out: str) -> bool:
        areas = {a["area"]: a for a in json.loads(out)["areas"]}
        return any(g["complaints_not_kept"] == 1 for g in areas["trygghet"]["guarantees"])

    coverage = json.loads(_until(lambda: run(coverage_block), named))
    assert len(coverage["areas"]) == 7 and len(coverage["gaps"]) == 5
    areas = {a["area"]: a for a in coverage["areas"]}
    on_time = next(g for g in areas["trygghet"]["guarantees"] if g["title"] == "Vi kommer på avtalad tid")
    assert (on_time["complaints_not_kept"], areas["sjalvbestammande"]["gap"]) == (1, False)
    known = next(g for g in areas["trygghet"]["guarantees"] if g["indicators"])
    assert known["indicators"][0]["name"] == "Andel besök av ordinarie personal"


def test_the_readme_information_duty_blocks_run_as_written(fresh_server: str, server_dir: Path) -> None:
    """Solgården's information duty partly met: lex Sarah taken up at an APT, the läkemedel rutin
    acknowledged, lex Maria still to come (recorded by the last block), the fall rutin overdue."""
    tokens = walkthrough_blocks()[0]
    blocks = [block.replace(DOCUMENTED_BASE, fresh_server) for block in walkthrough_blocks(INFORMATION)]
    assert len(blocks) == 3
    script = "set -euo pipefail\n" + "\n".join([tokens, *blocks])
    result = subprocess.run(
        ["bash", "-c", script], cwd=server_dir, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(
        line.endswith("informerade, 0 försenade: Rapporteringsskyldighet enligt lex Sarah") for line in lines
    )
    mine = [line for line in lines if line[:4].isdigit()]
    assert any(" met Rapporteringsskyldighet enligt lex Sarah" in line for line in mine)
    assert any(" met_late Ny eller reviderad rutin i din enhet" in line for line in mine)
    assert any(" overdue Ny eller reviderad rutin i din enhet" in line for line in mine)
    assert any(" pending Lex Maria och avvikelser i hälso- och sjukvård" in line for line in mine)
    assert lines[-1].startswith("individual ") and lines[-1].endswith(
        "Lex Maria och avvikelser i hälso- och sjukvård"
    )


def test_the_readme_provider_blocks_run_as_written(fresh_server: str, server_dir: Path) -> None:
    """Hemtjänst Söder is run by Omsorgsbolaget AB under LOV; the internkontrollplan follows it up
    (avtalsuppföljning, MAS-tillsyn); the verksamhetsberättelse has the provider section and Karin's
    statistics count the follow-ups performed."""
    tokens = walkthrough_blocks()[0]
    blocks = [block.replace(DOCUMENTED_BASE, fresh_server) for block in walkthrough_blocks(PROVIDERS)]
    assert len(blocks) == 3
    script = "set -euo pipefail\n" + "\n".join([tokens, *blocks])
    result = subprocess.run(
        ["bash", "-c", script], cwd=server_dir, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Hemtjänst Söder – Omsorgsbolaget AB | privat lov | Omsorgsbolaget AB 559900-2408 | "
        "SN 2023/214 2024-01-01 - 2027-12-31"
    )
    assert lines[1] == "history: created privat Omsorgsbolaget AB"
    controls = [line.split(" ", 4) for line in lines[1:] if line[:4].isdigit()]
    assert {kind for _, kind, *_ in controls} == {"avtalsuppfoljning", "mas_tillsyn"}
    performed = [c for c in controls if c[2] == "performed"]
    if len([c for c in performed if c[1] == "avtalsuppfoljning"]) >= 2:  # the second one's day has passed
        assert any(c[3] == "avvikelser" and "Genomförandeplan saknades" in c[4] for c in performed)
    at = lines.index(
        "Uppföljning av privata utförare | "
        "Uppföljning av privata utförare: avtalsuppföljningar och MAS-tillsyn per resultat"
    )
    figure = [line for line in lines[at + 1 :] if line.startswith("  ")]
    assert {line.split(" [")[0].strip() for line in figure} <= {"Med avvikelser", "Utan anmärkning"}
    counted = {row: int(n) for row, n in (line.rsplit(" ", 1) for line in lines[at + 1 + len(figure) :])}
    assert sum(counted.values()) == len(performed), lines
    assert counted.get("Med avvikelser", 0) == len([c for c in performed if c[3] == "avvikelser"])
