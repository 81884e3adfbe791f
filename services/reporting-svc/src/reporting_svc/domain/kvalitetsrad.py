"""Kvalitetsråd as a meeting with a protokoll (seed 004; seed 003 §5.1): held on unit and avdelning
level four times a year, before T1, T2, VB and VP; the agenda is seed 004's template, with the
period's figures filled in where the system has them. Per item the secretary records notes, decisions
and actions (owner, due date, followed up at the next meeting); the chef justerar, after which the
protokoll is locked. A justerat protokoll is then announced under "Anmälan av protokoll" at the next
meeting one level up (the avdelning's kvalitetsråd) and one level down (its enheter's), "och vice
versa". The report type `kvalitetsrad` stays the meeting's printed underlag, linked from the meeting.

Meetings and protokoll are data people write: `reporting-svc rebuild` never touches them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from reporting_svc.domain.indicators import IndicatorView
from reporting_svc.domain.model import RuleViolation
from reporting_svc.domain.periods import tertial_range, year_range

MAX_TEXT = 20_000
MAX_PARTICIPANTS = 100


class Occasion(StrEnum):
    """What the meeting prepares (seed 004: "Uppföljning inför T1, T2, VP och VB")."""

    T1 = "t1"
    T2 = "t2"
    VB = "vb"
    VP = "vp"
    EXTRA = "extra"  # an extra meeting (avdelning and förvaltning may meet more often)


OCCASION_TITLES: dict[Occasion, str] = {
    Occasion.T1: "inför tertialrapport 1",
    Occasion.T2: "inför tertialrapport 2",
    Occasion.VB: "inför verksamhetsberättelsen",
    Occasion.VP: "inför verksamhetsplanen",
    Occasion.EXTRA: "extra",
}


class MeetingStatus(StrEnum):
    PLANNED = "planned"  # the agenda exists; notes may be prepared
    HELD = "held"  # the meeting took place: who attended is recorded, the protokoll is written
    JUSTERAT = "justerat"  # the chef has checked and signed it: locked


@dataclass(frozen=True)
class AgendaItemSpec:
    key: str
    heading: str  # seed 004's wording
    guidance: str
    figures: tuple[str, ...] = ()  # report_templates.FIGURES filled in for the period
    filled_from: str | None = None  # other data the item is filled from
    indicators: IndicatorView | None = None  # the styrkort's indicators (domain/indicators.py)


def _i(
    key: str,
    heading: str,
    guidance: str,
    *figures: str,
    filled_from: str | None = None,
    indicators: IndicatorView | None = None,
) -> AgendaItemSpec:
    return AgendaItemSpec(key, heading, guidance, figures, filled_from, indicators)


# Seed 004's dagordning, in its order.
AGENDA: tuple[AgendaItemSpec, ...] = (
    _i("uppfoljning", "Uppföljning inför T1, T2, VP och VB", "Vad rapporten eller planen ska ta upp."),
    _i(
        "maluppfyllelse",
        "Måluppfyllelse av nämndmål, åtaganden, indikatorer och aktiviteter",
        "Styrkortets indikatorer mot mål- och gränsvärden, och aktiviteterna under gränsvärdet.",
        filled_from="styrkort (risk-svc: indikatorer och mätvärden)",
        indicators=IndicatorView.FULFILMENT,
    ),
    _i(
        "klagomal",
        "Klagomål, synpunkter och beröm",
        "Genomgång av inkomna klagomål, synpunkter och beröm.",
        "klagomal_slag",
        "klagomal_kategori",
    ),
    _i(
        "internkontroll",
        "Internkontroll (risk- och väsentlighetsanalys och genomförda kontroller)",
        "Riskanalysen och internkontrollplanens genomförda kontroller.",
        "internkontroll",
        "riskanalyser",
        "risker_niva",
    ),
    _i(
        "fel_och_brister",
        "Fel och brister enligt SoL/LSS",
        "Avvikelser och lex Sarah-rapporter inom SoL och LSS.",
        "sol_lss_kategori",
    ),
    _i("avvikelser_hsl", "Avvikelser enligt HSL", "Avvikelser inom hälso- och sjukvården.", "hsl_kategori"),
    _i("kvalitetsindikatorer_hsl", "Kvalitetsindikatorer för HSL", "Indikatorer för hälso- och sjukvården."),
    _i(
        "domar_lex_sarah_lex_maria",
        "Redovisning av domar, lex Sarah och lex Maria",
        "Rapporter, bedömningar och anmälningar till IVO; domar.",
        "lex_sarah_bedomning",
        "hsl_bedomning",
        "ivo_status",
    ),
    _i("budget", "Budget", "Ekonomiskt läge."),
    _i(
        "ej_verkstallda_beslut",
        "Ej verkställda beslut (gäller beställaren)",
        "Beslut som inte har verkställts.",
    ),
    _i(
        "jamforelsetal",
        "Jämförelsetal (brukarundersökningar, öppna jämförelser m.m.)",
        "Jämförelser över tid och med liknande kommuner.",
        "jamforelse_avvikelser",
        filled_from="importerade jämförelsetal (risk-svc: Kolada)",
        indicators=IndicatorView.COMPARISON,
    ),
    _i(
        "ledningssystemet",
        "Aktuellt till ledningssystemet för systematiskt kvalitetsarbete enligt SoL/LSS/HSL",
        "Nya och reviderade processer och rutiner, förbättringsförslag.",
    ),
    _i("utvecklingsfragor", "Aktuella utvecklingsfrågor", "Pågående och planerat utvecklingsarbete."),
    _i("inspektioner", "Aktuella inspektioner", "Tillsyn och inspektioner (IVO m.fl.)."),
    _i(
        "verksamhetsuppfoljningar",
        "Verksamhetsuppföljningar",
        "Uppföljningar av verksamheten, också hos privata utförare.",
        "tidsfrister",
    ),
    _i(
        "balanslistor",
        "Genomgång av balanslistor",
        "Åtgärder från tidigare kvalitetsråd som följs upp vid detta möte.",
        filled_from="öppna åtgärder från enhetens tidigare kvalitetsråd",
    ),
    _i(
        "anmalan_av_protokoll",
        "Anmälan av protokoll från enheternas/avdelningens kvalitetsråd",
        "Justerade protokoll från kvalitetsråden en nivå upp och en nivå ner.",
        filled_from="justerade protokoll en nivå upp och ner sedan förra mötet",
    ),
    _i("ovrigt", "Övrigt", "Övriga frågor."),
)

AGENDA_KEYS = tuple(item.key for item in AGENDA)


def meeting_period(occasion: Occasion, held_on: date) -> tuple[date, date]:
    """The period whose figures the meeting goes through: the tertial before T1 and T2, the year before
    the VB (held early in the following year when it comes after the new year), the year so far before
    the VP, the tertial so far for an extra meeting."""
    year = held_on.year
    if occasion is Occasion.T1:
        return tertial_range(year, 1)
    if occasion is Occasion.T2:
        return tertial_range(year, 2)
    if occasion is Occasion.VB:
        return year_range(year - 1 if held_on.month <= 2 else year)
    if occasion is Occasion.VP:
        return year_range(year)[0], min(held_on, year_range(year)[1])
    first, _ = tertial_range(year, (held_on.month - 1) // 4 + 1)
    return first, held_on


# --- the meeting and its protokoll ----------------------------------------------------------------


@dataclass(frozen=True)
class MeetingInput:
    held_on: date
    occasion: Occasion
    participant_ids: tuple[uuid.UUID, ...]
    secretary_id: uuid.UUID | None
    chef_id: uuid.UUID | None  # who justerar (the unit's chef)


def check_meeting(m: MeetingInput) -> None:
    if len(set(m.participant_ids)) != len(m.participant_ids):
        raise RuleViolation("En deltagare står två gånger", "participant_ids")
    if len(m.participant_ids) > MAX_PARTICIPANTS:
        raise RuleViolation(f"Högst {MAX_PARTICIPANTS} deltagare", "participant_ids")
    if m.secretary_id is not None and m.chef_id is not None and m.secretary_id == m.chef_id:
        raise RuleViolation(
            "Protokollet nedtecknas av en sekreterare och justeras av en annan person", "chef_id"
        )


def check_editable(status: MeetingStatus) -> None:
    """A justerat protokoll is final: nothing in it changes."""
    if status is MeetingStatus.JUSTERAT:
        raise RuleViolation("Protokollet är justerat och kan inte ändras", state=True)


def check_held(
    status: MeetingStatus, held_on: date, today: date, participant_ids: Sequence[uuid.UUID]
) -> MeetingStatus:
    """The secretary records that the meeting took place, on or after its date, with who attended."""
    if status is not MeetingStatus.PLANNED:
        raise RuleViolation("Mötet är redan registrerat som hållet", state=True)
    if held_on > today:
        raise RuleViolation("Mötet har inte hållits ännu", "meeting_on")
    if not participant_ids:
        raise RuleViolation("Ange vilka som var närvarande", "participant_ids")
    return MeetingStatus.HELD


@dataclass(frozen=True)
class ActionInput:
    description: str
    owner_id: uuid.UUID | None
    due_date: date | None


def check_action(action: ActionInput, held_on: date) -> None:
    """An action decided at the meeting has an owner and a due date after the meeting."""
    if not action.description.strip():
        raise RuleViolation("Beskriv åtgärden", "description")
    if len(action.description) > MAX_TEXT:
        raise RuleViolation(f"Högst {MAX_TEXT} tecken", "description")
    if action.owner_id is None:
        raise RuleViolation("En åtgärd har en ansvarig", "owner_id")
    if action.due_date is None:
        raise RuleViolation("En åtgärd har ett slutdatum", "due_date")
    if action.due_date < held_on:
        raise RuleViolation("Slutdatumet är före mötet", "due_date")


def check_item_text(key: str, notes: str | None, decisions: str | None) -> None:
    if key not in AGENDA_KEYS:
        raise RuleViolation(f"'{key}' är ingen punkt på dagordningen", "key")
    for field, text in (("notes", notes), ("decisions", decisions)):
        if text is not None and len(text) > MAX_TEXT:
            raise RuleViolation(f"Högst {MAX_TEXT} tecken", field)


class FollowUpOutcome(StrEnum):
    DONE = "done"  # carried out, closed
    CONTINUES = "continues"  # still open: followed up again at the next meeting
    DROPPED = "dropped"  # not carried out, with a motivation


@dataclass(frozen=True)
class CarriedAction:
    """An open action from an earlier justerat protokoll of the same unit."""

    action_id: uuid.UUID
    followed_up_here: FollowUpOutcome | None
    note: str | None = None


def check_follow_up(outcome: FollowUpOutcome, note: str | None) -> None:
    if outcome is FollowUpOutcome.DROPPED and not (note or "").strip():
        raise RuleViolation("Motivera varför åtgärden inte genomförs", "note")


def check_justera(
    status: MeetingStatus,
    by: uuid.UUID,
    secretary_id: uuid.UUID | None,
    actions: Iterable[ActionInput],
    carried: Iterable[CarriedAction],
    held_on: date,
) -> MeetingStatus:
    """The chef justerar a held meeting's protokoll, written down by someone else, whose actions all
    have owner and due date and where every open action from the earlier meetings has been followed
    up. After this the protokoll is locked."""
    check_editable(status)
    if status is not MeetingStatus.HELD:
        raise RuleViolation("Registrera först att mötet har hållits och vilka som var närvarande", state=True)
    if secretary_id is None:
        raise RuleViolation("Ange vem som har nedtecknat protokollet", "secretary_id")
    if by == secretary_id:
        raise RuleViolation("Protokollet justeras av någon annan än den som nedtecknat det", state=True)
    for action in actions:
        check_action(action, held_on)
    pending = [c.action_id for c in carried if c.followed_up_here is None]
    if pending:
        raise RuleViolation(
            f"{len(pending)} åtgärder från tidigare kvalitetsråd är inte uppföljda (se balanslistan)",
            state=True,
        )
    return MeetingStatus.JUSTERAT


# --- sharing protokoll one level up and down ------------------------------------------------------


class Direction(StrEnum):
    FROM_BELOW = "from_below"  # an enhet's protokoll at its avdelning's kvalitetsråd
    FROM_ABOVE = "from_above"  # the avdelning's protokoll at its enheters' kvalitetsråd


@dataclass(frozen=True)
class Protokoll:
    meeting_id: uuid.UUID
    unit_id: uuid.UUID
    justerat_on: date


def relation(
    meeting_unit: uuid.UUID,
    meeting_parent: uuid.UUID | None,
    other_unit: uuid.UUID,
    other_parent: uuid.UUID | None,
) -> Direction | None:
    """Whether another unit's protokoll is announced at this unit's kvalitetsråd: one level down (a
    child unit) or one level up (the parent unit)."""
    if other_parent == meeting_unit:
        return Direction.FROM_BELOW
    if meeting_parent is not None and other_unit == meeting_parent:
        return Direction.FROM_ABOVE
    return None


def protocols_to_announce(
    candidates: Iterable[Protokoll], already_announced: Iterable[uuid.UUID], meeting_on: date
) -> list[Protokoll]:
    """The justerade protokoll of the units one level up and down that this meeting announces: those
    justerade by the meeting's day and not announced at an earlier meeting of this unit (each is
    announced once, at the next meeting), oldest first."""
    done = set(already_announced)
    found = [p for p in candidates if p.meeting_id not in done and p.justerat_on <= meeting_on]
    return sorted(found, key=lambda p: (p.justerat_on, str(p.meeting_id)))
