"""Who is told what, in Swedish (docs/domain.md 2.3, 5 #6/#8/#9, 8.1). Plain Python: the people are looked
up by the service layer and handed in; these functions decide recipients and texts.

Texts carry the case reference and the unit, never anything about the brukare or patient.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from reporting_svc.domain import formats


class EscalationLaw(StrEnum):
    LEX_SARAH = "lex_sarah"
    LEX_MARIA = "lex_maria"


class NotificationKind(StrEnum):
    LEX_SARAH_FILE_ANMALAN = "lex_sarah_file_anmalan"  # to the decision-maker: file with IVO, inform nämnd
    LEX_SARAH_ANMALAN_DECIDED = "lex_sarah_anmalan_decided"  # to kvalitetsledare: for their overview
    LEX_SARAH_NAMND_INFORMATION = "lex_sarah_namnd_information"  # to the nämnd's members
    LEX_SARAH_REMINDER = "lex_sarah_reminder"  # to the decision-maker until the anmälan is sent
    LEX_MARIA_FILE_ANMALAN = "lex_maria_file_anmalan"
    LEX_MARIA_ANMALAN_DECIDED = "lex_maria_anmalan_decided"
    LEX_MARIA_NAMND_INFORMATION = "lex_maria_namnd_information"
    LEX_MARIA_REMINDER = "lex_maria_reminder"
    DEVIATION_REPORTED = "deviation_reported"  # to the unit's enhetschef
    DEADLINE_APPROACHING = "deadline_approaching"
    DEADLINE_MISSED = "deadline_missed"  # to the responsible person
    DEADLINE_MISSED_MANAGER = "deadline_missed_manager"  # to the manager above
    DEVIATION_CLOSED = "deviation_closed"  # to the reporter
    # to the socialchef, who informs the nämnd of every anmälan (seed 001 §2.2) and records that she did
    LEX_SARAH_INFORM_NAMND = "lex_sarah_inform_namnd"
    LEX_MARIA_INFORM_NAMND = "lex_maria_inform_namnd"
    LEX_SARAH_HANDED_BACK = "lex_sarah_handed_back"  # to the reporter and the socialchef


MANAGER_ROLES = (
    "enhetschef",
    "avdelningschef",
    "verksamhetschef",
    "myndighetschef",
    "socialchef",
    "forvaltningschef",
)

_DEGREE_TEXT = {
    "allvarligt_missforhallande": "ett allvarligt missförhållande",
    "pataglig_risk_allvarligt": "en påtaglig risk för ett allvarligt missförhållande",
    "allvarlig_vardskada": "en allvarlig vårdskada",
    "risk_allvarlig_vardskada": "risk för en allvarlig vårdskada",
}

_LAW_TEXT = {EscalationLaw.LEX_SARAH: "lex Sarah", EscalationLaw.LEX_MARIA: "lex Maria"}

# Who informs the nämnd (seed 001 §2.2): the socialchef, for both laws. The MAS who decides a Lex Maria
# anmälan files it; the socialchef is told and informs the nämnd.
_NAMND_TASK = {
    EscalationLaw.LEX_SARAH: "informera nämnden om anmälan",
    EscalationLaw.LEX_MARIA: "socialchefen informerar nämnden om anmälan",
}
_INFORM_KIND = {
    EscalationLaw.LEX_SARAH: NotificationKind.LEX_SARAH_INFORM_NAMND,
    EscalationLaw.LEX_MARIA: NotificationKind.LEX_MARIA_INFORM_NAMND,
}

_INVESTIGATION_TEXT = {
    EscalationLaw.LEX_SARAH: "Utredningen fortsätter och skickas till IVO när den är klar.",
    EscalationLaw.LEX_MARIA: "Bifoga utredningen eller skicka den till IVO snarast därefter.",
}

_KINDS = {
    EscalationLaw.LEX_SARAH: (
        NotificationKind.LEX_SARAH_FILE_ANMALAN,
        NotificationKind.LEX_SARAH_ANMALAN_DECIDED,
        NotificationKind.LEX_SARAH_NAMND_INFORMATION,
        NotificationKind.LEX_SARAH_REMINDER,
    ),
    EscalationLaw.LEX_MARIA: (
        NotificationKind.LEX_MARIA_FILE_ANMALAN,
        NotificationKind.LEX_MARIA_ANMALAN_DECIDED,
        NotificationKind.LEX_MARIA_NAMND_INFORMATION,
        NotificationKind.LEX_MARIA_REMINDER,
    ),
}


@dataclass(frozen=True)
class Notice:
    recipient_id: uuid.UUID
    kind: NotificationKind
    title: str
    body: str


def _unique(people: Iterable[uuid.UUID], seen: set[uuid.UUID]) -> list[uuid.UUID]:
    found: list[uuid.UUID] = []
    for person_id in people:
        if person_id not in seen:
            seen.add(person_id)
            found.append(person_id)
    return found


def escalation_notices(
    law: EscalationLaw,
    reference: str,
    degree: str,
    decided_by: uuid.UUID,
    kvalitetsledare: Iterable[uuid.UUID],
    namnd: Iterable[uuid.UUID] = (),
    socialchefs: Iterable[uuid.UUID] = (),
) -> list[Notice]:
    """Who is told that an IVO anmälan was decided, and what.

    The decision-maker gets the task: file the anmälan through IVO:s e-tjänst (and, under Lex Sarah,
    where she is the socialchef or her delegate, inform the nämnd). The socialchef over the unit is
    told of every anmälan under either law and informs the nämnd (seed 001 §2.2), recording that she
    did. Every kvalitetsledare whose scope covers the unit is told of the decision, and so is every
    member of the nämnd over the unit. One notice per person: someone in two of these roles gets the
    first that applies.
    """
    law_text = _LAW_TEXT[law]
    degree_text = _DEGREE_TEXT.get(degree, degree)
    file_kind, decided_kind, namnd_kind, _ = _KINDS[law]
    seen = {decided_by}
    notices = [
        Notice(
            recipient_id=decided_by,
            kind=file_kind,
            title=f"Gör anmälan till IVO enligt {law_text}: {reference}",
            body=(
                f"Du har beslutat att avvikelse {reference} ska anmälas till IVO enligt {law_text} "
                f"({degree_text}). Gör anmälan snarast via IVO:s e-tjänst; {_NAMND_TASK[law]}. "
                f"{_INVESTIGATION_TEXT[law]}"
            ),
        )
    ]
    for person_id in _unique(socialchefs, seen):
        notices.append(
            Notice(
                recipient_id=person_id,
                kind=_INFORM_KIND[law],
                title=f"Informera nämnden: anmälan till IVO enligt {law_text} ({reference})",
                body=(
                    f"Beslut har fattats att avvikelse {reference} ska anmälas till IVO enligt {law_text} "
                    f"({degree_text}). Informera nämnden om anmälan och registrera i ärendet när "
                    "nämnden är informerad."
                ),
            )
        )
    for person_id in _unique(kvalitetsledare, seen):
        notices.append(
            Notice(
                recipient_id=person_id,
                kind=decided_kind,
                title=f"Anmälan till IVO enligt {law_text} beslutad: {reference}",
                body=(
                    f"Beslut har fattats att avvikelse {reference} ska anmälas till IVO enligt {law_text} "
                    f"({degree_text}). Beslutsfattaren gör anmälan via IVO:s e-tjänst och informerar "
                    "nämnden. Följ upp ärendet i kvalitetsarbetet."
                ),
            )
        )
    for person_id in _unique(namnd, seen):
        notices.append(
            Notice(
                recipient_id=person_id,
                kind=namnd_kind,
                title=f"Information till nämnden: anmälan till IVO enligt {law_text} ({reference})",
                body=(
                    f"Förvaltningen har beslutat att anmäla avvikelse {reference} till IVO enligt "
                    f"{law_text} ({degree_text}). Nämnden informeras om anmälan; utredningen och "
                    "vidtagna åtgärder redovisas i tertialrapporten och kvalitetsberättelsen."
                ),
            )
        )
    return notices


def handed_back_notices(
    reference: str, reporter_id: uuid.UUID | None, socialchefs: Iterable[uuid.UUID], by: uuid.UUID
) -> list[Notice]:
    """A Lex Sarah report handed back as an ordinary avvikelse (docs/domain.md 2.5): the reporter and
    the socialchef are told, so a hand-back is never silent. The one who handed it back is not told of
    her own decision. The motivation is in the case, never in the message."""
    seen = {by}
    notices: list[Notice] = []
    for person_id in _unique([reporter_id] if reporter_id else [], seen):
        notices.append(
            Notice(
                recipient_id=person_id,
                kind=NotificationKind.LEX_SARAH_HANDED_BACK,
                title=f"Din lex Sarah-rapport {reference} hanteras som avvikelse",
                body=(
                    f"Rapporten {reference} som du lämnade enligt lex Sarah har efter bedömning klassats "
                    "om till en avvikelse, med en skriftlig motivering. Rapporten hanteras vidare som "
                    "avvikelse. Kontakta din chef eller den som utreder lex Sarah om du har frågor."
                ),
            )
        )
    for person_id in _unique(socialchefs, seen):
        notices.append(
            Notice(
                recipient_id=person_id,
                kind=NotificationKind.LEX_SARAH_HANDED_BACK,
                title=f"Lex Sarah-rapport klassad om till avvikelse: {reference}",
                body=(
                    f"Lex Sarah-rapporten {reference} har klassats om till en avvikelse av den som utreder "
                    "lex Sarah. Motiveringen finns i ärendet."
                ),
            )
        )
    return notices


def ivo_reminder_notice(
    law: EscalationLaw, reference: str, decided_by: uuid.UUID, decided_at: datetime, number: int
) -> Notice:
    """The decision-maker is reminded until the anmälan is recorded as sent."""
    law_text = _LAW_TEXT[law]
    return Notice(
        recipient_id=decided_by,
        kind=_KINDS[law][3],
        title=f"Påminnelse {number}: anmälan till IVO ({law_text}) ej registrerad som skickad: {reference}",
        body=(
            f"Beslutet att anmäla avvikelse {reference} till IVO enligt {law_text} fattades "
            f"{formats.moment(decided_at)}, men anmälan är ännu inte registrerad som skickad. "
            "Anmälan ska göras snarast via IVO:s e-tjänst. Registrera när den är skickad, så upphör "
            "påminnelserna."
        ),
    )


_TYPE_TEXT = {"avvikelse": "En avvikelse", "lex_sarah": "En lex Sarah-rapport", "hsl": "En avvikelse (HSL)"}


def new_report_notices(
    reference: str,
    deviation_type: str | None,
    unit_name: str,
    enhetschefer: Iterable[uuid.UUID],
    reporter_id: uuid.UUID | None,
) -> list[Notice]:
    """A new report in a unit goes to its enhetschef (the nearest one up the tree), who receives it
    and decides on immediate measures (docs/domain.md 4.1). Someone who reported it themselves is not
    told of their own report."""
    what = _TYPE_TEXT.get(deviation_type or "", "En rapport")
    seen = {reporter_id} if reporter_id else set()
    return [
        Notice(
            recipient_id=person_id,
            kind=NotificationKind.DEVIATION_REPORTED,
            title=f"Ny rapport i {unit_name}: {reference}",
            body=(
                f"{what} ({reference}) har rapporterats för {unit_name}. Ta emot rapporten och vidta "
                "omedelbara åtgärder om det behövs."
                + (" Lex Sarah-rapporter ska utredas." if deviation_type == "lex_sarah" else "")
            ),
        )
        for person_id in _unique(enhetschefer, seen)
    ]


Wording = tuple[str, str]  # a notice's title and body


def escalating_notices(
    *,
    missed: bool,
    responsible: Sequence[uuid.UUID],
    managers: Sequence[uuid.UUID],
    approaching: Wording,
    late: Wording,
    to_manager: Wording,
) -> list[Notice]:
    """Something due soon tells the responsible; once late, the responsible and the manager above
    (each person once, the responsible first)."""
    seen: set[uuid.UUID] = set()
    if not missed:
        return [
            _notice(p, NotificationKind.DEADLINE_APPROACHING, approaching) for p in _unique(responsible, seen)
        ]
    return [_notice(p, NotificationKind.DEADLINE_MISSED, late) for p in _unique(responsible, seen)] + [
        _notice(p, NotificationKind.DEADLINE_MISSED_MANAGER, to_manager) for p in _unique(managers, seen)
    ]


def _notice(recipient_id: uuid.UUID, kind: NotificationKind, wording: Wording) -> Notice:
    title, body = wording
    return Notice(recipient_id=recipient_id, kind=kind, title=title, body=body)


def deadline_notices(
    *,
    missed: bool,
    rule_title: str,
    reference: str | None,
    due_at: datetime,
    responsible: Sequence[uuid.UUID],
    managers: Sequence[uuid.UUID] = (),
    object_type: str | None = None,
) -> list[Notice]:
    """Approaching: the responsible person. Missed: that person and the manager above. The deadline
    is told as people say it: a deadline at midnight is "senast" the day before (formats.deadline).
    A document's review names the document (its title is the reference); the information duty names
    the person to be told (her name is the reference)."""
    what = f" för ärende {reference}" if reference else ""
    if object_type == "document" and reference:
        what = f' gällande "{reference}"'
    if object_type == "information_due" and reference:
        what = f" till {reference}"
    about = f" ({reference})" if reference else ""
    due = formats.deadline(due_at)
    passed = f'Tidsfristen för "{rule_title}"{what} var {due} och har passerat.'
    return escalating_notices(
        missed=missed,
        responsible=responsible,
        managers=managers,
        approaching=(
            f"Tidsfrist närmar sig: {rule_title}{about}",
            f'Tidsfristen för "{rule_title}"{what} är {due}.',
        ),
        late=(f"Tidsfrist passerad: {rule_title}{about}", f"{passed} Åtgärda det snarast."),
        to_manager=(
            f"Tidsfrist passerad hos din medarbetare eller enhet: {rule_title}{about}",
            f"{passed} Du informeras som närmaste chef ovanför den ansvarige.",
        ),
    )


def arshjul_notices(
    *,
    missed: bool,
    title: str,
    due_on: date,
    responsible: Sequence[uuid.UUID],
    managers: Sequence[uuid.UUID] = (),
) -> list[Notice]:
    """An årshjul activity due soon (the responsible) or late (the responsible and the manager above),
    named by its title and day."""
    day = formats.day(due_on)
    late = f'Aktiviteten "{title}" i årshjulet skulle vara klar senast {day} och är försenad.'
    return escalating_notices(
        missed=missed,
        responsible=responsible,
        managers=managers,
        approaching=(
            f"Årshjulet: {title} ska vara klar senast {day}",
            f'Aktiviteten "{title}" i årshjulet ska vara klar senast {day}.',
        ),
        late=(f"Försenad i årshjulet: {title}", f"{late} Genomför den snarast eller flytta den i årshjulet."),
        to_manager=(
            f"Försenad i årshjulet hos din enhet: {title}",
            f"{late} Du informeras som närmaste chef ovanför den ansvarige.",
        ),
    )


def closed_notice(reference: str, reporter_id: uuid.UUID | None) -> list[Notice]:
    """The reporter sees that their report was handled (not the investigation: docs/domain.md 8.3)."""
    if reporter_id is None:
        return []
    return [
        Notice(
            recipient_id=reporter_id,
            kind=NotificationKind.DEVIATION_CLOSED,
            title=f"Din rapport {reference} är avslutad",
            body=(
                f"Rapporten {reference} som du lämnade har hanterats och är nu avslutad. Tack för att "
                "du rapporterade: det hjälper oss att förbättra verksamheten."
            ),
        )
    ]


def manager_above(
    chain: Sequence[Sequence[tuple[uuid.UUID, str]]], responsible: Iterable[uuid.UUID]
) -> list[uuid.UUID]:
    """The manager above the responsible person(s).

    `chain[i]` lists the (person, role) holders on the unit's i-th ancestor (0 = the unit itself).
    Start at the lowest unit where a responsible person holds a role (the unit itself when none
    does); a responsible manager there looks one level up, anyone else to the managers of that
    unit. The first level with a manager who is not responsible answers.
    """
    responsible_ids = set(responsible)
    start = 0
    for index, holders in enumerate(chain):
        roles_here = {role for person, role in holders if person in responsible_ids}
        if roles_here:
            start = index + 1 if roles_here & set(MANAGER_ROLES) else index
            break
    for holders in chain[start:]:
        found = sorted(
            {person for person, role in holders if role in MANAGER_ROLES and person not in responsible_ids}
        )
        if found:
            return found
    return []
