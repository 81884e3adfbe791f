"""Request and response models of the tenant's risk settings."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from platform_shared.api.types import Count
from risk_svc.entrypoints.api.schemas.common import Input
from risk_svc.service_layer.settings.commands import ChangeSettings


class BandsIn(Input):
    medium_from: Count | None = Field(default=None, ge=2, le=16)
    high_from: Count | None = Field(default=None, ge=2, le=16)
    very_high_from: Count | None = Field(default=None, ge=2, le=16)


class PrioritisationIn(Input):
    min_risk_value: Count | None = Field(default=None, ge=1, le=16)
    min_consequence: Count | None = Field(default=None, ge=1, le=4)


class SuggestionRuleIn(Input):
    period_months: Count | None = None
    periods: Count | None = None
    min_count: Count | None = None
    rise_factor: float | None = None
    recurring_periods: Count | None = None
    severe_from: Count | None = None


class RiskSettingsPatch(Input):
    bands: BandsIn | None = None
    prioritisation: PrioritisationIn | None = Field(
        default=None, description="Set a member to null to drop that arm of the rule"
    )
    suggestions: SuggestionRuleIn | None = None
    yearly_analysis_levels: list[str] | None = None
    plan_adoption_window_months: int | None = Field(
        default=None,
        ge=1,
        le=12,
        description="The internkontrollplan is adopted before its year, at the earliest this many months "
        "before it (default 6)",
    )

    def command(self) -> ChangeSettings:
        """What the request changes: members left out or null of bands and suggestions keep their value;
        a null member of prioritisation drops that arm of the rule."""
        changes: dict[str, Any] = self.model_dump(exclude_unset=True)
        if changes.get("plan_adoption_window_months", 0) is None:
            changes.pop("plan_adoption_window_months")
        for name in ("bands", "suggestions", "prioritisation"):
            if changes.get(name) is None:
                changes.pop(name, None)
            elif name != "prioritisation":
                changes[name] = {k: v for k, v in changes[name].items() if v is not None}
        return ChangeSettings(changes)


class BandsRead(BaseModel):
    medium_from: int
    high_from: int
    very_high_from: int


class PrioritisationRead(BaseModel):
    min_risk_value: int | None
    min_consequence: int | None


class SuggestionRuleRead(BaseModel):
    period_months: int
    periods: int
    min_count: int
    rise_factor: float
    recurring_periods: int
    severe_from: int


class RiskSettingsRead(BaseModel):
    bands: BandsRead
    prioritisation: PrioritisationRead
    suggestions: SuggestionRuleRead
    yearly_analysis_levels: list[str] | None
    plan_adoption_window_months: int
    version: int
