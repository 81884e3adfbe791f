"""The figures issue 10 measured, re-measured from the source (`scripts/pipeline-figures` prints them):
per service, the length of route bodies and of all functions (median, p90, max, in lines without the
docstring), the database touches and commits in the API layer (`entrypoints/api`), and how many
implementations of each piece of the request pipeline the repo holds (tests/architecture/
test_one_implementation.py finds them). Standard library only."""

from __future__ import annotations

import ast
import importlib.util
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("org", "deviation", "risk", "reporting")
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "api_route"})
# What a session (or unit of work) does to the database, and the SQL it builds.
SESSION_CALLS = frozenset(
    {"execute", "scalar", "scalars", "get", "add", "add_all", "flush", "delete", "merge", "refresh", "stream"}
)
SQL_BUILDERS = frozenset({"select", "insert", "update", "delete", "text"})


@dataclass(frozen=True)
class ServiceFigures:
    service: str
    routes: list[int]
    functions: list[int]
    db_touches: int
    commits: int


def body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if not body:
        return 0
    return (body[-1].end_lineno or body[-1].lineno) - body[0].lineno + 1


def is_route(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in HTTP_METHODS
        for d in node.decorator_list
    )


def _receiver(node: ast.expr) -> str:
    return ast.unparse(node).lower()


def db_use(tree: ast.AST) -> tuple[int, int]:
    """(database touches, commits) in a module: calls on anything named like a session, SQL built."""
    touches = commits = 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = _receiver(func.value)
            if func.attr == "commit":
                commits += 1
            elif func.attr in SESSION_CALLS and ("session" in receiver or receiver.endswith("uow")):
                touches += 1
        elif isinstance(func, ast.Name) and func.id in SQL_BUILDERS:
            touches += 1
    return touches, commits


def service_figures(service: str) -> ServiceFigures:
    src = ROOT / "services" / f"{service}-svc" / "src"
    routes: list[int] = []
    functions: list[int] = []
    touches = commits = 0
    for path in sorted(src.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        api = "entrypoints" in path.parts and "api" in path.parts
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions.append(body_lines(node))
                if api and is_route(node):
                    routes.append(body_lines(node))
        if api:
            t, c = db_use(tree)
            touches += t
            commits += c
    return ServiceFigures(service, routes, functions, touches, commits)


def load_sibling(name: str) -> Any:
    """A module of this folder by file (the tests are not a package)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
        assert spec and spec.loader
        sys.modules[name] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[name]


def p90(values: list[int]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else float(values[0])


def implementation_counts() -> dict[str, int]:
    """piece → number of files implementing it (its home counts as one)."""
    spec = importlib.util.spec_from_file_location(
        "one_impl", Path(__file__).with_name("test_one_implementation.py")
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    counts = dict.fromkeys(module.PIECES, 1)
    for piece, _ in module.implementations():
        counts[piece] += 1
    return counts


def report() -> str:
    lines = [
        f"{'service':<10} {'routes':>6} {'route median':>12} {'p90':>5} {'max':>4}   "
        f"{'functions':>9} {'median':>6} {'p90':>5}   {'DB touches in API':>17} {'commits in API':>14}"
    ]
    for service in SERVICES:
        f = service_figures(service)
        lines.append(
            f"{service:<10} {len(f.routes):>6} {statistics.median(f.routes):>12.1f} {p90(f.routes):>5.1f} "
            f"{max(f.routes):>4}   {len(f.functions):>9} {statistics.median(f.functions):>6.1f} "
            f"{p90(f.functions):>5.1f}   {f.db_touches:>17} {f.commits:>14}"
        )
    lines.append("")
    lines += [f"{piece}: {count} implementation(s)" for piece, count in implementation_counts().items()]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(report() + "\n")
