"""Files the services keep on disk hold personal data or secrets (SQLite databases, keys, dev tokens,
attachments, reports, mails): directories are made 0700 and files 0600, readable by the service's own
user only, from the moment they exist (never written first and narrowed after)."""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """`path` and any missing parents, made 0700. An existing directory keeps its mode (it may be a
    shared one the operator chose), except when `tighten` is asked for."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        directory.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(directory, DIR_MODE)  # mkdir's mode is narrowed by the umask, never widened
    return path


def private_file(path: Path) -> Path:
    """`path` created empty with 0600 when missing (before a library such as SQLite creates it with
    its own mode); an existing file is made 0600."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(fd)
    os.chmod(path, FILE_MODE)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (a temporary file in the same directory, then a rename),
    the file 0600 from its first byte."""
    private_dir(path.parent)
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb", closefd=False) as out:
            out.write(data)
    finally:
        os.close(fd)
    tmp.replace(path)


def tighten(root: Path) -> None:
    """`root` and everything under it: directories 0700, files 0600 (a var/ made by an earlier
    version, with 0755 and 0644)."""
    private_dir(root)
    os.chmod(root, DIR_MODE)
    for directory, dirnames, filenames in os.walk(root):
        for name in dirnames:
            os.chmod(Path(directory) / name, DIR_MODE)
        for name in filenames:
            target = Path(directory) / name
            if not target.is_symlink():
                os.chmod(target, FILE_MODE)
