"""The routers of /api/v1/risk/...: thin — access, If-Match, one handler call, a view."""

from __future__ import annotations

from fastapi import APIRouter

from risk_svc.entrypoints.api.routes import analyses, controls, plans, risks, self_assessments, settings

ROUTERS: list[APIRouter] = [
    risks.router,
    risks.matrix_router,
    analyses.router,
    plans.router,
    controls.router,
    self_assessments.router,
    settings.router,
]
