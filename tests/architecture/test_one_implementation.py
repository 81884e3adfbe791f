"""One implementation of each piece of the request pipeline (issue 10, "How it is shown"): one request
context, one problem translator, one pagination, one If-Match parser (and ETag writer), one
Idempotency-Key implementation — all in `platform_shared`. A line of source that looks like another
implementation of one of them, anywhere else in the repo's code, fails this test.

KNOWN lists second implementations allowed for a while, by file (none since all four services are on
the pipeline); an entry whose file no longer has it fails the test too, so the list stays true."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("shared/src", "services/org-svc/src", "services/deviation-svc/src", "services/risk-svc/src",
           "services/reporting-svc/src", "deploy/embedded/src")  # fmt: skip

# piece → (its one home, the lines that implement it)
PIECES: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "request context": (
        frozenset({"shared/src/platform_shared/context.py", "shared/src/platform_shared/api/context.py"}),
        (r"^class \w*(Context|Ctx)\b", r"def \w*_context\(.*Request"),
    ),
    "problem translator": (
        frozenset({"shared/src/platform_shared/api/problems.py"}),
        (
            r"add_exception_handler\(",
            r"\.exception_handler\(",
            r"problem\+json\"",
            r"media_type=PROBLEM_JSON",
        ),
    ),
    "pagination": (
        frozenset(
            {"shared/src/platform_shared/pagination.py", "shared/src/platform_shared/api/pagination.py"}
        ),
        (
            r"^\s*Limit\s*=",
            r"^\s*(MAX|DEFAULT)_LIMIT\s*=",
            r"def \w*cursor\w*\(",
            r"\.offset\(",
            r"^\s*class Page\b",
        ),
    ),
    "If-Match parser and ETag": (
        frozenset({"shared/src/platform_shared/api/deps.py", "shared/src/platform_shared/api/context.py"}),
        (
            r"^\s*IfMatch\s*=",
            r"[\"']if-match[\"']",
            r"alias=\"If-Match\"",
            r"removeprefix\(\"W/\"\)",
            r"if_match\.\w*strip\(",
            r"headers\[\"ETag\"\]\s*=",
            r"def \w*etag\w*\(",
        ),
    ),
    "Idempotency-Key": (
        frozenset({"shared/src/platform_shared/idempotency.py", "shared/src/platform_shared/api/context.py"}),
        (
            r"class \w*Idempoten",
            r"def \w*idempoten\w*\(",
            r"[\"']idempotency-key[\"']\)",
            r"alias=\"Idempotency-Key\"",
            r"Table\(\s*[\"']\w*idempoten",
        ),
    ),
}

# (piece, file) → the issue part that removes it. Keep it short and true.
KNOWN: dict[tuple[str, str], str] = {}


def implementations() -> dict[tuple[str, str], list[str]]:
    """(piece, file) → its matching lines, for every file outside the piece's home."""
    found: dict[tuple[str, str], list[str]] = {}
    for source in SOURCES:
        for path in sorted((ROOT / source).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = path.relative_to(ROOT).as_posix()
            lines = path.read_text(encoding="utf-8").splitlines()
            for piece, (home, patterns) in PIECES.items():
                if name in home:
                    continue
                hits = [
                    f"{number}: {line.strip()}"
                    for number, line in enumerate(lines, 1)
                    if not line.lstrip().startswith("#") and any(re.search(p, line) for p in patterns)
                ]
                if hits:
                    found[(piece, name)] = hits
    return found


def test_each_piece_of_the_request_pipeline_has_one_implementation_in_platform_shared() -> None:
    found = implementations()
    unexpected = {k: v for k, v in found.items() if k not in KNOWN}
    assert not unexpected, "\n".join(f"{piece}: {file}: {hits}" for (piece, file), hits in unexpected.items())
    gone = [k for k in KNOWN if k not in found]
    assert not gone, f"no longer a second implementation, remove from KNOWN: {gone}"


def test_the_homes_hold_each_piece() -> None:
    for piece, (home, patterns) in PIECES.items():
        text = "\n".join((ROOT / h).read_text(encoding="utf-8") for h in home)
        assert any(re.search(p, text, re.MULTILINE) for p in patterns), piece
