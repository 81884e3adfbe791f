"""What every reporting route needs about the caller and the service, as one dependency."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.access import Authorizer, Principal
from platform_shared.api.deps import AuthorizerDep, CurrentPrincipal, DirectoryDep, RuntimeDep, SessionDep
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.runtime import ServiceRuntime
from reporting_svc.config import ReportingSettings
from reporting_svc.domain.settings import TenantSettings
from reporting_svc.service_layer import tenant
from reporting_svc.service_layer.scope import StatsScope, stats_scope
from reporting_svc.service_layer.statistics import Statistics


@dataclass
class Context:
    principal: Principal
    session: AsyncSession
    directory: OrgDirectory
    authz: Authorizer
    runtime: ServiceRuntime

    @property
    def settings(self) -> ReportingSettings:
        return cast(ReportingSettings, self.runtime.settings)

    async def tenant(self) -> TenantSettings:
        return await tenant.load(self.session, self.settings)

    def statistics(self) -> Statistics:
        return Statistics(self.session, self.runtime.replica)

    async def scope(self, unit_id: uuid.UUID | None) -> StatsScope:
        return await stats_scope(
            self.principal, self.authz, self.directory, self.session, self.runtime.replica, unit_id
        )


def get_context(
    principal: CurrentPrincipal,
    session: SessionDep,
    directory: DirectoryDep,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
) -> Context:
    return Context(principal, session, directory, authz, runtime)


ContextDep = Annotated[Context, Depends(get_context)]
