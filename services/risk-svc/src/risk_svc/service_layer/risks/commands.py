"""Risk commands: identify (assessed at once when sannolikhet and konsekvens are given), edit, assess,
prioritise, handle in the unit, escalate, follow up, close; the risk's action plan."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select

from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.contracts.risk import (
    RiskAssessed,
    RiskClosed,
    RiskEscalated,
    RiskFollowedUp,
    RiskIdentified,
    RiskPrioritised,
)
from platform_shared.errors import NotFound, check_version, invalid
from platform_shared.ids import new_id
from risk_svc.adapters.orm import (
    Risk,
    RiskAction,
    RiskAnalysis,
    RiskAssessment,
    RiskLink,
    RiskTransition,
    complaint_fact,
    deviation_fact,
)
from risk_svc.domain import risks as rules
from risk_svc.domain.analyses import AnalysisStatus, check_open
from risk_svc.domain.model import assess
from risk_svc.domain.risks import RiskActionStatus, RiskSource, RiskStatus
from risk_svc.domain.settings import TenantSettings
from risk_svc.service_layer.access import managed_risk
from risk_svc.service_layer.context import (
    CommandCtx,
    new_reference,
    require_people,
    require_unit,
    touch,
    within,
)
from risk_svc.service_layer.settings.queries import current

REFERENCE_PREFIX = "RISK"
TOGETHER = "sannolikhet och konsekvens anges tillsammans"


def facts_of(risk: Risk) -> dict[str, Any]:
    return {
        "risk_id": risk.id,
        "unit_id": risk.unit_id,
        "reference": risk.reference,
        "status": risk.status,
        "source": risk.source,
        "process": risk.process,
        "revises_document_id": risk.revises_document_id,
    }


def _check_pair(probability: int | None, consequence: int | None) -> None:
    if (probability is None) != (consequence is None):
        missing = "consequence" if consequence is None else "probability"
        raise invalid(missing, TOGETHER, "Sannolikhet och konsekvens anges tillsammans")


@dataclass(frozen=True)
class ActionInput:
    """An action of a risk's plan (also the action of a control finding)."""

    description: str
    responsible_id: uuid.UUID | None = None
    due_date: date | None = None


def record_action(
    ctx: CommandCtx, risk_id: uuid.UUID | None, action: ActionInput, finding_id: uuid.UUID | None = None
) -> RiskAction:
    row = RiskAction(
        id=new_id(),
        risk_id=risk_id,
        description=action.description,
        responsible_id=action.responsible_id,
        due_date=action.due_date,
        status=RiskActionStatus.PLANERAD.value,
        finding_id=finding_id,
        created_by=ctx.caller.id,
        created_at=ctx.now(),
    )
    ctx.session.add(row)
    return row


async def _check_links(
    ctx: CommandCtx, deviation_ids: Sequence[uuid.UUID], complaint_ids: Sequence[uuid.UUID]
) -> None:
    """Links name deviations and complaints risk-svc knows from deviation-svc's events."""
    for ids, column, name, message in (
        (deviation_ids, deviation_fact.c.deviation_id, "linked_deviation_ids", "okänd avvikelse"),
        (complaint_ids, complaint_fact.c.complaint_id, "linked_complaint_ids", "okänt klagomål"),
    ):
        if ids:
            known = set((await ctx.session.scalars(select(column).where(column.in_(list(ids))))).all())
            if any(i not in known for i in ids):
                raise invalid(name, message, "Länken gäller något som risktjänsten inte känner till")


async def _set_links(ctx: CommandCtx, risk_id: uuid.UUID, kind: str, ids: Sequence[uuid.UUID]) -> None:
    await ctx.session.execute(delete(RiskLink).where(RiskLink.risk_id == risk_id, RiskLink.kind == kind))
    for object_id in dict.fromkeys(ids):
        ctx.session.add(RiskLink(risk_id=risk_id, kind=kind, object_id=object_id))


def _transition(
    ctx: CommandCtx,
    risk: Risk,
    step: str,
    before: str | None,
    note: str | None = None,
    from_unit: uuid.UUID | None = None,
    to_unit: uuid.UUID | None = None,
) -> None:
    ctx.session.add(
        RiskTransition(
            id=new_id(),
            risk_id=risk.id,
            step=step,
            from_status=before,
            to_status=risk.status,
            note=note,
            from_unit_id=from_unit,
            to_unit_id=to_unit,
            by=ctx.caller.id,
            at=ctx.now(),
        )
    )


def _record_assessment(
    ctx: CommandCtx,
    risk: Risk,
    settings: TenantSettings,
    probability: int,
    consequence: int,
    note: str | None,
    kind: str = "assessment",
) -> None:
    a = assess(probability, consequence, settings.bands)
    now = ctx.now()
    risk.probability, risk.consequence = a.probability, a.consequence
    risk.risk_value, risk.band = a.risk_value, a.band.value
    risk.assessed_by, risk.assessed_at = ctx.caller.id, now
    ctx.session.add(
        RiskAssessment(
            id=new_id(),
            risk_id=risk.id,
            probability=a.probability,
            consequence=a.consequence,
            risk_value=a.risk_value,
            band=a.band.value,
            kind=kind,
            note=note,
            assessed_by=ctx.caller.id,
            assessed_at=now,
        )
    )
    ctx.emit(
        RiskAssessed(
            **facts_of(risk),
            probability=a.probability,
            consequence=a.consequence,
            risk_value=a.risk_value,
            band=a.band.value,
            assessed_by=ctx.caller.id,
            assessed_at=now,
        )
    )


# --- identify ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdentifyRisk:
    unit_id: uuid.UUID
    title: str
    description: str | None = None
    process: str | None = None
    source: RiskSource | None = None
    analysis_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None
    probability: int | None = None
    consequence: int | None = None
    assessment_note: str | None = None
    linked_deviation_ids: Sequence[uuid.UUID] = ()
    linked_complaint_ids: Sequence[uuid.UUID] = ()
    suggestion_key: str | None = None
    actions: Sequence[ActionInput] = field(default_factory=tuple)
    revises_document_id: uuid.UUID | None = None

    @property
    def assessed(self) -> bool:
        return self.probability is not None or self.consequence is not None


async def identify(ctx: CommandCtx, cmd: IdentifyRisk) -> Created[Risk]:
    """Assessing at once is managing the risk (RISK_MANAGE); identifying alone is contributing."""
    await require_unit(ctx, cmd.unit_id)
    await ctx.caller.require(Action.RISK_MANAGE if cmd.assessed else Action.RISK_CONTRIBUTE, cmd.unit_id)
    return await ctx.once(Risk, lambda: _identify(ctx, cmd))


async def _check_analysis(ctx: CommandCtx, cmd: IdentifyRisk) -> None:
    """The analysis a risk is identified in is open and covers the risk's unit."""
    if cmd.analysis_id is None:
        return
    analysis = await ctx.session.get(RiskAnalysis, cmd.analysis_id)
    if analysis is None:
        raise invalid("analysis_id", "ingen sådan riskanalys", "Okänd riskanalys")
    check_open(AnalysisStatus(analysis.status))
    if not await within(ctx, cmd.unit_id, analysis.unit_id):
        raise invalid(
            "unit_id",
            "utanför den analyserade enheten",
            "Riskens enhet ligger utanför den analyserade enheten",
        )


async def _identify(ctx: CommandCtx, cmd: IdentifyRisk) -> Created[Risk]:
    _check_pair(cmd.probability, cmd.consequence)
    settings = await current(ctx.session)
    await _check_analysis(ctx, cmd)
    await require_people(ctx, "owner_id", [cmd.owner_id])
    await require_people(ctx, "actions", [a.responsible_id for a in cmd.actions])
    await _check_links(ctx, cmd.linked_deviation_ids, cmd.linked_complaint_ids)
    now = ctx.now()
    risk = Risk(
        id=new_id(),
        reference=await new_reference(ctx, REFERENCE_PREFIX),
        unit_id=cmd.unit_id,
        responsible_unit_id=cmd.unit_id,
        analysis_id=cmd.analysis_id,
        title=cmd.title,
        description=cmd.description,
        process=cmd.process,
        revises_document_id=cmd.revises_document_id,
        source=cmd.source.value if cmd.source else None,
        owner_id=cmd.owner_id,
        identified_by=ctx.caller.id,
        identified_at=now,
        status=RiskStatus.IDENTIFIED.value,
        prioritised=False,
        suggestion_key=cmd.suggestion_key,
        updated_at=now,
    )
    ctx.emit(
        RiskIdentified(
            **facts_of(risk),
            identified_at=now,
            analysis_id=cmd.analysis_id,
            linked_deviation_ids=list(dict.fromkeys(cmd.linked_deviation_ids)),
            linked_complaint_ids=list(dict.fromkeys(cmd.linked_complaint_ids)),
        )
    )
    _transition(ctx, risk, "identify", None)
    if cmd.probability is not None and cmd.consequence is not None:
        risk.status = RiskStatus.ASSESSED.value
        _record_assessment(ctx, risk, settings, cmd.probability, cmd.consequence, cmd.assessment_note)
        _transition(ctx, risk, "assess", RiskStatus.IDENTIFIED.value, cmd.assessment_note)
    await _set_links(ctx, risk.id, "deviation", cmd.linked_deviation_ids)
    await _set_links(ctx, risk.id, "complaint", cmd.linked_complaint_ids)
    for action in cmd.actions:
        record_action(ctx, risk.id, action)
    ctx.session.add(risk)  # added once complete: its first version is the one the caller gets
    await ctx.created(risk.id)
    await ctx.commit()
    return Created(risk)


# --- edit ----------------------------------------------------------------------------------------

EDITABLE = ("title", "description", "process", "source", "owner_id", "revises_document_id")


@dataclass(frozen=True)
class EditRisk:
    """PATCH: fields only, never the state; linked ids replace the earlier links."""

    risk_id: uuid.UUID
    changes: dict[str, Any] = field(default_factory=dict)


async def edit(ctx: CommandCtx, cmd: EditRisk) -> Risk:
    risk = await managed_risk(ctx, cmd.risk_id)
    rules.check_editable(RiskStatus(risk.status))
    changes = dict(cmd.changes)
    if "title" in changes and changes["title"] is None:
        raise invalid("title", "får inte vara tomt", "Risken behöver en rubrik")
    if "owner_id" in changes:
        await require_people(ctx, "owner_id", [changes["owner_id"]])
    deviation_ids = changes.pop("linked_deviation_ids", None)
    complaint_ids = changes.pop("linked_complaint_ids", None)
    await _check_links(ctx, deviation_ids or (), complaint_ids or ())
    if deviation_ids is not None:
        await _set_links(ctx, risk.id, "deviation", deviation_ids)
    if complaint_ids is not None:
        await _set_links(ctx, risk.id, "complaint", complaint_ids)
    if isinstance(changes.get("source"), RiskSource):
        changes["source"] = changes["source"].value
    for name in EDITABLE:
        if name in changes:
            setattr(risk, name, changes[name])
    touch(risk, ctx)
    await ctx.commit()
    return risk


# --- the lifecycle -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assess:
    """Assess (or reassess) sannolikhet × konsekvens; every earlier assessment is kept."""

    risk_id: uuid.UUID
    probability: int
    consequence: int
    note: str | None = None


async def reassess(ctx: CommandCtx, cmd: Assess) -> Risk:
    risk = await managed_risk(ctx, cmd.risk_id)
    settings = await current(ctx.session)
    before = risk.status
    risk.status = rules.status_after_assessment(RiskStatus(before)).value
    _record_assessment(ctx, risk, settings, cmd.probability, cmd.consequence, cmd.note)
    _transition(ctx, risk, "assess", before, cmd.note)
    touch(risk, ctx)
    await ctx.commit()
    return risk


@dataclass(frozen=True)
class Prioritise:
    """Confirm the prioritisation (proposed for the internkontrollplan); who confirmed it and when is
    recorded, and a motivation when the tenant's rule would not have proposed it."""

    risk_id: uuid.UUID
    motivation: str | None = None


async def prioritise(ctx: CommandCtx, cmd: Prioritise) -> Risk:
    risk = await managed_risk(ctx, cmd.risk_id)
    settings = await current(ctx.session)
    before = risk.status
    risk.status = rules.prioritise(
        RiskStatus(before), settings.prioritisation, risk.risk_value, risk.consequence, cmd.motivation
    ).value
    now = ctx.now()
    risk.prioritised, risk.prioritised_by, risk.prioritised_at = True, ctx.caller.id, now
    risk.decision_motivation = cmd.motivation
    touch(risk, ctx)
    _transition(ctx, risk, "prioritise", before, cmd.motivation)
    ctx.emit(
        RiskPrioritised(
            **facts_of(risk), risk_value=risk.risk_value or 0, confirmed_by=ctx.caller.id, prioritised_at=now
        )
    )
    await ctx.commit()
    return risk


@dataclass(frozen=True)
class HandleInUnit:
    """Handle the risk in the unit's own work; a risk the rule proposes needs a motivation."""

    risk_id: uuid.UUID
    motivation: str | None = None


async def handle_in_unit(ctx: CommandCtx, cmd: HandleInUnit) -> Risk:
    risk = await managed_risk(ctx, cmd.risk_id)
    settings = await current(ctx.session)
    before = risk.status
    risk.status = rules.handle_in_unit(
        RiskStatus(before), settings.prioritisation, risk.risk_value, risk.consequence, cmd.motivation
    ).value
    risk.decision_motivation = cmd.motivation
    touch(risk, ctx)
    _transition(ctx, risk, "handle_in_unit", before, cmd.motivation)
    await ctx.commit()
    return risk


@dataclass(frozen=True)
class Escalate:
    """To the level above the unit now responsible (its parent in the org replica), with a reason."""

    risk_id: uuid.UUID
    reason: str


async def escalate(ctx: CommandCtx, cmd: Escalate) -> Risk:
    risk = await managed_risk(ctx, cmd.risk_id)
    parent = await ctx.caller.directory.parent_of(risk.responsible_unit_id)
    before, from_unit = risk.status, risk.responsible_unit_id
    risk.status = rules.escalate(RiskStatus(before), parent, cmd.reason).value
    assert parent is not None
    now = ctx.now()
    risk.responsible_unit_id = parent
    risk.owner_id = None  # the level above appoints its owner
    touch(risk, ctx)
    _transition(ctx, risk, "escalate", before, cmd.reason, from_unit=from_unit, to_unit=parent)
    ctx.emit(
        RiskEscalated(
            **facts_of(risk),
            to_unit_id=parent,
            from_unit_id=from_unit,
            escalated_by=ctx.caller.id,
            escalated_at=now,
        )
    )
    await ctx.commit()
    return risk


@dataclass(frozen=True)
class FollowUp:
    """Follow up the risk's handling; sannolikhet and konsekvens given here record the remaining risk."""

    risk_id: uuid.UUID
    note: str
    probability: int | None = None
    consequence: int | None = None


async def follow_up(ctx: CommandCtx, cmd: FollowUp) -> Risk:
    risk = await managed_risk(ctx, cmd.risk_id)
    _check_pair(cmd.probability, cmd.consequence)
    settings = await current(ctx.session)
    before = risk.status
    risk.status = rules.follow_up(RiskStatus(before), cmd.note).value
    if cmd.probability is not None and cmd.consequence is not None:
        _record_assessment(ctx, risk, settings, cmd.probability, cmd.consequence, cmd.note, "follow_up")
    now = ctx.now()
    risk.followed_up_at = now
    touch(risk, ctx)
    _transition(ctx, risk, "follow_up", before, cmd.note)
    ctx.emit(RiskFollowedUp(**facts_of(risk), followed_up_at=now))
    await ctx.commit()
    return risk


@dataclass(frozen=True)
class Close:
    """Close a followed-up risk whose actions are all done."""

    risk_id: uuid.UUID
    note: str | None = None


async def close(ctx: CommandCtx, cmd: Close) -> Risk:
    risk = await managed_risk(ctx, cmd.risk_id)
    open_actions = await ctx.session.scalar(
        select(func.count())
        .select_from(RiskAction)
        .where(RiskAction.risk_id == risk.id, RiskAction.status != RiskActionStatus.GENOMFORD.value)
    )
    before = risk.status
    risk.status = rules.close(RiskStatus(before), int(open_actions or 0)).value
    now = ctx.now()
    risk.closed_at = now
    touch(risk, ctx)
    _transition(ctx, risk, "close", before, cmd.note)
    ctx.emit(RiskClosed(**facts_of(risk), closed_at=now))
    await ctx.commit()
    return risk


# --- the action plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddAction:
    risk_id: uuid.UUID
    description: str
    responsible_id: uuid.UUID | None = None
    due_date: date | None = None


async def add_action(ctx: CommandCtx, cmd: AddAction) -> Created[Risk]:
    """A creating command: the same Idempotency-Key answers with the risk as it is now."""
    risk = await managed_risk(ctx, cmd.risk_id, precondition=False)
    return await ctx.once(Risk, lambda: _add_action(ctx, risk, cmd))


async def _add_action(ctx: CommandCtx, risk: Risk, cmd: AddAction) -> Created[Risk]:
    check_version(ctx.if_match, risk.version)
    rules.check_editable(RiskStatus(risk.status))
    await require_people(ctx, "responsible_id", [cmd.responsible_id])
    record_action(ctx, risk.id, ActionInput(cmd.description, cmd.responsible_id, cmd.due_date))
    touch(risk, ctx)
    await ctx.created(risk.id)
    await ctx.commit()
    return Created(risk)


@dataclass(frozen=True)
class CompleteAction:
    risk_id: uuid.UUID
    action_id: uuid.UUID
    note: str | None = None


async def complete_action(ctx: CommandCtx, cmd: CompleteAction) -> Risk:
    risk = await managed_risk(ctx, cmd.risk_id)
    action = await ctx.session.get(RiskAction, cmd.action_id, with_for_update=True)
    if action is None or action.risk_id != risk.id:
        raise NotFound("Åtgärden finns inte")
    rules.check_editable(RiskStatus(risk.status))
    action.status = rules.complete_action(RiskActionStatus(action.status)).value
    action.completed_at, action.completion_note = ctx.now(), cmd.note
    touch(risk, ctx)
    await ctx.commit()
    return risk
