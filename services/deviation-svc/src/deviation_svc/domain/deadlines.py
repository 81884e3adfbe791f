"""Which deadline rules of docs/domain.md 5 apply to a deviation, and which step opens or meets each one.

The rules themselves (amounts, working or calendar days, hours) are the shared LAW_DEFAULTS with the
tenant's overrides; this module only says when they apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from deviation_svc.domain.lifecycle import Step
from deviation_svc.domain.model import DeviationType, IvoKind


@dataclass(frozen=True)
class DeadlineChange:
    open: tuple[str, ...] = ()
    meet: tuple[str, ...] = ()
    cancel_all: bool = False  # the case ended: what is still open no longer applies


# Who answers for each rule when no person is named (routing of the reminders).
RESPONSIBLE_ROLE: dict[str, str] = {
    "receive": "enhetschef",
    "investigation_start": "enhetschef",
    "ivo_lex_sarah": "socialchef",
    "ivo_lex_maria": "mas",
    "namnd_informed": "socialchef",
    "complaint_acknowledge": "enhetschef",
    "complaint_response": "enhetschef",
    "imy_notification": "enhetschef",
    "data_subjects_informed": "enhetschef",
}

IVO_RULE = {IvoKind.LEX_SARAH: "ivo_lex_sarah", IvoKind.LEX_MARIA: "ivo_lex_maria"}


ON_REPORT = DeadlineChange(open=("receive",))


def held_to_genast(deviation_type: DeviationType) -> bool:
    """#1: staff report a missförhållande genast. `report_genast` runs from discovery to the report and
    is met by it: missed when a Lex Sarah report comes more than a day after discovery."""
    return deviation_type is DeviationType.LEX_SARAH


def on_step(step: Step, kind: IvoKind | None = None) -> DeadlineChange:
    """#2 receive at once, #4 start the investigation without delay, #5 finish it skyndsamt,
    #6/#9 the IVO anmälan snarast, #7 the investigation to IVO, #8 the nämnd informed."""
    if step is Step.RECEIVE:
        return DeadlineChange(open=("investigation_start",), meet=("receive",))
    if step is Step.START_INVESTIGATION:
        return DeadlineChange(open=("investigation_complete",), meet=("investigation_start",))
    if step is Step.COMPLETE_INVESTIGATION:
        return DeadlineChange(meet=("investigation_complete",))
    if step is Step.REOPEN:
        return DeadlineChange(open=("investigation_complete",))
    if step is Step.IVO_DECISION:
        assert kind is not None
        return DeadlineChange(open=(IVO_RULE[kind], "ivo_investigation"))
    if step in (Step.VOID, Step.CLOSE):
        return DeadlineChange(cancel_all=True)
    return DeadlineChange()


def on_ivo_sent(kind: IvoKind, investigation_attached: bool, namnd_informed: bool) -> DeadlineChange:
    """Sending the anmälan meets its deadline (and the investigation's, when attached) and starts the
    clock for informing the nämnd, unless it already was."""
    met = (IVO_RULE[kind], "ivo_investigation") if investigation_attached else (IVO_RULE[kind],)
    return DeadlineChange(open=() if namnd_informed else ("namnd_informed",), meet=met)


ON_IVO_INVESTIGATION_SENT = DeadlineChange(meet=("ivo_investigation",))
ON_NAMND_INFORMED = DeadlineChange(meet=("namnd_informed",))
