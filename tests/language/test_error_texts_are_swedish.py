"""Every text an error answer can carry is Swedish: the messages given to the domain-error classes
(title, detail, errors[].message) in every service and in platform_shared, read from the code itself
so that a new error is covered without editing this test. A text may name an input field in code form
(`unit_id`) only in the field position, never in what a person reads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "shared/src", *sorted((ROOT / "services").glob("*-svc/src"))]
# The classes whose message a person reads in a problem answer, and where that message sits.
MESSAGE_AT: dict[str, tuple[int, ...]] = {
    "RuleViolation": (0,),
    "NotFound": (0,),
    "Forbidden": (0,),
    "InvalidTransition": (0,),
    "AlreadyExists": (0,),
    "Conflict": (0,),
    "PreconditionFailed": (0,),
    "ValidationFailed": (0,),
    "InvalidToken": (0,),
    "NotAuthenticated": (0,),
    "OrgConflict": (0,),
    "OrgRuleViolation": (1,),
    "FieldError": (1,),
    "DecisionInvalid": (1,),
}
ENGLISH = re.compile(
    r"\b(the|is|are|not|found|must|only|already|has|have|cannot|should|unknown|invalid|missing|"
    r"with|without|before|after|first|one of|at least|exactly|belongs|unit|"
    r"required|allowed|deactivated|closed|revoked|exist|exists)\b",
    re.IGNORECASE,
)
SNAKE = re.compile(r"\b[a-zåäö]+(?:_[a-zåäö0-9]+)+\b")


def _text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)  # type: ignore[misc]
    if isinstance(node, ast.BinOp):
        left, right = _text(node.left), _text(node.right)
        return (left or "") + (right or "")
    return None


def error_texts() -> list[tuple[str, int, str]]:
    found: list[tuple[str, int, str]] = []
    for source in SOURCES:
        for path in sorted(source.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                for position in MESSAGE_AT.get(name, ()):
                    if position < len(node.args) and (text := _text(node.args[position])) is not None:
                        found.append((str(path.relative_to(ROOT)), node.lineno, text))
    return found


def test_every_error_text_in_the_code_is_swedish() -> None:
    texts = error_texts()
    english = [(f, n, t) for f, n, t in texts if ENGLISH.search(t.replace("{}", ""))]
    snake = [(f, n, t) for f, n, t in texts if SNAKE.search(t.replace("{}", ""))]
    print(f"\n{len(texts)} error texts read from the code")
    assert len(texts) > 300
    assert english == [], "\n".join(f"{f}:{n}: {t}" for f, n, t in english)
    assert snake == [], "\n".join(f"{f}:{n}: {t}" for f, n, t in snake)
