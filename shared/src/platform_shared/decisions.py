"""A decision, recorded the same way wherever one is needed: a report's adoption, a document version,
the årshjul, a goal.

Either the nämnd decides, as a body at a meeting: recorded with the meeting date and the protocol's
§ (paragraph) by an official who serves the nämnd (a nämnd member never decides alone); or a role
decides (the socialchef, a verksamhetschef, an enhetschef, the MAS …), as the person holding it for a
unit, on a date. Plain Python: the services validate with these rules and store `as_dict()`.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from platform_shared.roles import Role


class DecisionBody(StrEnum):
    NAMND = "namnd"
    ROLE = "role"


# Roles that decide in their own name (a nämnd member takes part in the nämnd's decisions only).
DECIDING_ROLES = frozenset(
    {
        Role.SOCIALCHEF,
        Role.FORVALTNINGSCHEF,
        Role.VERKSAMHETSCHEF,
        Role.AVDELNINGSCHEF,
        Role.ENHETSCHEF,
        Role.MAS,
    }
)

# Who records the nämnd's decision: the officials who serve the nämnd (socialchef or kvalitetsledare).
NAMND_RECORDERS = frozenset({Role.SOCIALCHEF, Role.FORVALTNINGSCHEF, Role.KVALITETSLEDARE})

ROLE_TITLES: dict[str, str] = {
    Role.SOCIALCHEF: "socialchef",
    Role.FORVALTNINGSCHEF: "förvaltningschef",
    Role.VERKSAMHETSCHEF: "verksamhetschef",
    Role.AVDELNINGSCHEF: "avdelningschef",
    Role.ENHETSCHEF: "enhetschef",
    Role.MAS: "medicinskt ansvarig sjuksköterska",
}

_MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


def _day(value: date) -> str:
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


_PARAGRAPH = re.compile(r"^\s*(?:§\s*)?(\d{1,5})\s*$")


class DecisionInvalid(ValueError):
    """A decision that cannot be recorded (422); `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_paragraph(text: str | int) -> int:
    """'§ 85', '§85' or '85' → 85 (a protocol's paragraphs are numbered from 1)."""
    match = _PARAGRAPH.match(str(text))
    if match is None or int(match.group(1)) < 1:
        raise DecisionInvalid("paragraph", "Paragrafen anges som ett nummer, till exempel § 85")
    return int(match.group(1))


@dataclass(frozen=True)
class Decision:
    body: DecisionBody
    unit_id: uuid.UUID  # the nämnd's unit, or the unit the deciding role is held for
    decided_on: date
    person_id: uuid.UUID  # the role holder who decided; for the nämnd, who recorded its decision
    role: Role  # the deciding role; for the nämnd, the recorder's role
    meeting_date: date | None = None
    paragraph: int | None = None
    reference: str | None = None  # diarienummer, e.g. SN/2024:478

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "role", Role(self.role))
        except ValueError:
            raise DecisionInvalid("role", "Okänd roll") from None
        if self.body is DecisionBody.NAMND:
            self._check_namnd()
        else:
            self._check_role()
        if self.reference is not None and not (0 < len(self.reference.strip()) <= 100):
            raise DecisionInvalid("reference", "Diarienumret får vara högst 100 tecken")

    def _check_namnd(self) -> None:
        if self.meeting_date is None:
            raise DecisionInvalid("meeting_date", "Ett nämndbeslut anges med sammanträdets datum")
        if self.paragraph is None or self.paragraph < 1:
            raise DecisionInvalid("paragraph", "Ett nämndbeslut anges med paragraf (§) i protokollet")
        if self.decided_on != self.meeting_date:
            raise DecisionInvalid(
                "decided_on", "Nämnden beslutar vid sitt sammanträde: beslutsdatum är mötesdatum"
            )
        if self.role not in NAMND_RECORDERS:
            raise DecisionInvalid(
                "role", "Nämndens beslut registreras av socialchef, förvaltningschef eller kvalitetsledare"
            )

    def _check_role(self) -> None:
        if self.role not in DECIDING_ROLES:
            raise DecisionInvalid(
                "role",
                "Rollen fattar inte beslut på egen hand; nämndens beslut registreras med sammanträde och §",
            )
        if self.meeting_date is not None or self.paragraph is not None:
            raise DecisionInvalid("paragraph", "Sammanträde och § anges bara för nämndens beslut")

    @classmethod
    def by_namnd(
        cls,
        *,
        unit_id: uuid.UUID,
        meeting_date: date,
        paragraph: int | str,
        recorded_by: uuid.UUID,
        recorder_role: Role,
        reference: str | None = None,
    ) -> Decision:
        return cls(
            DecisionBody.NAMND,
            unit_id,
            meeting_date,
            recorded_by,
            recorder_role,
            meeting_date,
            parse_paragraph(paragraph),
            reference,
        )

    @classmethod
    def by_role(
        cls,
        *,
        role: Role,
        person_id: uuid.UUID,
        unit_id: uuid.UUID,
        decided_on: date,
        reference: str | None = None,
    ) -> Decision:
        return cls(DecisionBody.ROLE, unit_id, decided_on, person_id, role, reference=reference)

    @property
    def decided_by(self) -> str:
        """'namnd' or the deciding role: what rules about who may decide compare with."""
        return DecisionBody.NAMND.value if self.body is DecisionBody.NAMND else self.role.value

    def check_not_after(self, today: date) -> None:
        """A decision is recorded once it has been made: never for a later day."""
        if self.decided_on > today:
            raise DecisionInvalid("decided_on", "Ett beslut kan inte registreras i förväg")

    def describe(self, role_phrase: str = "Beslut av") -> str:
        """How a person reads it: 'Nämndens beslut 12 mars 2026 § 85 (dnr SN 2026/12)' or
        'Beslut av enhetschef 4 maj 2026' (a report says 'Fastställd av')."""
        if self.body is DecisionBody.NAMND:
            text = f"Nämndens beslut {_day(self.decided_on)} § {self.paragraph}"
        else:
            text = f"{role_phrase} {ROLE_TITLES.get(self.role, self.role.value)} {_day(self.decided_on)}"
        return f"{text} (dnr {self.reference})" if self.reference else text

    def as_dict(self) -> dict[str, Any]:
        return {
            "body": self.body.value,
            "unit_id": str(self.unit_id),
            "decided_on": self.decided_on.isoformat(),
            "person_id": str(self.person_id),
            "role": self.role.value,
            "meeting_date": self.meeting_date.isoformat() if self.meeting_date else None,
            "paragraph": self.paragraph,
            "reference": self.reference,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Decision:
        meeting = data.get("meeting_date")
        try:
            body = DecisionBody(data["body"])
            unit_id, person_id = uuid.UUID(str(data["unit_id"])), uuid.UUID(str(data["person_id"]))
            decided_on = date.fromisoformat(str(data["decided_on"]))
            meeting_date = date.fromisoformat(str(meeting)) if meeting else None
        except (KeyError, ValueError):
            raise DecisionInvalid("decision", "Beslutet saknar uppgifter eller har ogiltiga värden") from None
        role: Any = data.get("role")  # checked in __post_init__
        return cls(
            body,
            unit_id,
            decided_on,
            person_id,
            role,
            meeting_date,
            data.get("paragraph"),
            data.get("reference"),
        )
