"""The repository's Node.js test tools (`tools/node`: the AsyncAPI parser, panva's oidc-provider),
installed from its lock file with `npm ci` when missing or older than the lock file."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path

TOOLS_DIR = Path(__file__).resolve().parents[3] / "tools" / "node"
NPM_CI = ("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error")


class NodeToolsMissing(RuntimeError):
    pass


def ensure_node_tools(tools_dir: Path = TOOLS_DIR) -> Path:
    """`tools_dir` with its node_modules installed; several test processes may call this at once."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise NodeToolsMissing("Node.js 20+ and npm are needed for the AsyncAPI and OIDC tests")
    with (tools_dir / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _installed(tools_dir):
            subprocess.run(NPM_CI, cwd=tools_dir, check=True, timeout=600)
    return tools_dir


def _installed(tools_dir: Path) -> bool:
    marker = tools_dir / "node_modules" / ".package-lock.json"
    lock_file = tools_dir / "package-lock.json"
    return marker.exists() and marker.stat().st_mtime >= lock_file.stat().st_mtime


def run_node(script: str, *args: str, timeout_s: float = 120) -> subprocess.CompletedProcess[str]:
    """Runs `tools/node/<script>` and returns its result (never raises on a non-zero exit)."""
    tools_dir = ensure_node_tools()
    return subprocess.run(
        ["node", str(tools_dir / script), *args],
        cwd=tools_dir,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
