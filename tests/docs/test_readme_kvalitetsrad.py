"""The README's "Kvalitetsråd in the demo" runs as written against the fresh demo server: the
justerade protokoll is read, a change to it answers 409, its PDF opens, and the next meetings
announce it one level up and carry its open actions."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
DOCUMENTED_BASE = "http://127.0.0.1:8000"


def blocks(heading: str) -> list[str]:
    """The shell blocks of a README section, up to the next section of its level or above."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(heading) + len(heading) :]
    section = section[
        : min(i for i in (section.find("\n## "), section.find("\n### "), len(section)) if i >= 0)
    ]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def test_the_readme_kvalitetsrad_section_runs_as_written_against_the_demo(
    fresh_server: str, server_dir: Path
) -> None:
    tokens = blocks("### Calling the API")[0]  # token(), ERIK, KARIN …
    ours = [b.replace(DOCUMENTED_BASE, fresh_server) for b in blocks("### Kvalitetsråd in the demo")]
    assert len(ours) == 3
    script = "set -euo pipefail\n" + tokens + "\n".join(ours)
    result = subprocess.run(
        ["bash", "-c", script], cwd=server_dir, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "Solgårdens äldreboende | Justerat" in out
    assert "3 Klagomål, synpunkter och beröm | Två klagomål på maten" in out
    assert "Se över nattillsynen och larmen" in out
    assert "\n409\n" in out
    assert (server_dir / "protokoll.pdf").read_bytes().startswith(b"%PDF")
    assert "anmäls: ['Solgårdens äldreboende']" in out
    assert "balanslista: ['Se över nattillsynen och larmen', 'Inför digital signering" in out
