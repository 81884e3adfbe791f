"""The staff's information duty: what every person who works in a unit must be told, when it falls
due, how it is recorded and when it is overdue.

Sources: seed 002 "Medarbetares delaktighet" (information about the Lex Sarah anmälningsskyldighet at
employment, and the chef takes it up with the staff at least once a year; new and revised rutiner are
published and taken up at arbetsplatsträffar); seed 001 §2.5 and seed 003 §4.5 (chefs make sure staff
work by the processes and rutiner); seed 000 §3.5.5 (staff know and apply the rutiner).

Items are tenant data with three defaults. An item falls due for a person when she gets a role at a
unit (within the item's number of days, then again every `repeat_months` if it repeats) or, for
rutiner, when a version that applies to her unit is published. The chef records that it was given,
individually or for a group at an arbetsplatsträff; a medarbetare may acknowledge a rutin herself.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from org_svc.domain.documents.kinds import DocumentKind
from org_svc.domain.documents.review import add_months
from org_svc.domain.model import OrgRuleViolation
from platform_shared.orgreplica.regimes import Regime, lex_regimes
from platform_shared.roles import Role

DEFAULT_DUE_DAYS = 30
DEFAULT_SOON_DAYS = 7
DEFAULT_ESCALATION_DAYS = 14
MAX_DUE_DAYS = 365
MAX_PARTICIPANTS = 500


class InformationTrigger(StrEnum):
    ROLE_START = "role_start"  # a person gets a role at a unit
    PUBLICATION = "publication"  # a version that applies to the unit is published


Trigger = InformationTrigger


class RecordMethod(StrEnum):
    INDIVIDUAL = "individual"  # the chef told one person
    GROUP = "group"  # at an arbetsplatsträff (APT) or another meeting, with who took part
    SELF_ACKNOWLEDGED = "self_acknowledged"  # the person confirms she has read it herself


METHOD_TITLES: dict[RecordMethod, str] = {
    RecordMethod.INDIVIDUAL: "Enskilt",
    RecordMethod.GROUP: "På arbetsplatsträff",
    RecordMethod.SELF_ACKNOWLEDGED: "Läst och bekräftad av medarbetaren",
}

# Everyone who does the work (SoL 27 kap. 1 §: "den som fullgör uppgifter inom socialtjänsten");
# politicians and the system administrator's access role are not.
STAFF_ROLES = frozenset(Role) - {Role.NAMND_LEDAMOT, Role.SYSTEMADMINISTRATOR}


@dataclass(frozen=True)
class InformationItem:
    key: str
    title: str
    trigger: Trigger
    due_days: int = DEFAULT_DUE_DAYS  # within this many days of the start or the publication
    repeat_months: int | None = None  # then again this long after it was last given
    regimes: frozenset[Regime] | None = None  # only at units under these (None: every unit)
    roles: frozenset[Role] = STAFF_ROLES
    document_kinds: frozenset[DocumentKind] = frozenset()  # PUBLICATION: which kinds of document
    self_acknowledge: bool = False  # a person may record it herself (reading a rutin)
    source: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.due_days <= MAX_DUE_DAYS:
            raise OrgRuleViolation("due_days", f"Antalet dagar är 0–{MAX_DUE_DAYS}")
        if self.repeat_months is not None and not 1 <= self.repeat_months <= 36:
            raise OrgRuleViolation("repeat_months", "Upprepning anges i 1–36 månader")
        if (self.trigger is Trigger.PUBLICATION) != bool(self.document_kinds):
            raise OrgRuleViolation(
                "document_kinds", "Dokumenttyper anges för information om publicerade dokument"
            )
        if not self.roles:
            raise OrgRuleViolation("roles", "Ange minst en roll som informationen gäller")


LEX_SARAH = "lex_sarah_rapporteringsskyldighet"
LEX_MARIA = "lex_maria_hsl"
NEW_RUTIN = "ny_eller_reviderad_rutin"

DEFAULT_ITEMS: tuple[InformationItem, ...] = (
    InformationItem(
        LEX_SARAH,
        "Rapporteringsskyldighet enligt lex Sarah",
        Trigger.ROLE_START,
        repeat_months=12,
        regimes=frozenset({Regime.LEX_SARAH}),
        source="SoL 27 kap. 1–2 §§, LSS 24 a–b §§; seed 002 Medarbetares delaktighet",
    ),
    InformationItem(
        LEX_MARIA,
        "Lex Maria och avvikelser i hälso- och sjukvård",
        Trigger.ROLE_START,
        regimes=frozenset({Regime.LEX_MARIA}),
        source="PSL 6 kap. 4 §, HSLF-FS 2017:40",
    ),
    InformationItem(
        NEW_RUTIN,
        "Ny eller reviderad rutin i din enhet",
        Trigger.PUBLICATION,
        document_kinds=frozenset({DocumentKind.RUTIN}),
        self_acknowledge=True,
        source="SOSFS 2011:9 4 kap. 7 §; seed 002 Medarbetares delaktighet",
    ),
)


@dataclass(frozen=True)
class RoleStart:
    """A person got a role at a unit (RoleAssigned), with the laws the unit works under."""

    person_id: uuid.UUID
    role: Role
    unit_id: uuid.UUID
    starts_on: date
    unit_laws: Collection[str]
    assignment_id: uuid.UUID | None = None


@dataclass(frozen=True)
class NewDue:
    item_key: str
    person_id: uuid.UUID
    unit_id: uuid.UUID
    opened_on: date
    due_on: date
    role: Role | None = None
    assignment_id: uuid.UUID | None = None
    document_version_id: uuid.UUID | None = None


def applies_to(item: InformationItem, role: Role, unit_laws: Collection[str]) -> bool:
    if role not in item.roles:
        return False
    return item.regimes is None or bool(item.regimes & lex_regimes(unit_laws))


def dues_for_role_start(items: Iterable[InformationItem], start: RoleStart) -> list[NewDue]:
    """A new role makes the unit's start items due: within the item's days of the role's first day."""
    return [
        NewDue(
            item.key,
            start.person_id,
            start.unit_id,
            start.starts_on,
            start.starts_on + timedelta(days=item.due_days),
            start.role,
            start.assignment_id,
        )
        for item in items
        if item.trigger is Trigger.ROLE_START and applies_to(item, start.role, start.unit_laws)
    ]


@dataclass(frozen=True)
class Holder:
    """A person holding a role at a unit the published document applies to (a unit in its subtree)."""

    person_id: uuid.UUID
    role: Role
    unit_id: uuid.UUID
    unit_laws: Collection[str] = ()


def dues_for_publication(
    items: Iterable[InformationItem],
    kind: DocumentKind,
    version_id: uuid.UUID,
    published_on: date,
    holders: Iterable[Holder],
) -> list[NewDue]:
    """Each published version of a rutin that applies to a unit is due for everyone working there;
    a person with roles at several such units is told once (at the first of them)."""
    dues: list[NewDue] = []
    for item in items:
        if item.trigger is not Trigger.PUBLICATION or kind not in item.document_kinds:
            continue
        seen: set[uuid.UUID] = set()
        for h in holders:
            if h.person_id in seen or not applies_to(item, h.role, h.unit_laws):
                continue
            seen.add(h.person_id)
            due_on = published_on + timedelta(days=item.due_days)
            dues.append(
                NewDue(item.key, h.person_id, h.unit_id, published_on, due_on, h.role, None, version_id)
            )
    return dues


def repeat_due(item: InformationItem, met: NewDue, given_on: date) -> NewDue | None:
    """A repeating item (lex Sarah: at least once a year) falls due again one period after it was
    given; it opens the item's number of days before that, so the chef can plan the APT."""
    if not item.repeat_months:
        return None
    due_on = add_months(given_on, item.repeat_months)
    opened_on = max(given_on, due_on - timedelta(days=item.due_days))
    return NewDue(item.key, met.person_id, met.unit_id, opened_on, due_on, met.role, met.assignment_id)


@dataclass(frozen=True)
class Record:
    item_key: str
    method: RecordMethod
    given_on: date
    given_by: uuid.UUID
    participants: frozenset[uuid.UUID]
    document_version_id: uuid.UUID | None = None
    occasion: str | None = None  # e.g. "Arbetsplatsträff 12 mars"


def check_record(item: InformationItem, record: Record, today: date) -> None:
    """A record says who was told what and when: a group at a meeting names who took part; an
    individual record names one person; only items that allow it are acknowledged by the person
    herself, and only for herself; it is recorded once it has happened."""
    if record.given_on > today:
        raise OrgRuleViolation("given_on", "Informationen registreras när den har lämnats")
    if not record.participants:
        raise OrgRuleViolation("participant_ids", "Ange vem som fick informationen")
    if len(record.participants) > MAX_PARTICIPANTS:
        raise OrgRuleViolation("participant_ids", f"Högst {MAX_PARTICIPANTS} deltagare per tillfälle")
    if record.method is RecordMethod.GROUP and not (record.occasion and record.occasion.strip()):
        raise OrgRuleViolation(
            "occasion", "Ange vid vilket tillfälle gruppen informerades, till exempel en APT"
        )
    if record.method is RecordMethod.INDIVIDUAL and len(record.participants) != 1:
        raise OrgRuleViolation("participant_ids", "En enskild information gäller en person")
    if record.method is RecordMethod.SELF_ACKNOWLEDGED:
        if not item.self_acknowledge:
            raise OrgRuleViolation("method", "Den här informationen lämnas av chefen")
        if record.participants != {record.given_by}:
            raise OrgRuleViolation("participant_ids", "Man bekräftar bara för sig själv")
    if (item.trigger is Trigger.PUBLICATION) != (record.document_version_id is not None):
        raise OrgRuleViolation(
            "document_version_id", "Ange dokumentversionen för information om ett dokument"
        )


@dataclass(frozen=True)
class Due:
    item_key: str
    person_id: uuid.UUID
    opened_on: date
    due_on: date
    document_version_id: uuid.UUID | None = None
    met_on: date | None = None


def meets(item: InformationItem, due: Due, record: Record) -> bool:
    """A record meets a person's due item when she took part and it is the same item (and version).
    Information given before the due opened counts if it is still fresh: for a repeating item within
    one period before the due date (told at the APT in March, she starts in a new unit in May: met);
    an item that does not repeat only needs to have been given once."""
    if due.met_on is not None or record.item_key != due.item_key or due.person_id not in record.participants:
        return False
    if item.trigger is Trigger.PUBLICATION:
        return record.document_version_id == due.document_version_id
    if item.repeat_months and record.given_on < due.opened_on:
        return record.given_on > add_months(due.due_on, -item.repeat_months)
    return True


def dues_met_by(item: InformationItem, dues: Iterable[Due], record: Record) -> list[Due]:
    """A group information at an APT meets the item for every participant who had it due."""
    return [due for due in dues if meets(item, due, record)]


class DueStatus(StrEnum):
    PENDING = "pending"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met_late"


def due_status(
    due_on: date, met_on: date | None, today: date, soon_days: int = DEFAULT_SOON_DAYS
) -> DueStatus:
    if met_on is not None:
        return DueStatus.MET if met_on <= due_on else DueStatus.MET_LATE
    if today > due_on:
        return DueStatus.OVERDUE
    return DueStatus.DUE_SOON if today >= due_on - timedelta(days=soon_days) else DueStatus.PENDING


def escalation_level(due_on: date, today: date, step_days: int = DEFAULT_ESCALATION_DAYS) -> int | None:
    """Who hears of an overdue item: the unit's chef when it is missed (0), the chef one level up
    after `step_days` more (1), and so on up the tree. None while it is not overdue."""
    if today <= due_on:
        return None
    return (today - due_on).days // step_days if step_days > 0 else 0


@dataclass(frozen=True)
class UnitCoverage:
    """Per unit: who has been informed of an item and who has not (the chef's view; the
    kvalitetsberättelse's figures)."""

    informed: frozenset[uuid.UUID] = field(default_factory=frozenset)
    not_informed: frozenset[uuid.UUID] = field(default_factory=frozenset)
    overdue: frozenset[uuid.UUID] = field(default_factory=frozenset)

    @property
    def share_informed(self) -> float | None:
        total = len(self.informed) + len(self.not_informed)
        return len(self.informed) / total if total else None


def coverage(dues: Iterable[Due], today: date) -> UnitCoverage:
    """A person counts as informed when all her dues of the item at the unit are met."""
    informed: set[uuid.UUID] = set()
    missing: set[uuid.UUID] = set()
    overdue: set[uuid.UUID] = set()
    for due in dues:
        if due.met_on is None:
            missing.add(due.person_id)
            if today > due.due_on:
                overdue.add(due.person_id)
        else:
            informed.add(due.person_id)
    return UnitCoverage(frozenset(informed - missing), frozenset(missing), frozenset(overdue))
