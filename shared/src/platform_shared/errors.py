"""Errors a client can cause, one class per kind, identical in every service. Plain Python: the domain
and the service layer raise them; `platform_shared.api.problems` turns them into problem+json in one
place (RFC 9457). Titles and details are Swedish: a person reads them.

| kind                                   | class              | status | type                            |
| -------------------------------------- | ------------------ | ------ | ------------------------------- |
| no or bad token                        | NotAuthenticated   | 401    | /problems/unauthenticated       |
| the role does not allow it here        | Forbidden          | 403    | /problems/forbidden             |
| unknown, or not visible to the caller  | NotFound           | 404    | /problems/not-found             |
| not allowed in the object's state      | InvalidTransition  | 409    | /problems/invalid-transition    |
| the unique thing exists already        | AlreadyExists      | 409    | /problems/already-exists        |
| If-Match names another version         | PreconditionFailed | 412    | /problems/precondition-failed   |
| bad input (naming the field)           | ValidationFailed   | 422    | /problems/validation            |

A domain rule raises `RuleViolation(message, field)` (bad input, 422) or `RuleViolation(message,
state=True)` (wrong state, 409); it needs no translation on its way out.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass
class FieldError:
    field: str
    message: str


class DomainError(Exception):
    """Base of errors a client can cause; rendered as problem+json, never as a 500."""

    status: int = 400
    type_: str = "/problems/bad-request"
    title: str = "Felaktig begäran"

    def __init__(self, detail: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    @property
    def message(self) -> str:
        return self.detail


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
        ascii_text = unicodedata.normalize("NFKD", self.detail)  # "är" → "ar"
        description = "".join(c for c in ascii_text if " " <= c <= "~" and c not in '"\\')
        return f'Bearer error="invalid_token", error_description="{description}"'


class Forbidden(DomainError):
    status, type_, title = 403, "/problems/forbidden", "Åtgärden är inte tillåten"


class NotFound(DomainError):
    status, type_, title = 404, "/problems/not-found", "Finns inte"


class InvalidTransition(DomainError):
    status, type_, title = 409, "/problems/invalid-transition", "Inte tillåtet i detta läge"


class AlreadyExists(DomainError):
    status, type_, title = 409, "/problems/already-exists", "Finns redan"


class Conflict(DomainError):
    """Deprecated: org-svc and risk-svc use it for both a wrong state and a duplicate. Converting a
    service replaces it by InvalidTransition or AlreadyExists (docs/ENGINEERING.md)."""

    status, type_, title = 409, "/problems/conflict", "Konflikt"


class PreconditionFailed(DomainError):
    status, type_, title = 412, "/problems/precondition-failed", "Objektet har ändrats"


class ValidationFailed(DomainError):
    status, type_, title = 422, "/problems/validation", "Ogiltiga uppgifter"


def invalid(field: str, message: str, detail: str | None = None) -> ValidationFailed:
    """Bad input in one field (422)."""
    return ValidationFailed(detail or message, errors=[FieldError(field, message)])


class RuleViolation(DomainError):
    """A domain rule refused: bad input (422, naming `field`) or, with `state=True`, a step not allowed
    in the object's current state (409 invalid-transition)."""

    def __init__(self, message: str, field: str | None = None, *, state: bool = False) -> None:
        super().__init__(message, errors=[] if state else [FieldError(field or "body", message)])
        self.field = field
        self.state = state
        kind = InvalidTransition if state else ValidationFailed
        self.status, self.type_, self.title = kind.status, kind.type_, kind.title


def check_version(expected: int | None, actual: int) -> None:
    """412 when the client's If-Match names another version than the stored one."""
    if expected is not None and expected != actual:
        raise PreconditionFailed(f"Objektet har ändrats (version {actual}); läs det igen")
