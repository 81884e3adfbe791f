"""What every service's OpenAPI document (and the embedded runner's merged one) says beyond its routes:
how to authenticate (a bearer `securitySchemes`, with the issuer's OIDC discovery URL when one is
configured) on every operation that needs a token, and one `Problem` schema (RFC 9457) for every error
answer. Done once, when the document is first asked for: nothing on the request path."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from platform_shared.api.context import command_context, query_context
from platform_shared.api.deps import current_principal
from platform_shared.api.problems import PROBLEM_JSON, PROBLEM_SCHEMA_REF

# Every way a route gets its caller runs through one of these (docs/ENGINEERING.md).
AUTHENTICATING: frozenset[Callable[..., Any]] = frozenset({current_principal, query_context, command_context})
BEARER = "bearer"
OIDC = "oidc"


class ProblemFieldError(BaseModel):
    field: str = Field(description="The input the message is about (`body.unit_id`, `If-Match`, …)")
    message: str = Field(description="What is wrong with it, in Swedish")


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (`application/problem+json`); `title` and `detail` are
    Swedish."""

    type: str = Field(description="A URI naming the kind of problem", examples=["/problems/not-found"])
    title: str = Field(examples=["Hittades inte"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["Avvikelsen finns inte"])
    errors: list[ProblemFieldError] | None = Field(default=None, description="Each bad input (422)")


# What the HTTP layer answers by itself (platform_shared.api.limits, overload, the framework's body
# parsing), before or around any route: documented on every operation it can happen to.
_HTTP_LAYER_ANSWERS = (
    ("431", "Headers (or the token) too large"),
    ("503", "Overloaded: try again after Retry-After seconds"),
)
_BODY_ANSWERS = (
    ("400", "A body that cannot be read (not UTF-8, not the declared form)"),
    ("413", "Body larger than the operation takes"),
    ("415", "A content type the operation does not take"),
)


def document_api(app: FastAPI, oidc_issuer: str | None = None) -> None:
    """`app.openapi()` with the security schemes, each protected operation's security, and the Problem
    schema on every error answer."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe(generate(), app.routes, oidc_issuer)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def describe(spec: dict[str, Any], routes: Iterable[Any], oidc_issuer: str | None) -> dict[str, Any]:
    components = spec.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(security_schemes(oidc_issuer))
    schemas = components.setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    requirement: list[dict[str, list[str]]] = [{BEARER: []}]
    if oidc_issuer:
        requirement.append({OIDC: []})
    for route in routing.iter_route_contexts(list(routes)):  # (included routers with their prefixes)
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        protected = _authenticates(route.dependant)
        for method in route.methods or ():
            operation = spec.get("paths", {}).get(route.path_format or "", {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status, text in _HTTP_LAYER_ANSWERS:
                responses.setdefault(status, {"description": text})
            if "requestBody" in operation:
                for status, text in _BODY_ANSWERS:
                    responses.setdefault(status, {"description": text})
            if protected:
                operation["security"] = requirement
                operation.setdefault("responses", {}).setdefault(
                    "401", {"description": "No token, or one that is not valid"}
                )
            for status, answer in operation.get("responses", {}).items():
                if status[:1] in ("4", "5"):
                    answer["content"] = {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}}
    if not _referenced(spec, "#/components/schemas/HTTPValidationError"):
        schemas.pop("HTTPValidationError", None)
        if not _referenced(spec, "#/components/schemas/ValidationError"):
            schemas.pop("ValidationError", None)
    return spec


def security_schemes(oidc_issuer: str | None) -> dict[str, Any]:
    schemes: dict[str, Any] = {
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An access token: from the OIDC issuer in production, a dev token "
            "(var/dev-tokens.json) in the embedded default. Roles come from the organisation, "
            "never from the token.",
        }
    }
    if oidc_issuer:
        schemes[OIDC] = {
            "type": "openIdConnect",
            "openIdConnectUrl": f"{oidc_issuer.rstrip('/')}/.well-known/openid-configuration",
            "description": "The configured OIDC issuer (its discovery document)",
        }
    return schemes


def _authenticates(dependant: Dependant) -> bool:
    return dependant.call in AUTHENTICATING or any(_authenticates(d) for d in dependant.dependencies)


def _referenced(node: Any, ref: str) -> bool:
    if isinstance(node, dict):
        return node.get("$ref") == ref or any(_referenced(v, ref) for v in node.values())
    if isinstance(node, list):
        return any(_referenced(v, ref) for v in node)
    return False
