"""Tenant settings kept as data: the risk bands, the prioritisation rule, the suggestion rule and which
unit levels owe a yearly risk analysis. Defaults from docs/domain.md 6; every change is validated here."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from platform_shared.patterns import PatternThresholds
from risk_svc.domain.model import BandThresholds, RuleViolation

UNIT_LEVELS = ("namnd", "forvaltning", "avdelning", "verksamhetsomrade", "enhet")
PERIOD_MONTHS = (1, 2, 3, 4, 6, 12)
MAX_WINDOW_MONTHS = 12


@dataclass(frozen=True)
class PriorityRule:
    """A risk is proposed for prioritisation (→ internkontrollplan) when its value reaches
    `min_risk_value` or its consequence reaches `min_consequence` (default: ≥ 8 or consequence 4)."""

    min_risk_value: int | None = 8
    min_consequence: int | None = 4

    def proposes(self, risk_value: int, consequence: int) -> bool:
        by_value = self.min_risk_value is not None and risk_value >= self.min_risk_value
        by_consequence = self.min_consequence is not None and consequence >= self.min_consequence
        return by_value or by_consequence

    def check(self) -> PriorityRule:
        if self.min_risk_value is None and self.min_consequence is None:
            raise RuleViolation(
                "Regeln behöver ett lägsta riskvärde, en lägsta konsekvens eller båda", "prioritisation"
            )
        if self.min_risk_value is not None and not 1 <= self.min_risk_value <= 16:
            raise RuleViolation("Lägsta riskvärde ska vara mellan 1 och 16", "prioritisation.min_risk_value")
        if self.min_consequence is not None and not 1 <= self.min_consequence <= 4:
            raise RuleViolation("Lägsta konsekvens ska vara mellan 1 och 4", "prioritisation.min_consequence")
        return self


@dataclass(frozen=True)
class SuggestionRule:
    """How an analysis looks back: `periods` periods of `period_months` months ending with the month of
    the analysis; the pattern thresholds (platform_shared.patterns); and from which severity
    (konsekvens 1–4) a single deviation counts as a severe event."""

    period_months: int = 3
    periods: int = 4
    min_count: int = 3
    rise_factor: float = 1.5
    recurring_periods: int = 3
    severe_from: int = 3

    def pattern_thresholds(self) -> PatternThresholds:
        return PatternThresholds(self.min_count, self.rise_factor, self.recurring_periods)

    def check(self) -> SuggestionRule:
        prefix = "suggestions."
        if self.period_months not in PERIOD_MONTHS:
            months = ", ".join(str(m) for m in PERIOD_MONTHS[:-1]) + f" eller {PERIOD_MONTHS[-1]}"
            raise RuleViolation(f"Periodens längd ska vara {months} månader", prefix + "period_months")
        if not 2 <= self.periods <= 24:
            raise RuleViolation("Antalet perioder ska vara mellan 2 och 24", prefix + "periods")
        if self.min_count < 1:
            raise RuleViolation("Lägsta antal ska vara minst 1", prefix + "min_count")
        if self.rise_factor < 1:
            raise RuleViolation("Ökningsfaktorn ska vara minst 1", prefix + "rise_factor")
        if not 2 <= self.recurring_periods <= self.periods:
            raise RuleViolation(
                "Antalet återkommande perioder ska vara mellan 2 och antalet perioder",
                prefix + "recurring_periods",
            )
        if not 1 <= self.severe_from <= 4:
            raise RuleViolation(
                "Gränsen för allvarliga händelser ska vara mellan 1 och 4", prefix + "severe_from"
            )
        return self


@dataclass(frozen=True)
class TenantSettings:
    bands: BandThresholds = field(default_factory=BandThresholds)
    prioritisation: PriorityRule = field(default_factory=PriorityRule)
    suggestions: SuggestionRule = field(default_factory=SuggestionRule)
    yearly_analysis_levels: tuple[str, ...] | None = None  # None: every unit
    # The nämnd adopts the internkontrollplan for a year before the year begins, at the earliest this
    # many months before it (6: from 1 July the year before; issue 12, docs/risk.md).
    plan_adoption_window_months: int = 6

    def owes_yearly_analysis(self, level: str) -> bool:
        return self.yearly_analysis_levels is None or level in self.yearly_analysis_levels

    def to_document(self) -> dict[str, Any]:
        return {
            "bands": asdict(self.bands),
            "prioritisation": asdict(self.prioritisation),
            "suggestions": asdict(self.suggestions),
            "yearly_analysis_levels": (
                list(self.yearly_analysis_levels) if self.yearly_analysis_levels is not None else None
            ),
            "plan_adoption_window_months": self.plan_adoption_window_months,
        }

    @classmethod
    def from_document(cls, document: dict[str, Any] | None) -> TenantSettings:
        return DEFAULT_SETTINGS.merged(document or {})

    def merged(self, patch: dict[str, Any]) -> TenantSettings:
        """These settings with `patch` applied (nested objects merge field by field), validated."""
        known = {
            "bands",
            "prioritisation",
            "suggestions",
            "yearly_analysis_levels",
            "plan_adoption_window_months",
        }
        for key in patch:
            if key not in known:
                raise RuleViolation("Okänd inställning", key)
        bands = _patched(self.bands, patch.get("bands"), "bands").check()
        rule = _patched(self.prioritisation, patch.get("prioritisation"), "prioritisation").check()
        suggestions = _patched(self.suggestions, patch.get("suggestions"), "suggestions").check()
        levels = self.yearly_analysis_levels
        if "yearly_analysis_levels" in patch:
            raw = patch["yearly_analysis_levels"]
            if raw is not None:
                unknown = [lvl for lvl in raw if lvl not in UNIT_LEVELS]
                if unknown or not raw:
                    raise RuleViolation(
                        "Ange organisationsnivåer bland nämnd, förvaltning, avdelning, verksamhetsområde "
                        "och enhet, eller inga (alla enheter)",
                        "yearly_analysis_levels",
                    )
                raw = tuple(dict.fromkeys(raw))
            levels = raw
        window = patch.get("plan_adoption_window_months", self.plan_adoption_window_months)
        if not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= MAX_WINDOW_MONTHS:
            raise RuleViolation(
                f"Fönstret för att anta internkontrollplanen är 1–{MAX_WINDOW_MONTHS} månader före året",
                "plan_adoption_window_months",
            )
        return TenantSettings(bands, rule, suggestions, levels, window)


def _patched(current: Any, patch: dict[str, Any] | None, name: str) -> Any:
    if not patch:
        return current
    fields = set(asdict(current))
    for key in patch:
        if key not in fields:
            raise RuleViolation("Okänd inställning", f"{name}.{key}")
    return replace(current, **patch)


DEFAULT_SETTINGS = TenantSettings()
