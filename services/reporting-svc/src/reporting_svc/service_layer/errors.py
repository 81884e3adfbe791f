from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from platform_shared.errors import DomainError, FieldError, InvalidTransition, ValidationFailed
from reporting_svc.domain.model import RuleViolation


def to_problem(err: RuleViolation) -> DomainError:
    if err.state:
        return InvalidTransition(err.message)
    return ValidationFailed(err.message, errors=[FieldError(err.field or "body", err.message)])


@contextmanager
def domain_rules() -> Iterator[None]:
    """A refused domain rule becomes the matching problem response (409 state, 422 input)."""
    try:
        yield
    except RuleViolation as err:
        raise to_problem(err) from err
