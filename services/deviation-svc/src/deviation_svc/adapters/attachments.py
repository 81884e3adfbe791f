"""Where attachment bytes live: an interface, and a local directory (var/attachments by default)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Protocol

from platform_shared.private_files import write_private

_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f-]{36}$")


class AttachmentStore(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None: ...


class LocalDirectoryStore:
    """One file per attachment under `root/<first two hex digits>/<uuid>`; keys are made by the service,
    never from a client's file name."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError("invalid storage key")
        return self._root / key

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(write_private, self._path(key), data)

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._path(key).read_bytes)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, True)


def storage_key(attachment_id: str) -> str:
    return f"{attachment_id.replace('-', '')[-2:]}/{attachment_id}"
