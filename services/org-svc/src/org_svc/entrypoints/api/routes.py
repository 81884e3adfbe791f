"""org-svc's API under /api/v1/org: units over time, people and roles, delegations and duties,
integration clients, bulk import, and the audit log."""

from __future__ import annotations

from fastapi import APIRouter

from org_svc.entrypoints.api import (
    audit,
    clients,
    delegations,
    documents,
    imports,
    information,
    people,
    units,
)
from platform_shared.api.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/v1/org", tags=["org"], responses=PROBLEM_RESPONSES)
for module in (units, people, delegations, clients, imports, audit, documents, information):
    router.include_router(module.router)
