"""The tenant's risk settings (/api/v1/risk/settings). If-Match names the settings' ETag ("0": never
changed, the defaults apply)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from platform_shared.api.deps import with_etag
from platform_shared.api.problems import PROBLEM_RESPONSES
from risk_svc.entrypoints.api.deps import Command, Query
from risk_svc.entrypoints.api.schemas.settings import RiskSettingsPatch, RiskSettingsRead
from risk_svc.service_layer.settings import commands, queries

router = APIRouter(prefix="/api/v1/risk/settings", tags=["settings"], responses=PROBLEM_RESPONSES)


@router.get(
    "", summary="The tenant's risk settings: bands, prioritisation rule, suggestion rule, yearly analyses"
)
async def get_settings(ctx: Query, response: Response) -> RiskSettingsRead:
    return with_etag(response, RiskSettingsRead.model_validate(queries.view(await queries.settings(ctx))))


@router.patch(
    "", summary="Change the settings (RISK_MANAGE over the whole organisation); nested objects merge"
)
async def patch_settings(body: RiskSettingsPatch, ctx: Command, response: Response) -> RiskSettingsRead:
    stored = await commands.change(ctx, body.command())
    return with_etag(response, RiskSettingsRead.model_validate(queries.view(stored)))
