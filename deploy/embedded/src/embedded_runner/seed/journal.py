"""The demo seed's journal: every change the seed makes through the API is one step, done once.

A step is known by what it asks (method, path, caller, body) and how many times the seed has asked
exactly that before in this run; its answer is kept, so a restarted seed replays the steps already
done (with the same ids) and goes on from the first one not done. The moment the seed started is
kept too, so the dates it writes ("three days ago") are the same in every run.

The file is appended to, one JSON line per event: `begin` before a step's call, `done` with its
answer after it. A step begun and never done was interrupted: the service may or may not have
carried it out. That one step is *in doubt*: the seed looks the object up where it can, sends the
same `Idempotency-Key` as the first time, and takes a 409 (the change is already made) as done.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platform_shared.private_files import FILE_MODE, private_dir

JOURNAL_FILE = "seed-journal.jsonl"


class SeedJournal:
    def __init__(self, path: Path, *, now: datetime | None = None) -> None:
        self.path = path
        self.done: dict[str, Any] = {}
        self.complete = False
        self._begun: str | None = None
        self._seen: Counter[str] = Counter()
        epoch: str | None = None
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # the last line of a run killed while writing it
                if "epoch" in entry:
                    epoch = entry["epoch"]
                elif "begin" in entry:
                    self._begun = entry["begin"]
                elif "done" in entry:
                    self.done[entry["done"]] = entry.get("answer")
                    if self._begun == entry["done"]:
                        self._begun = None
                elif entry.get("complete"):
                    self.complete = True
        self.in_doubt = self._begun
        self.resumed = epoch is not None
        self.epoch = datetime.fromisoformat(epoch) if epoch else (now or datetime.now(UTC))
        if epoch is None:
            self._append({"epoch": self.epoch.isoformat()})

    def key(self, method: str, path: str, subject: str, body: Any) -> str:
        """The step's name: what it asks, and how many times this run has asked the same."""
        asked = json.dumps([method, path, subject, body], sort_keys=True, ensure_ascii=False, default=str)
        digest = hashlib.sha256(asked.encode()).hexdigest()[:24]
        self._seen[digest] += 1
        return f"{digest}-{self._seen[digest]}"

    def begin(self, key: str) -> None:
        self._append({"begin": key})

    def finish(self, key: str, answer: Any) -> None:
        self.done[key] = answer
        self._append({"done": key, "answer": answer})

    def mark_complete(self) -> None:
        self.complete = True
        self._append({"complete": True})

    def _append(self, entry: dict[str, Any]) -> None:
        private_dir(self.path.parent)
        line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
