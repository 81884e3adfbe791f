"""Calendar feeds of the årshjul: per unit and per person, of the activities they are responsible
for. Calendar clients cannot send a bearer token, so a person creates a feed URL carrying a long
random secret; only its hash is stored (the secret is shown once), and a revoked feed answers 404."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Collection, Iterable
from enum import StrEnum

from reporting_svc.domain.arshjul.activities import Activity

SECRET_BYTES = 32  # 256 bits: a fast hash is enough to look it up, nobody can guess it


class FeedScope(StrEnum):
    UNIT = "unit"  # a unit's activities (the unit must be within what the person may see)
    PERSON = "person"  # the activities of the roles the person holds


def new_feed_secret() -> tuple[str, str]:
    """(the secret for the URL, the hash to store)."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return secret, hash_feed_secret(secret)


def hash_feed_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def for_unit(activities: Iterable[Activity], unit_id: uuid.UUID) -> list[Activity]:
    """What a unit is responsible for: the activities of its own årshjul."""
    return sorted((a for a in activities if a.unit_id == unit_id), key=lambda a: (a.due_on, str(a.id)))


def for_person(activities: Iterable[Activity], roles: Collection[tuple[str, uuid.UUID]]) -> list[Activity]:
    """What a person is responsible for: activities whose responsible role she holds at that unit
    (an enhetschef gets her enhet's, not the verksamhetsområde's she reports to)."""
    held = {(str(role), unit) for role, unit in roles}
    return sorted(
        (a for a in activities if (a.responsible_role, a.unit_id) in held),
        key=lambda a: (a.due_on, str(a.id)),
    )
