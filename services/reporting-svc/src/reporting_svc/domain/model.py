"""What every reporting rule may raise."""

from __future__ import annotations


class RuleViolation(ValueError):
    """A domain rule refused the input; `field` names the input at fault (None: the state is wrong)."""

    def __init__(self, message: str, field: str | None = None, *, state: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.state = state  # True: not allowed in the current state (409), else bad input (422)
