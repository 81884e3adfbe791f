"""The deviation state machine of docs/domain.md 4.1: which step is allowed from which state, who may take
it (an Action of the permission matrix), and the guards of each step.

    reported → received → investigating → decided → actions → follow_up → closed
    reported | received → voided;  closed → (reopen) → investigating

`actions` and `follow_up` follow from the actions once the case is decided (see `phase_after_decision`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from deviation_svc.domain.actions import OPEN_ACTION_STATES, SETTLED_ACTION_STATES, ActionStatus
from deviation_svc.domain.model import (
    STATUS_LABELS,
    TERMINAL,
    TYPE_LABELS,
    DeviationType,
    IvoKind,
    RuleViolation,
    Status,
    ivo_kind,
    ivo_required,
)
from platform_shared.permissions import Action


class Step(StrEnum):
    RECEIVE = "receive"
    START_INVESTIGATION = "start_investigation"
    ADD_INVESTIGATION_ENTRY = "add_investigation_entry"
    COMPLETE_INVESTIGATION = "complete_investigation"
    DECIDE = "decide"
    IVO_DECISION = "ivo_decision"
    IVO_RECORD = "ivo_record"  # anmälan sent, investigation sent
    NAMND_INFORMED = "namnd_informed"  # the nämnd was informed of the anmälan
    ACTIONS = "actions"  # create, plan, complete, follow up, reject, edit an action
    CLOSE = "close"
    VOID = "void"
    REOPEN = "reopen"
    RECLASSIFY = "reclassify"
    EDIT = "edit"  # PATCH of the case's fields, subject refs
    ATTACH = "attach"


S = Status
_AFTER_RECEIPT = frozenset({S.RECEIVED, S.INVESTIGATING, S.DECIDED, S.ACTIONS, S.FOLLOW_UP})
_OPEN = frozenset(Status) - TERMINAL

ALLOWED_FROM: dict[Step, frozenset[Status]] = {
    Step.RECEIVE: frozenset({S.REPORTED}),
    Step.START_INVESTIGATION: frozenset({S.RECEIVED}),
    Step.ADD_INVESTIGATION_ENTRY: frozenset({S.INVESTIGATING}),
    Step.COMPLETE_INVESTIGATION: frozenset({S.INVESTIGATING}),
    Step.DECIDE: frozenset({S.INVESTIGATING}),
    Step.IVO_DECISION: _AFTER_RECEIPT,
    Step.IVO_RECORD: _AFTER_RECEIPT,
    Step.NAMND_INFORMED: _AFTER_RECEIPT,
    Step.ACTIONS: _AFTER_RECEIPT,
    # Closing from before follow_up is a phase skip, decided by `check_close`.
    Step.CLOSE: frozenset({S.RECEIVED, S.INVESTIGATING, S.DECIDED, S.ACTIONS, S.FOLLOW_UP}),
    Step.VOID: frozenset({S.REPORTED, S.RECEIVED}),
    Step.REOPEN: frozenset({S.CLOSED}),
    Step.RECLASSIFY: frozenset({S.REPORTED, S.RECEIVED, S.INVESTIGATING}),
    Step.EDIT: _OPEN,
    Step.ATTACH: _OPEN,
}

# What each step is called, and why it is refused outside its states (Swedish: a person reads it).
STEP_LABELS: dict[Step, str] = {
    Step.RECEIVE: "ta emot",
    Step.START_INVESTIGATION: "starta utredningen av",
    Step.ADD_INVESTIGATION_ENTRY: "skriva i utredningen av",
    Step.COMPLETE_INVESTIGATION: "avsluta utredningen av",
    Step.DECIDE: "besluta om",
    Step.IVO_DECISION: "besluta om anmälan till IVO för",
    Step.IVO_RECORD: "registrera IVO-steg för",
    Step.NAMND_INFORMED: "registrera att nämnden informerats om",
    Step.ACTIONS: "hantera åtgärder för",
    Step.CLOSE: "avsluta",
    Step.VOID: "makulera",
    Step.REOPEN: "återöppna",
    Step.RECLASSIFY: "klassa om",
    Step.EDIT: "ändra",
    Step.ATTACH: "bifoga filer till",
}
_WHY: dict[Step, str] = {
    Step.RECEIVE: "bara en rapporterad avvikelse kan tas emot",
    Step.START_INVESTIGATION: "utredningen startar när rapporten är mottagen",
    Step.ADD_INVESTIGATION_ENTRY: "utredningen skrivs medan den pågår",
    Step.COMPLETE_INVESTIGATION: "bara en pågående utredning kan avslutas",
    Step.DECIDE: "beslutet följer på utredningen",
    Step.IVO_DECISION: "en anmälan till IVO beslutas när rapporten är mottagen och medan ärendet är öppet",
    Step.IVO_RECORD: "IVO-stegen registreras medan ärendet är öppet",
    Step.NAMND_INFORMED: "IVO-stegen registreras medan ärendet är öppet",
    Step.ACTIONS: "åtgärder hanteras när rapporten är mottagen och medan ärendet är öppet",
    Step.CLOSE: "bara ett mottaget, öppet ärende kan avslutas",
    Step.VOID: "bara en rapporterad eller mottagen avvikelse kan makuleras (felregistrering)",
    Step.REOPEN: "bara en avslutad avvikelse kan återöppnas",
    Step.RECLASSIFY: "typen kan ändras fram till beslutet",
    Step.EDIT: "ett avslutat eller makulerat ärende ändras inte; återöppna det först",
    Step.ATTACH: "ett avslutat eller makulerat ärende tar inte emot bilagor",
}


def require_step(step: Step, status: Status) -> None:
    """409 material: the step is not allowed from the current state, saying why."""
    if status not in ALLOWED_FROM[step]:
        raise RuleViolation(
            f"Det går inte att {STEP_LABELS[step]} avvikelsen när den är {STATUS_LABELS[status]}: "
            f"{_WHY[step]}",
            state=True,
        )


# Who may take each step: the Action of the permission matrix, by type of case (docs/domain.md 4.1, 8.2).
_BY_STEP: dict[Step, Action] = {
    Step.RECEIVE: Action.CASE_RECEIVE,
    Step.START_INVESTIGATION: Action.CASE_INVESTIGATE,
    Step.ADD_INVESTIGATION_ENTRY: Action.CASE_INVESTIGATE,
    Step.COMPLETE_INVESTIGATION: Action.CASE_INVESTIGATE,
    Step.ACTIONS: Action.CASE_ACTIONS,
    Step.CLOSE: Action.CASE_ACTIONS,
    Step.REOPEN: Action.CASE_ACTIONS,
    Step.VOID: Action.CASE_VOID,
    Step.RECLASSIFY: Action.CASE_RECLASSIFY,
    Step.ATTACH: Action.CASE_ATTACH,
}
# Editing the case's facts: those who receive it, and those who investigate it.
_EDITORS = (Action.CASE_RECEIVE, Action.CASE_INVESTIGATE)


def ivo_action(kind: IvoKind) -> Action:
    """Lex Sarah: socialchef or delegate; Lex Maria: MAS or delegate."""
    return Action.IVO_DECISION_LEX_SARAH if kind is IvoKind.LEX_SARAH else Action.IVO_DECISION_LEX_MARIA


def actions_for(step: Step, deviation_type: DeviationType) -> tuple[Action, ...]:
    """The matrix actions any one of which lets the caller take the step on this type of case."""
    if step is Step.DECIDE:
        # Lex Sarah: the investigator proposes, the socialchef or delegate decides.
        lex_sarah = deviation_type is DeviationType.LEX_SARAH
        return (Action.LEX_SARAH_DECIDE if lex_sarah else Action.CASE_DECIDE,)
    if step in (Step.IVO_DECISION, Step.IVO_RECORD):
        return (ivo_action(ivo_kind(deviation_type)),)
    if step is Step.NAMND_INFORMED:
        # The socialchef informs the nämnd of every anmälan, Lex Maria too (seed 001 §2.2): she (or her
        # delegate) records it besides the decider of the case's law.
        kind = ivo_action(ivo_kind(deviation_type))
        return tuple(dict.fromkeys((kind, Action.IVO_DECISION_LEX_SARAH)))
    if step is Step.EDIT:
        return _EDITORS
    return (_BY_STEP[step],)


# --- guards ------------------------------------------------------------------------------------

CLOCK_SKEW = timedelta(minutes=5)


def check_report_times(occurred_at: datetime, discovered_at: datetime | None, now: datetime) -> None:
    """→ reported: the event has happened; it was discovered after it occurred."""
    if occurred_at > now + CLOCK_SKEW:
        raise RuleViolation("Händelsetiden ligger i framtiden", "occurred_at")
    if discovered_at is not None:
        if discovered_at > now + CLOCK_SKEW:
            raise RuleViolation("Upptäcktstiden ligger i framtiden", "discovered_at")
        if discovered_at < occurred_at:
            raise RuleViolation("Upptäcktstiden ligger före händelsetiden", "discovered_at")


def check_receive(immediate_measures: str | None, none_needed: bool) -> None:
    """MOTTAGEN requires immediate measures recorded, or an explicit 'none needed' (SOSFS 2011:5)."""
    has_measures = bool(immediate_measures and immediate_measures.strip())
    if has_measures and none_needed:
        raise RuleViolation(
            "Ange omedelbara åtgärder eller att inga behövdes, inte båda", "no_immediate_measures_needed"
        )
    if not has_measures and not none_needed:
        raise RuleViolation(
            "Att ta emot en rapport kräver de omedelbara åtgärderna, eller att inga behövdes",
            "immediate_measures",
        )


def phase_after_decision(actions: Iterable[ActionStatus], no_actions_motivation: str | None) -> Status:
    """Where a decided case stands: `actions` while an action is open; `follow_up` once every action
    is done or settled, or when the decision gave a motivated 'no action'; else still `decided`."""
    statuses = list(actions)
    if any(s in OPEN_ACTION_STATES for s in statuses):
        return Status.ACTIONS
    if statuses or (no_actions_motivation and no_actions_motivation.strip()):
        return Status.FOLLOW_UP
    return Status.DECIDED


@dataclass(frozen=True)
class ClosingFacts:
    type: DeviationType
    status: Status
    actions: tuple[ActionStatus, ...]
    ivo_involved: bool  # an IVO anmälan was decided, or the final degree requires one
    ivo_sent: bool
    ivo_investigation_sent: bool
    may_skip_phases: bool  # tenant configuration for this type (never Lex Sarah or HSL)


def check_close(facts: ClosingFacts, motivation: str | None) -> None:
    """→ closed: every action followed up or rejected; when IVO was involved, the anmälan and the
    investigation sent; phases in order (only an ordinary avvikelse may, by tenant configuration,
    be closed before follow-up, and then with a written motivation)."""
    require_step(Step.CLOSE, facts.status)
    unsettled = [a for a in facts.actions if a not in SETTLED_ACTION_STATES]
    if unsettled:
        raise RuleViolation(
            f"{len(unsettled)} åtgärd(er) är varken uppföljda eller avvisade; ett ärende avslutas först när "
            "varje åtgärd är klar",
            state=True,
        )
    if facts.ivo_involved and not facts.ivo_sent:
        raise RuleViolation("Ärendets anmälan till IVO är inte registrerad som skickad", state=True)
    if facts.ivo_involved and not facts.ivo_investigation_sent:
        raise RuleViolation("Utredningen är inte registrerad som skickad till IVO", state=True)
    if facts.status is Status.FOLLOW_UP:
        return
    if not facts.may_skip_phases or facts.ivo_involved:
        raise RuleViolation(
            f"En {TYPE_LABELS[facts.type]} får inte hoppa över faser: den avslutas från uppföljning, "
            f"den är {STATUS_LABELS[facts.status]}",
            state=True,
        )
    if not (motivation and motivation.strip()):
        raise RuleViolation("Att avsluta före uppföljning kräver en skriftlig motivering", "motivation")


def may_skip_phases(deviation_type: DeviationType, avvikelse_may_skip: bool) -> bool:
    """Lex Sarah reports are always investigated and may not skip phases (IVO; Sundsvall practice);
    HSL events that caused or could have caused vårdskada must be investigated (PSL 3 kap 3 §).
    Only an ordinary avvikelse may skip, when the tenant allows it."""
    return deviation_type is DeviationType.AVVIKELSE and avvikelse_may_skip


_RECLASSIFICATIONS = frozenset(
    {
        (DeviationType.AVVIKELSE, DeviationType.LEX_SARAH),
        (DeviationType.LEX_SARAH, DeviationType.AVVIKELSE),
        (DeviationType.AVVIKELSE, DeviationType.HSL),
        (DeviationType.HSL, DeviationType.AVVIKELSE),
    }
)


def check_reclassify(
    current: DeviationType, to: DeviationType, status: Status, has_ivo: bool, motivation: str
) -> None:
    """avvikelse ↔ lex_sarah and avvikelse ↔ hsl, until the decision; a Lex Sarah case handed back
    needs a written motivation (docs/domain.md 2.5); a case with an IVO anmälan keeps its law."""
    require_step(Step.RECLASSIFY, status)
    if (current, to) not in _RECLASSIFICATIONS:
        raise RuleViolation(f"En {TYPE_LABELS[current]} kan inte klassas om till {TYPE_LABELS[to]}", "type")
    if has_ivo:
        raise RuleViolation("En anmälan till IVO är beslutad; ärendet behåller sin lag", state=True)
    if not motivation.strip():
        raise RuleViolation("En omklassning kräver en skriftlig motivering", "motivation")


def check_decide(investigation_completed: bool) -> None:
    """→ decided: the mandatory investigation content is complete (the investigation was completed)."""
    if not investigation_completed:
        raise RuleViolation("Utredningen är inte avslutad; avsluta den före beslutet", state=True)


def check_final_degree_permission(deviation_type: DeviationType, degree: str) -> Action | None:
    """A decision with a serious degree also decides the IVO anmälan: it needs the IVO right too."""
    if ivo_required(deviation_type, degree):
        return ivo_action(ivo_kind(deviation_type))
    return None
