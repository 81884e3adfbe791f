"""The one place errors become RFC 9457 application/problem+json: domain errors (platform_shared.errors),
request validation, and Starlette's own HTTP errors (unknown path, wrong method)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from platform_shared.api.http_problems import http_problem
from platform_shared.api.validation_messages import swedish_validation
from platform_shared.errors import DomainError, NotAuthenticated, PreconditionFailed, ValidationFailed

PROBLEM_JSON = "application/problem+json"
# The one schema of every error answer (api/openapi_doc.py puts it in each OpenAPI document).
PROBLEM_SCHEMA_REF = "#/components/schemas/Problem"


@dataclass
class Problem:
    status: int
    type: str
    title: str
    detail: str
    errors: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, exc: DomainError) -> Problem:
        return cls(exc.status, exc.type_, exc.title, exc.detail, [e.__dict__ for e in exc.errors])

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = self.errors
        return JSONResponse(body, status_code=self.status, media_type=PROBLEM_JSON, headers=headers)


async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    headers = {"WWW-Authenticate": exc.challenge()} if isinstance(exc, NotAuthenticated) else None
    return Problem.of(exc).response(headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    swedish = swedish_validation(exc.errors())
    return Problem(422, ValidationFailed.type_, swedish.title, swedish.detail, swedish.errors).response()


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    problem = Problem(exc.status_code, *http_problem(exc.status_code, str(exc.detail)))
    return problem.response(dict(exc.headers) if exc.headers else None)


async def _stale_write(request: Request, exc: Exception) -> JSONResponse:
    """A concurrent writer moved a row's version before this request's write reached the database
    (an autoflush before the commit): the same 412 as at commit."""
    return await _domain_error(request, PreconditionFailed("Objektet ändrades av någon annan; läs det igen"))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(StaleDataError, _stale_write)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}}}
    for code, text in (
        (401, "No or invalid token"),
        (403, "Not allowed"),
        (404, "Not found or not visible"),
        (409, "Not allowed in this state"),
        (412, "Stale If-Match"),
        (422, "Invalid input"),
    )
}
