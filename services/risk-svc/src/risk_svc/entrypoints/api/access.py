"""Who sees and does what in risk-svc, decided with the shared Authorizer (permissions.py):

- risks, analyses, egenkontroller: RISK_READ to see (medarbetare: what they identified or own),
  RISK_MANAGE to change (a risk: at the level now responsible for it), RISK_CONTRIBUTE to identify;
- nämnd and controllers hold RISK_READ as AGGREGATE: the matrix counts, never a risk;
- the internkontrollplan: CONTROL_PLAN_PREPARE drafts and follows up, CONTROL_PLAN_ADOPT (the nämnd)
  adopts; anyone preparing, adopting, performing or reading risks in the nämnd's organisation sees it;
- controls: CONTROL_PERFORM performs; findings' text only to those who read risks or perform there.
Not visible is 404; an action refused on something visible is 403.
"""

from __future__ import annotations

import uuid

from platform_shared.access import Action, Authorizer, Principal, Target
from platform_shared.errors import Forbidden, NotFound
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.permissions import Scope
from risk_svc.adapters.orm import Control, ControlPlan, Risk, RiskAnalysis, SelfAssessment

PLAN_ACTIONS = (
    Action.CONTROL_PLAN_PREPARE,
    Action.CONTROL_PLAN_ADOPT,
    Action.CONTROL_PERFORM,
    Action.RISK_READ,
)


def risk_target(risk: Risk) -> Target:
    owners = {risk.identified_by} | ({risk.owner_id} if risk.owner_id else set())
    return Target(unit_id=risk.unit_id, owner_ids=frozenset(owners))


async def visible_risk(principal: Principal, risk: Risk | None, authz: Authorizer) -> Risk:
    if risk is not None and await authz.can(principal, Action.RISK_READ, risk_target(risk)):
        return risk
    raise NotFound("Risk not found")


async def manage_risk(principal: Principal, risk: Risk, authz: Authorizer) -> None:
    """Changing a risk is for managers at the level responsible for it now."""
    await authz.require(principal, Action.RISK_MANAGE, risk.responsible_unit_id)


def analysis_target(analysis: RiskAnalysis) -> Target:
    people = {analysis.created_by} | {uuid.UUID(str(p)) for p in analysis.participant_ids or []}
    return Target(unit_id=analysis.unit_id, owner_ids=frozenset(people))


async def visible_analysis(
    principal: Principal, analysis: RiskAnalysis | None, authz: Authorizer
) -> RiskAnalysis:
    if analysis is not None and await authz.can(principal, Action.RISK_READ, analysis_target(analysis)):
        return analysis
    raise NotFound("Risk analysis not found")


async def visible_self_assessment(
    principal: Principal, assessment: SelfAssessment | None, authz: Authorizer
) -> SelfAssessment:
    if assessment is not None and await authz.can(
        principal,
        Action.RISK_READ,
        Target(unit_id=assessment.unit_id, owner_ids=frozenset({assessment.created_by})),
    ):
        return assessment
    raise NotFound("Egenkontroll not found")


async def reads_plan(
    principal: Principal, plan: ControlPlan, authz: Authorizer, directory: OrgDirectory
) -> bool:
    """The plan is the nämnd's document: seen by whoever prepares, adopts or performs it, reads risks
    (also as aggregates) over the nämnd, or holds one of those over a unit inside the nämnd."""
    for action in PLAN_ACTIONS:
        if await authz.can(principal, action, plan.unit_id):
            return True
    if await authz.can_aggregate(principal, Action.RISK_READ, plan.unit_id):
        return True
    for action in PLAN_ACTIONS:
        for scoped, grant in principal.grants_for(action):
            if grant.scope in (
                Scope.SUBTREE,
                Scope.AGGREGATE,
            ) and plan.unit_id in await directory.ancestors_and_self(scoped.unit_id):
                return True
    return False


async def visible_plan(
    principal: Principal, plan: ControlPlan | None, authz: Authorizer, directory: OrgDirectory
) -> ControlPlan:
    if plan is not None and await reads_plan(principal, plan, authz, directory):
        return plan
    raise NotFound("Internkontrollplan not found")


async def sees_control_details(principal: Principal, control: Control, authz: Authorizer) -> bool:
    """Findings are text about the operations: for risk readers and performers there, not aggregates."""
    return await authz.can(principal, Action.CONTROL_PERFORM, control.unit_id) or await authz.can(
        principal, Action.RISK_READ, control.unit_id
    )


async def visible_control(
    principal: Principal,
    control: Control | None,
    plan: ControlPlan | None,
    authz: Authorizer,
    directory: OrgDirectory,
) -> Control:
    if (
        control is not None
        and plan is not None
        and (
            await sees_control_details(principal, control, authz)
            or await reads_plan(principal, plan, authz, directory)
        )
    ):
        return control
    raise NotFound("Control not found")


async def require_named_unit(
    principal: Principal, action: Action, unit_id: uuid.UUID, authz: Authorizer
) -> None:
    if not await authz.can(principal, action, unit_id):
        raise Forbidden(f"Din roll ger inte behörighet till '{action.value}' här")
