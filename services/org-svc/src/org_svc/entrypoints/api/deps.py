"""org-svc's two dependencies: the shared command and query contexts, typed with its components."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from org_svc.service_layer.context import CommandCtx, QueryCtx
from platform_shared.api.context import command_context, query_context

Command = Annotated[CommandCtx, Depends(command_context)]
Query = Annotated[QueryCtx, Depends(query_context)]
