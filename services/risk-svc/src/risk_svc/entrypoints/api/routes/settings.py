from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import select

from platform_shared.access import Action
from platform_shared.api.deps import AuthorizerDep, CurrentPrincipal, IfMatch, RuntimeDep, SessionDep
from platform_shared.errors import Forbidden
from risk_svc.adapters.orm import replica
from risk_svc.entrypoints.api import schemas as s
from risk_svc.entrypoints.api import views
from risk_svc.entrypoints.api.routes.common import RESPONSES, with_etag, writing
from risk_svc.service_layer import settings as tenant

router = APIRouter(prefix="/api/v1/risk/settings", tags=["settings"], responses=RESPONSES)


@router.get(
    "", summary="The tenant's risk settings: bands, prioritisation rule, suggestion rule, yearly analyses"
)
async def get_settings(
    principal: CurrentPrincipal, session: SessionDep, response: Response
) -> s.SettingsRead:
    if not principal.is_staff:
        raise Forbidden("Endast för personal med en roll i organisationen")
    stored = await tenant.load(session)
    with_etag(response, stored.version)
    return views.settings_read(stored.settings, stored.version)


@router.patch(
    "",
    summary="Change the settings (RISK_MANAGE over the whole organisation); nested objects merge",
)
async def patch_settings(
    body: s.SettingsPatch,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    session: SessionDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.SettingsRead:
    roots = (await session.scalars(select(replica.unit.c.id).where(replica.unit.c.parent_id.is_(None)))).all()
    if not roots or not all([await authz.can(principal, Action.RISK_MANAGE, root) for root in roots]):
        raise Forbidden("Inställningarna gäller hela organisationen: kräver riskbehörighet över den")
    patch = body.model_dump(exclude_unset=True)
    for name in ("bands", "suggestions"):
        if patch.get(name) is not None:
            patch[name] = {k: v for k, v in patch[name].items() if v is not None}
        elif name in patch:
            del patch[name]
    if "prioritisation" in patch and patch["prioritisation"] is None:
        del patch["prioritisation"]
    async with writing(runtime, principal) as uow:
        stored = await tenant.update(uow, patch, expected, principal.person_id)
    with_etag(response, stored.version)
    return views.settings_read(stored.settings, stored.version)
