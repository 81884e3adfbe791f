"""What every reporting rule may raise: the shared RuleViolation (422 naming the field, or with
`state=True` 409 for a step not allowed in the current state), translated in one place."""

from __future__ import annotations

from platform_shared.errors import RuleViolation

__all__ = ["RuleViolation"]
