from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from org_svc.adapters.orm import Base, idempotency, messaging, replica
from org_svc.config import OrgSettings, get_settings
from org_svc.entrypoints.api import openapi_docs
from org_svc.entrypoints.api.routes import router
from org_svc.service_layer import handlers
from org_svc.service_layer.audit import audit_consumer
from org_svc.service_layer.context import Components
from org_svc.service_layer.documents import proposals as document_proposals
from org_svc.service_layer.documents import reviews as document_reviews
from platform_shared.api.app import create_service_app
from platform_shared.auth.tokens import DevTokens
from platform_shared.messaging.transport import Transport
from platform_shared.runtime import ServiceDefinition, ServiceRuntime
from platform_shared.timeutil import Clock, utc_now

SERVICE_ROOT = Path(__file__).resolve().parents[2]

DEFINITION = ServiceDefinition(
    name="org",
    title="org-svc: organisation, people, roles, delegations, clients, audit",
    metadata=Base.metadata,
    messaging=messaging,
    replica=replica,
    alembic_ini=SERVICE_ROOT / "alembic.ini",
    routers=[router],
    extra_consumers=lambda _rt: [audit_consumer(), document_proposals.revision_proposals_consumer()],
    extra_workers=document_reviews.workers,
    consumes_org_events=False,
    idempotency=idempotency,
    operations=openapi_docs.OPERATIONS,
)


class OrgRuntime(ServiceRuntime):
    """The shared runtime with org-svc's components (handed to handlers as `ctx.parts`)."""

    settings: OrgSettings

    def __init__(
        self, settings: OrgSettings, *, transport: Transport | None = None, clock: Clock = utc_now
    ) -> None:
        super().__init__(DEFINITION, settings, transport=transport, clock=clock)
        self.components = Components(settings=settings, mint=self._mint)

    def _mint(self, subject: str) -> str | None:
        """A dev token for the subject in dev auth mode; None otherwise."""
        signer = self.verifier.inner
        return signer.mint(subject) if isinstance(signer, DevTokens) else None

    async def start(self) -> None:
        await super().start()
        if self.settings.bootstrap_admin_subject:
            async with self.uow() as uow:
                await handlers.bootstrap(
                    uow,
                    organisation_name=self.settings.organisation_name,
                    admin_subject=self.settings.bootstrap_admin_subject,
                    admin_email=self.settings.bootstrap_admin_email,
                    admin_name=self.settings.bootstrap_admin_name,
                )


def build_runtime(
    settings: OrgSettings | None = None, *, transport: Transport | None = None, clock: Clock = utc_now
) -> OrgRuntime:
    return OrgRuntime(settings or get_settings(), transport=transport, clock=clock)


def create_app(settings: OrgSettings | None = None) -> FastAPI:
    return create_service_app(build_runtime(settings))
