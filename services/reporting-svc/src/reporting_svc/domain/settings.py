"""The tenant's own reporting settings: the small-cell threshold, the pattern rule's thresholds and
how often an unsent IVO anmälan is reminded of."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from platform_shared.patterns import PatternThresholds
from reporting_svc.domain.model import RuleViolation
from reporting_svc.domain.suppression import check_threshold


@dataclass(frozen=True)
class TenantSettings:
    suppression_threshold: int = 5
    pattern_min_count: int = 3
    pattern_rise_factor: float = 1.5
    pattern_recurring_periods: int = 3
    ivo_reminder_interval_hours: float = 24.0

    @property
    def pattern_thresholds(self) -> PatternThresholds:
        return PatternThresholds(
            min_count=self.pattern_min_count,
            rise_factor=self.pattern_rise_factor,
            recurring_periods=self.pattern_recurring_periods,
        )

    def changed(self, **values: Any) -> TenantSettings:
        updated = replace(self, **values)
        updated.check()
        return updated

    def check(self) -> None:
        check_threshold(self.suppression_threshold)
        if not 1 <= self.pattern_min_count <= 1000:
            raise RuleViolation("Minsta antal för ett mönster ska vara 1–1000", "pattern_min_count")
        if not 1.0 < self.pattern_rise_factor <= 100:
            raise RuleViolation(
                "Ökningsfaktorn för ett mönster ska vara över 1 och högst 100", "pattern_rise_factor"
            )
        if not 2 <= self.pattern_recurring_periods <= 36:
            raise RuleViolation(
                "Antalet perioder för återkommande mönster ska vara 2–36", "pattern_recurring_periods"
            )
        if not 1 <= self.ivo_reminder_interval_hours <= 24 * 14:
            raise RuleViolation(
                "Påminnelseintervallet för IVO ska vara 1–336 timmar", "ivo_reminder_interval_hours"
            )
