"""Risk commands: load → domain rule → change → emit → one commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select

from platform_shared.contracts.risk import (
    RiskAssessed,
    RiskClosed,
    RiskEscalated,
    RiskFollowedUp,
    RiskIdentified,
    RiskPrioritised,
)
from platform_shared.errors import NotFound
from platform_shared.ids import new_id
from platform_shared.messaging.unit_of_work import UnitOfWork
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
from risk_svc.domain import risks as rules_
from risk_svc.domain.analyses import AnalysisStatus, check_open
from risk_svc.domain.model import assess
from risk_svc.domain.risks import ActionStatus, RiskStatus
from risk_svc.domain.settings import TenantSettings
from risk_svc.service_layer import settings as tenant
from risk_svc.service_layer.common import commit, directory, invalid, reference, require_people, rules, within

REFERENCE_PREFIX = "RISK"


def _facts(risk: Risk) -> dict[str, Any]:
    return {
        "risk_id": risk.id,
        "unit_id": risk.unit_id,
        "reference": risk.reference,
        "status": risk.status,
        "source": risk.source,
        "process": risk.process,
    }


@dataclass(frozen=True)
class ActionInput:
    description: str
    responsible_id: uuid.UUID | None = None
    due_date: date | None = None


@dataclass(frozen=True)
class IdentifyRisk:
    unit_id: uuid.UUID
    title: str
    identified_by: uuid.UUID
    description: str | None = None
    process: str | None = None
    source: str | None = None
    analysis_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None
    probability: int | None = None
    consequence: int | None = None
    assessment_note: str | None = None
    deviation_ids: Sequence[uuid.UUID] = ()
    complaint_ids: Sequence[uuid.UUID] = ()
    suggestion_key: str | None = None
    actions: Sequence[ActionInput] = field(default_factory=tuple)


async def _check_links(
    uow: UnitOfWork, deviation_ids: Sequence[uuid.UUID], complaint_ids: Sequence[uuid.UUID]
) -> None:
    """Links name deviations and complaints risk-svc knows from deviation events."""
    for ids, column, name in (
        (deviation_ids, deviation_fact.c.deviation_id, "linked_deviation_ids"),
        (complaint_ids, complaint_fact.c.complaint_id, "linked_complaint_ids"),
    ):
        if ids:
            known = set((await uow.session.scalars(select(column).where(column.in_(list(ids))))).all())
            if any(i not in known for i in ids):
                raise invalid(name, "unknown id (not among the deviation events risk-svc has received)")


async def _set_links(uow: UnitOfWork, risk_id: uuid.UUID, kind: str, ids: Sequence[uuid.UUID]) -> None:
    await uow.session.execute(delete(RiskLink).where(RiskLink.risk_id == risk_id, RiskLink.kind == kind))
    for object_id in dict.fromkeys(ids):
        uow.session.add(RiskLink(risk_id=risk_id, kind=kind, object_id=object_id))


def _transition(
    uow: UnitOfWork,
    risk: Risk,
    step: str,
    before: str | None,
    by: uuid.UUID,
    note: str | None = None,
    from_unit: uuid.UUID | None = None,
    to_unit: uuid.UUID | None = None,
) -> None:
    uow.session.add(
        RiskTransition(
            id=new_id(),
            risk_id=risk.id,
            step=step,
            from_status=before,
            to_status=risk.status,
            note=note,
            from_unit_id=from_unit,
            to_unit_id=to_unit,
            by=by,
            at=uow.clock(),
        )
    )


def _record_assessment(
    uow: UnitOfWork,
    risk: Risk,
    settings: TenantSettings,
    probability: int,
    consequence: int,
    by: uuid.UUID,
    note: str | None,
    kind: str = "assessment",
) -> None:
    with rules():
        a = assess(probability, consequence, settings.bands)
    now = uow.clock()
    risk.probability, risk.consequence, risk.risk_value, risk.band = (
        a.probability,
        a.consequence,
        a.risk_value,
        a.band.value,
    )
    risk.assessed_by, risk.assessed_at = by, now
    uow.session.add(
        RiskAssessment(
            id=new_id(),
            risk_id=risk.id,
            probability=a.probability,
            consequence=a.consequence,
            risk_value=a.risk_value,
            band=a.band.value,
            kind=kind,
            note=note,
            assessed_by=by,
            assessed_at=now,
        )
    )
    uow.emit(
        RiskAssessed(
            **_facts(risk),
            probability=a.probability,
            consequence=a.consequence,
            risk_value=a.risk_value,
            band=a.band.value,
            assessed_by=by,
            assessed_at=now,
        )
    )


def record_action(
    uow: UnitOfWork, risk: Risk, action: ActionInput, by: uuid.UUID, finding_id: uuid.UUID | None = None
) -> RiskAction:
    row = RiskAction(
        id=new_id(),
        risk_id=risk.id,
        description=action.description,
        responsible_id=action.responsible_id,
        due_date=action.due_date,
        status=ActionStatus.PLANERAD.value,
        finding_id=finding_id,
        created_by=by,
        created_at=uow.clock(),
    )
    uow.session.add(row)
    return row


async def identify(uow: UnitOfWork, cmd: IdentifyRisk) -> Risk:
    """A new risk, identified (and assessed at once when sannolikhet and konsekvens are given)."""
    if (cmd.probability is None) != (cmd.consequence is None):
        missing = "consequence" if cmd.consequence is None else "probability"
        raise invalid(missing, "probability and consequence are given together")
    settings = await tenant.current(uow.session)
    if cmd.analysis_id is not None:
        analysis = await uow.session.get(RiskAnalysis, cmd.analysis_id)
        if analysis is None:
            raise invalid("analysis_id", "no such risk analysis")
        with rules():
            check_open(AnalysisStatus(analysis.status))
        if not await within(uow.session, cmd.unit_id, analysis.unit_id):
            raise invalid("unit_id", "the risk's unit is outside the analysed unit")
    await require_people(uow.session, "owner_id", [cmd.owner_id])
    await require_people(uow.session, "actions", [a.responsible_id for a in cmd.actions])
    await _check_links(uow, cmd.deviation_ids, cmd.complaint_ids)
    now = uow.clock()
    risk = Risk(
        id=new_id(),
        reference=await reference(uow, REFERENCE_PREFIX),
        unit_id=cmd.unit_id,
        responsible_unit_id=cmd.unit_id,
        analysis_id=cmd.analysis_id,
        title=cmd.title,
        description=cmd.description,
        process=cmd.process,
        source=cmd.source,
        owner_id=cmd.owner_id,
        identified_by=cmd.identified_by,
        identified_at=now,
        status=RiskStatus.IDENTIFIED.value,
        prioritised=False,
        suggestion_key=cmd.suggestion_key,
        updated_at=now,
    )
    uow.emit(
        RiskIdentified(
            **_facts(risk),
            identified_at=now,
            analysis_id=cmd.analysis_id,
            linked_deviation_ids=list(dict.fromkeys(cmd.deviation_ids)),
            linked_complaint_ids=list(dict.fromkeys(cmd.complaint_ids)),
        )
    )
    _transition(uow, risk, "identify", None, cmd.identified_by)
    if cmd.probability is not None and cmd.consequence is not None:
        risk.status = RiskStatus.ASSESSED.value
        _record_assessment(
            uow, risk, settings, cmd.probability, cmd.consequence, cmd.identified_by, cmd.assessment_note
        )
        _transition(uow, risk, "assess", RiskStatus.IDENTIFIED.value, cmd.identified_by, cmd.assessment_note)
    uow.session.add(risk)  # added once complete: its first version is the one the caller gets
    await _set_links(uow, risk.id, "deviation", cmd.deviation_ids)
    await _set_links(uow, risk.id, "complaint", cmd.complaint_ids)
    for action in cmd.actions:
        record_action(uow, risk, action, cmd.identified_by)
    await commit(uow)
    return risk


EDITABLE = ("title", "description", "process", "source", "owner_id")


async def edit(uow: UnitOfWork, risk: Risk, changes: dict[str, Any], by: uuid.UUID) -> Risk:
    """PATCH: fields only, never the state; linked ids replace the earlier links."""
    with rules():
        rules_.check_editable(RiskStatus(risk.status))
    if "owner_id" in changes:
        await require_people(uow.session, "owner_id", [changes["owner_id"]])
    deviation_ids = changes.pop("linked_deviation_ids", None)
    complaint_ids = changes.pop("linked_complaint_ids", None)
    await _check_links(uow, deviation_ids or (), complaint_ids or ())
    for name in EDITABLE:
        if name in changes:
            setattr(risk, name, changes[name])
    if deviation_ids is not None:
        await _set_links(uow, risk.id, "deviation", deviation_ids)
    if complaint_ids is not None:
        await _set_links(uow, risk.id, "complaint", complaint_ids)
    risk.updated_at = uow.clock()
    await commit(uow)
    return risk


async def reassess(
    uow: UnitOfWork, risk: Risk, probability: int, consequence: int, note: str | None, by: uuid.UUID
) -> Risk:
    before = risk.status
    with rules():
        risk.status = rules_.status_after_assessment(RiskStatus(before)).value
    _record_assessment(uow, risk, await tenant.current(uow.session), probability, consequence, by, note)
    _transition(uow, risk, "assess", before, by, note)
    risk.updated_at = uow.clock()
    await commit(uow)
    return risk


async def prioritise(uow: UnitOfWork, risk: Risk, motivation: str | None, by: uuid.UUID) -> Risk:
    """Confirm the prioritisation (the risk is proposed for the internkontrollplan); who confirmed it
    and when is recorded, and a motivation when the tenant's rule would not have proposed it."""
    settings = await tenant.current(uow.session)
    before = risk.status
    with rules():
        risk.status = rules_.prioritise(
            RiskStatus(before), settings.prioritisation, risk.risk_value, risk.consequence, motivation
        ).value
    now = uow.clock()
    risk.prioritised, risk.prioritised_by, risk.prioritised_at = True, by, now
    risk.decision_motivation = motivation
    risk.updated_at = now
    _transition(uow, risk, "prioritise", before, by, motivation)
    uow.emit(
        RiskPrioritised(**_facts(risk), risk_value=risk.risk_value or 0, confirmed_by=by, prioritised_at=now)
    )
    await commit(uow)
    return risk


async def handle_in_unit(uow: UnitOfWork, risk: Risk, motivation: str | None, by: uuid.UUID) -> Risk:
    settings = await tenant.current(uow.session)
    before = risk.status
    with rules():
        risk.status = rules_.handle_in_unit(
            RiskStatus(before), settings.prioritisation, risk.risk_value, risk.consequence, motivation
        ).value
    risk.decision_motivation = motivation
    risk.updated_at = uow.clock()
    _transition(uow, risk, "handle_in_unit", before, by, motivation)
    await commit(uow)
    return risk


async def escalate(uow: UnitOfWork, risk: Risk, reason: str | None, by: uuid.UUID) -> Risk:
    """To the level above the unit now responsible (the parent in the org replica)."""
    parent = await directory(uow.session).parent_of(risk.responsible_unit_id)
    before, from_unit = risk.status, risk.responsible_unit_id
    with rules():
        risk.status = rules_.escalate(RiskStatus(before), parent, reason).value
    assert parent is not None
    now = uow.clock()
    risk.responsible_unit_id = parent
    risk.owner_id = None  # the level above appoints its owner
    risk.updated_at = now
    _transition(uow, risk, "escalate", before, by, reason, from_unit=from_unit, to_unit=parent)
    uow.emit(
        RiskEscalated(
            **_facts(risk), to_unit_id=parent, from_unit_id=from_unit, escalated_by=by, escalated_at=now
        )
    )
    await commit(uow)
    return risk


async def follow_up(
    uow: UnitOfWork,
    risk: Risk,
    note: str | None,
    by: uuid.UUID,
    probability: int | None = None,
    consequence: int | None = None,
) -> Risk:
    """Follow up the risk's handling; sannolikhet and konsekvens given here record the remaining risk."""
    if (probability is None) != (consequence is None):
        raise invalid(
            "consequence" if consequence is None else "probability",
            "probability and consequence are given together",
        )
    before = risk.status
    with rules():
        risk.status = rules_.follow_up(RiskStatus(before), note).value
    now = uow.clock()
    if probability is not None and consequence is not None:
        settings = await tenant.current(uow.session)
        _record_assessment(uow, risk, settings, probability, consequence, by, note, kind="follow_up")
    risk.followed_up_at, risk.updated_at = now, now
    _transition(uow, risk, "follow_up", before, by, note)
    uow.emit(RiskFollowedUp(**_facts(risk), followed_up_at=now))
    await commit(uow)
    return risk


async def close(uow: UnitOfWork, risk: Risk, note: str | None, by: uuid.UUID) -> Risk:
    open_actions = await uow.session.scalar(
        select(func.count())
        .select_from(RiskAction)
        .where(RiskAction.risk_id == risk.id, RiskAction.status != ActionStatus.GENOMFORD.value)
    )
    before = risk.status
    with rules():
        risk.status = rules_.close(RiskStatus(before), int(open_actions or 0)).value
    now = uow.clock()
    risk.closed_at, risk.updated_at = now, now
    _transition(uow, risk, "close", before, by, note)
    uow.emit(RiskClosed(**_facts(risk), closed_at=now))
    await commit(uow)
    return risk


async def add_action(uow: UnitOfWork, risk: Risk, action: ActionInput, by: uuid.UUID) -> Risk:
    with rules():
        rules_.check_editable(RiskStatus(risk.status))
    await require_people(uow.session, "responsible_id", [action.responsible_id])
    record_action(uow, risk, action, by)
    risk.updated_at = uow.clock()
    await commit(uow)
    return risk


async def complete_action(
    uow: UnitOfWork, risk: Risk, action_id: uuid.UUID, note: str | None, by: uuid.UUID
) -> Risk:
    action = await uow.session.get(RiskAction, action_id)
    if action is None or action.risk_id != risk.id:
        raise NotFound("Action not found")
    with rules():
        rules_.check_editable(RiskStatus(risk.status))
        action.status = rules_.complete_action(ActionStatus(action.status)).value
    now = uow.clock()
    action.completed_at, action.completion_note = now, note
    risk.updated_at = now
    await commit(uow)
    return risk
