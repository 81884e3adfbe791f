"""Domain errors and their RFC 9457 problem+json rendering, identical in every service."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"


@dataclass
class FieldError:
    field: str
    message: str


class DomainError(Exception):
    """Base of errors a client can cause; rendered as problem+json, never as a 500."""

    status = 400
    type_ = "/problems/bad-request"
    title = "Felaktig begäran"

    def __init__(self, detail: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class NotAuthenticated(DomainError):
    """No bearer token (RFC 6750: the challenge then names no error)."""

    status, type_, title = 401, "/problems/unauthenticated", "Inte inloggad"

    def challenge(self) -> str:
        return "Bearer"


class InvalidToken(NotAuthenticated):
    """A bearer token that is expired, malformed, not signed by the issuer, not meant for this API,
    or whose subject is not known here."""

    def challenge(self) -> str:
        # error_description is a quoted string of printable ASCII without '"' or '\' (RFC 6750 3).
        description = "".join(c for c in self.detail if " " <= c <= "~" and c not in '"\\')
        return f'Bearer error="invalid_token", error_description="{description}"'


class Forbidden(DomainError):
    status, type_, title = 403, "/problems/forbidden", "Åtgärden är inte tillåten"


class NotFound(DomainError):
    status, type_, title = 404, "/problems/not-found", "Finns inte"


class InvalidTransition(DomainError):
    status, type_, title = 409, "/problems/invalid-transition", "Inte tillåtet i detta läge"


class Conflict(DomainError):
    status, type_, title = 409, "/problems/conflict", "Konflikt"


class PreconditionFailed(DomainError):
    status, type_, title = 412, "/problems/precondition-failed", "Objektet har ändrats"


class ValidationFailed(DomainError):
    status, type_, title = 422, "/problems/validation", "Ogiltiga uppgifter"


@dataclass
class Problem:
    status: int
    type: str
    title: str
    detail: str
    errors: list[dict[str, str]] = field(default_factory=list)

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


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or ".".join(str(p) for p in loc)


async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    headers = {"WWW-Authenticate": exc.challenge()} if isinstance(exc, NotAuthenticated) else None
    return Problem(exc.status, exc.type_, exc.title, exc.detail, [e.__dict__ for e in exc.errors]).response(
        headers
    )


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _field_name(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return Problem(422, ValidationFailed.type_, ValidationFailed.title, detail, errors).response()


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug = {404: "not-found", 405: "method-not-allowed", 401: "unauthenticated"}.get(
        exc.status_code, "http-error"
    )
    return Problem(exc.status_code, f"/problems/{slug}", str(exc.detail), str(exc.detail)).response(
        dict(exc.headers) if exc.headers else None
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {PROBLEM_JSON: {}}}
    for code, text in (
        (401, "No or invalid token"),
        (403, "Not allowed"),
        (404, "Not found or not visible"),
        (409, "Not allowed in this state"),
        (412, "Stale If-Match"),
        (422, "Invalid input"),
    )
}
