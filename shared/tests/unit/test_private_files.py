"""Files with personal data or secrets are the service's own: directories 0700, files 0600, from the
start and whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from platform_shared.private_files import private_dir, private_file, tighten, write_private


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    previous = os.umask(0o000)  # the widest: nothing may rely on the umask
    try:
        yield
    finally:
        os.umask(previous)


def test_written_files_and_their_new_directories_are_private(tmp_path: Path) -> None:
    target = tmp_path / "var" / "reports" / "2026-kb.pdf"
    write_private(target, b"%PDF")
    assert target.read_bytes() == b"%PDF"
    assert mode(target) == 0o600
    assert mode(tmp_path / "var" / "reports") == 0o700 and mode(tmp_path / "var") == 0o700
    assert not list(target.parent.glob("*.part"))


def test_a_database_file_is_made_private_before_the_driver_creates_it(tmp_path: Path) -> None:
    import sqlite3

    database = private_file(tmp_path / "var" / "org.sqlite")
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (1)")
        for companion in ("org.sqlite-wal", "org.sqlite-shm"):
            assert mode(tmp_path / "var" / companion) == 0o600, companion
    assert mode(database) == 0o600


def test_an_existing_directory_the_operator_chose_keeps_its_mode(tmp_path: Path) -> None:
    shared = tmp_path / "data"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    private_dir(shared)
    assert mode(shared) == 0o755


def test_a_var_directory_made_by_an_earlier_version_is_tightened(tmp_path: Path) -> None:
    var = tmp_path / "var"
    (var / "attachments" / "ab").mkdir(parents=True)
    for path in (var, var / "attachments", var / "attachments" / "ab"):
        os.chmod(path, 0o755)
    old = var / "dev-tokens.json"
    old.write_text("[]")
    os.chmod(old, 0o644)
    tighten(var)
    assert mode(var) == 0o700 and mode(var / "attachments" / "ab") == 0o700
    assert mode(old) == 0o600
