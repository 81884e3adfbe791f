"""The rutiner (org-svc documents) a deviation names as not followed or missing: each named once, in
the order given. org-svc turns each into a revision proposal on the document."""

from __future__ import annotations

import uuid
from collections.abc import Iterable


def document_list(ids: Iterable[uuid.UUID | str]) -> list[str]:
    return list(dict.fromkeys(str(i) for i in ids))


def document_ids_of(stored: list[str] | None) -> list[uuid.UUID]:
    return [uuid.UUID(i) for i in stored or ()]
