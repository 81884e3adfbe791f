"""The two ways a domain rule refuses: bad input (422, naming the field) or not allowed now (409)."""

from __future__ import annotations


class RuleViolation(ValueError):
    """A domain rule refused the input; `field` names the input at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StateViolation(ValueError):
    """The object's state does not allow the step (a 409 in the API)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
