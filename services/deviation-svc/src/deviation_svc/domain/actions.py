"""Åtgärder: proposed → planned → done → followed_up (effect evaluated), or rejected with a reason."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from deviation_svc.domain.model import RuleViolation


class Horizon(StrEnum):
    KORT = "kort"
    LANG = "lang"


class ActionStatus(StrEnum):
    PROPOSED = "proposed"
    PLANNED = "planned"
    DONE = "done"
    FOLLOWED_UP = "followed_up"
    REJECTED = "rejected"


class ActionStep(StrEnum):
    PLAN = "plan"
    COMPLETE = "complete"
    FOLLOW_UP = "follow_up"
    REJECT = "reject"
    EDIT = "edit"


A = ActionStatus
STATUS_LABELS: dict[ActionStatus, str] = {
    A.PROPOSED: "föreslagen",
    A.PLANNED: "planerad",
    A.DONE: "genomförd",
    A.FOLLOWED_UP: "uppföljd",
    A.REJECTED: "avvisad",
}
STEP_LABELS: dict[ActionStep, str] = {
    ActionStep.PLAN: "planera",
    ActionStep.COMPLETE: "markera som genomförd",
    ActionStep.FOLLOW_UP: "följa upp",
    ActionStep.REJECT: "avvisa",
    ActionStep.EDIT: "ändra",
}
OPEN_ACTION_STATES = frozenset({A.PROPOSED, A.PLANNED})
SETTLED_ACTION_STATES = frozenset({A.FOLLOWED_UP, A.REJECTED})

MOVES: dict[ActionStep, tuple[frozenset[ActionStatus], ActionStatus | None]] = {
    ActionStep.PLAN: (frozenset({A.PROPOSED}), A.PLANNED),
    ActionStep.COMPLETE: (frozenset({A.PLANNED}), A.DONE),
    ActionStep.FOLLOW_UP: (frozenset({A.DONE}), A.FOLLOWED_UP),
    ActionStep.REJECT: (OPEN_ACTION_STATES, A.REJECTED),
    ActionStep.EDIT: (OPEN_ACTION_STATES, None),
}


def move(step: ActionStep, current: ActionStatus) -> ActionStatus:
    """The action's state after the step (unchanged for an edit); 409 material when not allowed."""
    allowed, target = MOVES[step]
    if current not in allowed:
        names = ", ".join(sorted(STATUS_LABELS[s] for s in allowed))
        raise RuleViolation(
            f"Det går inte att {STEP_LABELS[step]} en åtgärd som är {STATUS_LABELS[current]} "
            f"(går när den är: {names})",
            state=True,
        )
    return target or current


def check_plan(responsible_id: uuid.UUID | None, due_date: date | None) -> None:
    """A planned action has someone responsible and a due date."""
    if responsible_id is None:
        raise RuleViolation("En planerad åtgärd har en ansvarig person", "responsible_id")
    if due_date is None:
        raise RuleViolation("En planerad åtgärd har ett slutdatum", "due_date")


def check_reason(reason: str, field: str) -> None:
    if not reason.strip():
        raise RuleViolation("En motivering krävs", field)
