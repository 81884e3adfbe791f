"""Who sees and does what in risk-svc: the one place each operation's authorisation is decided.

- risks, analyses, egenkontroller: RISK_READ to see (medarbetare: what they identified, own or took
  part in), RISK_MANAGE to change (a risk: at the level now responsible for it);
- the internkontrollplan: seen by whoever prepares, adopts, performs or reads risks in the nämnd's
  organisation; CONTROL_PLAN_PREPARE drafts and follows it up, CONTROL_PLAN_ADOPT (the nämnd) adopts;
- a control: seen by those who perform or read risks where it is performed, and by those who hold the
  plan at the nämnd (prepare, adopt, or read its aggregates); CONTROL_PERFORM performs it; the text of
  its findings only for those who perform or read risks there.

Every load runs the same sequence (platform_shared.context.RequestContext.load): visible to the caller
(else 404, worded exactly as for an unknown id) → permitted (else 403) → If-Match (else 412) → allowed
in the object's state (else 409). The lists use the same grants (service_layer/lists.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from platform_shared.access import Action, Target
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.permissions import Scope
from risk_svc.adapters.orm import (
    Control,
    ControlPlan,
    Goal,
    Guarantee,
    Indicator,
    IndicatorActivity,
    Risk,
    RiskAnalysis,
    SelfAssessment,
    replica,
)
from risk_svc.service_layer.context import CommandCtx, Ctx
from risk_svc.service_layer.lists import visible_units

RISK_NOT_FOUND = "Risken finns inte"
ANALYSIS_NOT_FOUND = "Riskanalysen finns inte"
PLAN_NOT_FOUND = "Internkontrollplanen finns inte"
CONTROL_NOT_FOUND = "Kontrollen finns inte"
SELF_ASSESSMENT_NOT_FOUND = "Egenkontrollen finns inte"

RiskWork = TypeVar("RiskWork", Risk, RiskAnalysis, SelfAssessment)

PLAN_ACTIONS = (
    Action.CONTROL_PLAN_PREPARE,
    Action.CONTROL_PLAN_ADOPT,
    Action.CONTROL_PERFORM,
    Action.RISK_READ,
)


# --- risks, analyses and egenkontroller: RISK_READ to see, RISK_MANAGE to change ----------------------


async def _risk_work(
    ctx: Ctx,
    model: type[RiskWork],
    object_id: uuid.UUID,
    not_found: str,
    target: Callable[[RiskWork], Target],
    *,
    managed_at: Callable[[RiskWork], uuid.UUID] | None = None,
    if_match: int | None = None,
) -> RiskWork:
    """Visible to a reader of risks (404); with `managed_at`, to be changed: RISK_MANAGE at that unit
    (403), If-Match (412), locked."""

    async def visible(obj: RiskWork) -> bool:
        return await ctx.caller.can(Action.RISK_READ, target(obj))

    async def permitted(obj: RiskWork) -> None:
        if managed_at is not None:
            await ctx.caller.require(Action.RISK_MANAGE, managed_at(obj))

    return await ctx.load(
        model,
        object_id,
        not_found=not_found,
        visible=visible,
        permitted=permitted,
        if_match=if_match,
        lock=managed_at is not None,
    )


def risk_target(risk: Risk) -> Target:
    owners = {risk.identified_by} | ({risk.owner_id} if risk.owner_id else set())
    return Target(unit_id=risk.unit_id, owner_ids=frozenset(owners))


async def readable_risk(ctx: Ctx, risk_id: uuid.UUID) -> Risk:
    return await _risk_work(ctx, Risk, risk_id, RISK_NOT_FOUND, risk_target)


async def managed_risk(ctx: CommandCtx, risk_id: uuid.UUID, *, precondition: bool = True) -> Risk:
    """Changed at the level now responsible for it; `precondition=False` when a creating command checks
    If-Match itself (after its Idempotency-Key)."""
    return await _risk_work(
        ctx,
        Risk,
        risk_id,
        RISK_NOT_FOUND,
        risk_target,
        managed_at=lambda r: r.responsible_unit_id,
        if_match=ctx.if_match if precondition else None,
    )


def analysis_target(analysis: RiskAnalysis) -> Target:
    """Its creator and participants see it as their own."""
    people = {analysis.created_by} | {uuid.UUID(str(p)) for p in analysis.participant_ids or []}
    return Target(unit_id=analysis.unit_id, owner_ids=frozenset(people))


async def readable_analysis(ctx: Ctx, analysis_id: uuid.UUID) -> RiskAnalysis:
    return await _risk_work(ctx, RiskAnalysis, analysis_id, ANALYSIS_NOT_FOUND, analysis_target)


async def managed_analysis(ctx: CommandCtx, analysis_id: uuid.UUID) -> RiskAnalysis:
    return await _risk_work(
        ctx,
        RiskAnalysis,
        analysis_id,
        ANALYSIS_NOT_FOUND,
        analysis_target,
        managed_at=lambda a: a.unit_id,
        if_match=ctx.if_match,
    )


def self_assessment_target(assessment: SelfAssessment) -> Target:
    return Target(unit_id=assessment.unit_id, owner_ids=frozenset({assessment.created_by}))


async def readable_self_assessment(ctx: Ctx, assessment_id: uuid.UUID) -> SelfAssessment:
    return await _risk_work(
        ctx, SelfAssessment, assessment_id, SELF_ASSESSMENT_NOT_FOUND, self_assessment_target
    )


async def managed_self_assessment(ctx: CommandCtx, assessment_id: uuid.UUID) -> SelfAssessment:
    return await _risk_work(
        ctx,
        SelfAssessment,
        assessment_id,
        SELF_ASSESSMENT_NOT_FOUND,
        self_assessment_target,
        managed_at=lambda a: a.unit_id,
        if_match=ctx.if_match,
    )


# --- the internkontrollplan and its controls --------------------------------------------------------


async def holds_plan(ctx: Ctx, plan: ControlPlan) -> bool:
    """Reads the plan as the nämnd's document, with every control in it: a plan action at the nämnd
    itself, or its aggregates."""
    if await ctx.caller.can_any(PLAN_ACTIONS, Target(unit_id=plan.unit_id)):
        return True
    return await ctx.caller.authz.can_aggregate(ctx.caller.principal, Action.RISK_READ, plan.unit_id)


async def reads_plan(ctx: Ctx, plan: ControlPlan) -> bool:
    """Holds the plan, or one of its actions over a unit inside the nämnd's organisation."""
    if await holds_plan(ctx, plan):
        return True
    for action in PLAN_ACTIONS:
        for scoped, grant in ctx.caller.principal.grants_for(action):
            if grant.scope in (Scope.SUBTREE, Scope.AGGREGATE) and plan.unit_id in (
                await ctx.caller.directory.ancestors_and_self(scoped.unit_id)
            ):
                return True
    return False


async def readable_plan(ctx: Ctx, plan_id: uuid.UUID) -> ControlPlan:
    return await ctx.load(
        ControlPlan, plan_id, not_found=PLAN_NOT_FOUND, visible=lambda p: reads_plan(ctx, p)
    )


async def plan_for(
    ctx: Ctx, plan_id: uuid.UUID, action: Action, *, if_match: int | None = None, lock: bool = True
) -> ControlPlan:
    """The plan for `action` at the nämnd: visible (404) → permitted (403) → `if_match` (412)."""

    async def permitted(plan: ControlPlan) -> None:
        await ctx.caller.require(action, plan.unit_id)

    return await ctx.load(
        ControlPlan,
        plan_id,
        not_found=PLAN_NOT_FOUND,
        visible=lambda p: reads_plan(ctx, p),
        permitted=permitted,
        if_match=if_match,
        lock=lock,
    )


async def sees_control_details(ctx: Ctx, control: Control) -> bool:
    """Findings are text about the operations: for risk readers and performers there, not aggregates."""
    return await ctx.caller.can_any(
        (Action.CONTROL_PERFORM, Action.RISK_READ), Target(unit_id=control.unit_id)
    )


async def _may_see_control(ctx: Ctx, control: Control) -> bool:
    if await sees_control_details(ctx, control):
        return True
    plan = await ctx.session.get(ControlPlan, control.plan_id)
    return plan is not None and await holds_plan(ctx, plan)


async def readable_control(ctx: Ctx, control_id: uuid.UUID) -> Control:
    return await ctx.load(
        Control, control_id, not_found=CONTROL_NOT_FOUND, visible=lambda c: _may_see_control(ctx, c)
    )


async def performed_control(ctx: CommandCtx, control_id: uuid.UUID, *, precondition: bool = True) -> Control:
    """A control to record: visible (404) → CONTROL_PERFORM where it is performed (403) → If-Match (412)."""

    async def permitted(control: Control) -> None:
        await ctx.caller.require(Action.CONTROL_PERFORM, control.unit_id)

    return await ctx.load(
        Control,
        control_id,
        not_found=CONTROL_NOT_FOUND,
        visible=lambda c: _may_see_control(ctx, c),
        permitted=permitted,
        if_match=ctx.if_match if precondition else None,
        lock=True,
    )


# --- goals, indicators and their activities: RISK_READ to see, RISK_MANAGE at the unit to change -----

GOAL_NOT_FOUND = "Målet finns inte"
INDICATOR_NOT_FOUND = "Indikatorn finns inte"
ACTIVITY_NOT_FOUND = "Aktiviteten finns inte"


async def _reads_unit(ctx: Ctx, unit_id: uuid.UUID) -> bool:
    """Goals and indicators name organisational things: read by those who read risks there, and as
    figures by those who read its aggregates."""
    if await ctx.caller.can(Action.RISK_READ, Target(unit_id=unit_id)):
        return True
    return await ctx.caller.authz.can_aggregate(ctx.caller.principal, Action.RISK_READ, unit_id)


async def readable_goal(ctx: Ctx, goal_id: uuid.UUID) -> Goal:
    return await ctx.load(
        Goal, goal_id, not_found=GOAL_NOT_FOUND, visible=lambda g: _reads_unit(ctx, g.unit_id)
    )


async def managed_goal(ctx: CommandCtx, goal_id: uuid.UUID, *, precondition: bool = True) -> Goal:
    """A goal to change (or to add an indicator to): RISK_MANAGE at its unit (403), If-Match (412)."""

    async def permitted(goal: Goal) -> None:
        await ctx.caller.require(Action.RISK_MANAGE, goal.unit_id)

    return await ctx.load(
        Goal,
        goal_id,
        not_found=GOAL_NOT_FOUND,
        visible=lambda g: _reads_unit(ctx, g.unit_id),
        permitted=permitted,
        if_match=ctx.if_match if precondition else None,
        lock=True,
    )


async def readable_indicator(ctx: Ctx, indicator_id: uuid.UUID) -> Indicator:
    return await ctx.load(
        Indicator, indicator_id, not_found=INDICATOR_NOT_FOUND, visible=lambda i: _reads_unit(ctx, i.unit_id)
    )


async def managed_indicator(
    ctx: CommandCtx, indicator_id: uuid.UUID, *, precondition: bool = True
) -> Indicator:
    """An indicator to change or to record a value of: RISK_MANAGE at its unit (403), If-Match (412)."""

    async def permitted(indicator: Indicator) -> None:
        await ctx.caller.require(Action.RISK_MANAGE, indicator.unit_id)

    return await ctx.load(
        Indicator,
        indicator_id,
        not_found=INDICATOR_NOT_FOUND,
        visible=lambda i: _reads_unit(ctx, i.unit_id),
        permitted=permitted,
        if_match=ctx.if_match if precondition else None,
        lock=True,
    )


async def owned_activity(ctx: CommandCtx, activity_id: uuid.UUID) -> IndicatorActivity:
    """An activity to complete or follow up: its owner, or RISK_MANAGE at its unit."""

    async def visible(a: IndicatorActivity) -> bool:
        return a.owner_id == ctx.caller.id or await _reads_unit(ctx, a.unit_id)

    async def permitted(a: IndicatorActivity) -> None:
        if a.owner_id != ctx.caller.id:
            await ctx.caller.require(Action.RISK_MANAGE, a.unit_id)

    return await ctx.load(
        IndicatorActivity,
        activity_id,
        not_found=ACTIVITY_NOT_FOUND,
        visible=visible,
        permitted=permitted,
        if_match=ctx.if_match,
        lock=True,
    )


async def reads_unit(ctx: Ctx, unit_id: uuid.UUID) -> bool:
    return await _reads_unit(ctx, unit_id)


# --- värdighetsgarantier: seen where they apply, RISK_MANAGE at the unit to change -------------------

GUARANTEE_NOT_FOUND = "Värdighetsgarantin finns inte"


async def guarantee_units(ctx: Ctx) -> set[uuid.UUID] | None:
    """Units whose garantier the caller sees (None: all): as goals, where she reads risks or their
    aggregates, and the units above those, since a garanti applies to its unit's subtree (the people
    of an enhet see the promises made to those it serves)."""
    units = visible_units(await ctx.caller.visibility(Action.RISK_READ))
    if units is None:
        return None
    directory = OrgDirectory(ctx.session, replica)
    for scoped, grant in ctx.caller.principal.grants_for(Action.RISK_READ):
        if grant.scope is Scope.AGGREGATE:
            units.update(await directory.subtree(scoped.unit_id))
    seen: set[uuid.UUID] = set(units)
    for unit_id in sorted(units, key=str):
        seen.update(await directory.ancestors_and_self(unit_id))
    return seen


async def _sees_guarantee(ctx: Ctx, g: Guarantee) -> bool:
    units = await guarantee_units(ctx)
    return units is None or g.unit_id in units


async def readable_guarantee(ctx: Ctx, guarantee_id: uuid.UUID) -> Guarantee:
    return await ctx.load(
        Guarantee, guarantee_id, not_found=GUARANTEE_NOT_FOUND, visible=lambda g: _sees_guarantee(ctx, g)
    )


async def managed_guarantee(ctx: CommandCtx, guarantee_id: uuid.UUID) -> Guarantee:
    """A garanti to change or withdraw: RISK_MANAGE at its unit (403), If-Match (412)."""

    async def permitted(g: Guarantee) -> None:
        await ctx.caller.require(Action.RISK_MANAGE, g.unit_id)

    return await ctx.load(
        Guarantee,
        guarantee_id,
        not_found=GUARANTEE_NOT_FOUND,
        visible=lambda g: _sees_guarantee(ctx, g),
        permitted=permitted,
        if_match=ctx.if_match,
        lock=True,
    )
