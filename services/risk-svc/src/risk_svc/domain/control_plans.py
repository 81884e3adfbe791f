"""Internkontrollplan (KL 6 kap 6 §): one per nämnd and year, adopted by the nämnd, followed up at
T1, T2 and årsbokslut; each row (kontrollmoment) schedules its controls by frequency. Besides the
controls of prioritised risks, the plan holds the follow-up of units run by private providers
(seed 003 §1.4, §4.1): avtalsuppföljning, and the MAS's tillsyn of their health care."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from platform_shared.decisions import Decision, DecisionBody
from risk_svc.domain.model import RuleViolation

_MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


class PlanStatus(StrEnum):
    DRAFT = "draft"
    ADOPTED = "adopted"
    FOLLOWED_UP = "followed_up"


class ControlMethod(StrEnum):
    STICKPROV = "stickprov"
    AKTGRANSKNING = "aktgranskning"
    LOGGKONTROLL = "loggkontroll"
    STATISTIK = "statistik"
    ENKAT = "enkat"


class Frequency(StrEnum):
    MANADSVIS = "manadsvis"
    KVARTALSVIS = "kvartalsvis"
    TERTIALVIS = "tertialvis"
    HALVARSVIS = "halvarsvis"
    ARSVIS = "arsvis"

    @property
    def per_year(self) -> int:
        return {"manadsvis": 12, "kvartalsvis": 4, "tertialvis": 3, "halvarsvis": 2, "arsvis": 1}[self.value]


class Occasion(StrEnum):
    """When the nämnd is told: tertial 1 (Jan–Apr), tertial 2 (to 31 Aug), årsbokslut."""

    T1 = "t1"
    T2 = "t2"
    ARSBOKSLUT = "arsbokslut"

    @property
    def last_month(self) -> int:
        return {"t1": 4, "t2": 8, "arsbokslut": 12}[self.value]

    def cutoff(self, year: int) -> date:
        """The last day the occasion covers."""
        return _month_end(year, self.last_month)


OCCASION_ORDER = (Occasion.T1, Occasion.T2, Occasion.ARSBOKSLUT)
OCCASION_LABELS: dict[Occasion, str] = {
    Occasion.T1: "tertial 1",
    Occasion.T2: "tertial 2",
    Occasion.ARSBOKSLUT: "årsbokslutet",
}


class ControlKind(StrEnum):
    INTERNKONTROLL = "internkontroll"  # a kontrollmoment for a prioritised risk
    AVTALSUPPFOLJNING = "avtalsuppfoljning"  # the nämnd follows up a provider's contract (KL 10 kap. 8 §)
    MAS_TILLSYN = "mas_tillsyn"  # the MAS supervises HSL at a provider in private regi


PROVIDER_KINDS = frozenset({ControlKind.AVTALSUPPFOLJNING, ControlKind.MAS_TILLSYN})


def check_row_kind(
    kind: ControlKind, has_risk: bool, unit_regi: str | None, unit_laws: Iterable[str]
) -> None:
    """An internkontroll row controls a prioritised risk; a provider follow-up is planned for a unit
    in private regi during the plan year (a risk it addresses is optional), and the MAS's tillsyn
    only where the unit gives health care (HSL)."""
    if kind is ControlKind.INTERNKONTROLL:
        if not has_risk:
            raise RuleViolation("Ett kontrollmoment i internkontrollen avser en prioriterad risk", "risk_id")
        return
    if unit_regi != "privat":
        raise RuleViolation("Avtalsuppföljning och MAS-tillsyn planeras för enheter i privat regi", "unit_id")
    if kind is ControlKind.MAS_TILLSYN and "HSL" not in set(unit_laws):
        raise RuleViolation("MAS-tillsyn avser en enhet med hälso- och sjukvård enligt HSL", "unit_id")


class ControlStatus(StrEnum):
    SCHEDULED = "scheduled"
    PERFORMED = "performed"
    MISSED = "missed"  # not performed and its due date has passed (derived, never stored)


class ControlResult(StrEnum):
    OK = "ok"
    AVVIKELSER = "avvikelser"


@dataclass(frozen=True)
class ControlPeriod:
    start: date
    end: date

    @property
    def due_date(self) -> date:
        return self.end


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def control_periods(year: int, frequency: Frequency, decided_on: date | None = None) -> list[ControlPeriod]:
    """The periods a row is controlled in, each due on its last day: monthly → 12, quarterly → 4,
    per tertial → 3, half-yearly → 2, yearly → 1. A period that ended before the nämnd's decision
    is not scheduled (nobody can be asked to have controlled it under this plan)."""
    months = 12 // frequency.per_year
    periods = []
    for index in range(frequency.per_year):
        first = index * months + 1
        period = ControlPeriod(date(year, first, 1), _month_end(year, first + months - 1))
        if decided_on is None or period.end >= decided_on:
            periods.append(period)
    return periods


def check_draft(status: PlanStatus) -> None:
    if status is not PlanStatus.DRAFT:
        raise RuleViolation("En antagen plan ändras bara genom ett nytt beslut i nämnden", state=True)


def adoption_window(year: int, window_months: int) -> tuple[date, date]:
    """The days the plan for `year` may be adopted on: from `window_months` months before the year
    to its eve (6 → 1 July to 31 December the year before)."""
    months = (year * 12) - window_months  # months since year 0 of the window's first month (0-based)
    return date(months // 12, months % 12 + 1, 1), date(year - 1, 12, 31)


def check_adoption_window(year: int, decided_on: date, window_months: int) -> None:
    """A plan for a coming year is adopted before its year, within the tenant's window (409)."""
    first, last = adoption_window(year, window_months)
    if not first <= decided_on <= last:
        raise RuleViolation(
            f"Internkontrollplanen för {year} antas före året, tidigast {first.day} "
            f"{_MONTHS[first.month - 1]} {first.year} och senast {last.day} {_MONTHS[last.month - 1]} "
            f"{last.year}",
            state=True,
        )


def adopt(
    status: PlanStatus, rows: int, decision: Decision, today: date, year: int, window_months: int
) -> PlanStatus:
    """The nämnd adopts a draft with at least one row at a meeting (its date and §, recorded by the
    socialchef, förvaltningschef or a kvalitetsledare: platform_shared.decisions), before the plan's
    year and within the tenant's window."""
    check_draft(status)
    if rows == 0:
        raise RuleViolation("En plan utan kontrollmoment kan inte antas", state=True)
    if decision.body is not DecisionBody.NAMND:
        raise RuleViolation("Internkontrollplanen antas av nämnden vid ett sammanträde", "meeting_date")
    if decision.decided_on > today:
        raise RuleViolation("Ett beslut kan inte registreras i förväg", "meeting_date")
    check_adoption_window(year, decision.decided_on, window_months)
    return PlanStatus.ADOPTED


def follow_up(
    status: PlanStatus, done: Iterable[Occasion], occasion: Occasion, today: date, year: int
) -> PlanStatus:
    """Follow-ups come in order (T1, T2, årsbokslut), once each, after the period they cover ends."""
    if status is PlanStatus.DRAFT:
        raise RuleViolation("En plan i utkast följs inte upp; nämnden antar den först", state=True)
    done_set = set(done)
    label = OCCASION_LABELS[occasion]
    if occasion in done_set:
        raise RuleViolation(f"Planen är redan uppföljd vid {label}", state=True)
    missing = [
        OCCASION_LABELS[o] for o in OCCASION_ORDER[: OCCASION_ORDER.index(occasion)] if o not in done_set
    ]
    if missing:
        raise RuleViolation(f"Följ först upp {' och '.join(missing)}", state=True)
    if today <= occasion.cutoff(year):
        raise RuleViolation(
            f"Uppföljningen vid {label} avser planåret till och med {occasion.cutoff(year)}; "
            "följ upp efter det",
            state=True,
        )
    return PlanStatus.FOLLOWED_UP


def control_status(performed: bool, due_date: date, today: date) -> ControlStatus:
    if performed:
        return ControlStatus.PERFORMED
    return ControlStatus.MISSED if today > due_date else ControlStatus.SCHEDULED


def check_perform(
    plan_status: PlanStatus,
    performed: bool,
    result: ControlResult,
    findings: int,
    performed_on: date,
    period: ControlPeriod,
    today: date,
) -> bool:
    """A control of an adopted plan is performed once; avvikelser come with findings, ok without.
    Returns whether it was performed on time (by its due date); a late control is still recorded."""
    if plan_status is PlanStatus.DRAFT:
        raise RuleViolation("Kontroller hör till en antagen plan", state=True)
    if performed:
        raise RuleViolation("Kontrollen är redan utförd", state=True)
    if result is ControlResult.AVVIKELSER and findings == 0:
        raise RuleViolation("En kontroll med avvikelser har minst ett fynd", "findings")
    if result is ControlResult.OK and findings:
        raise RuleViolation("En kontroll utan avvikelser har inga fynd", "findings")
    if performed_on > today:
        raise RuleViolation("Dagen för kontrollen kan inte ligga i framtiden", "performed_on")
    if performed_on < period.start:
        raise RuleViolation("Dagen för kontrollen ligger före perioden som kontrollen avser", "performed_on")
    return performed_on <= period.due_date


def check_add_finding(plan_status: PlanStatus, performed: bool) -> None:
    if plan_status is PlanStatus.DRAFT or not performed:
        raise RuleViolation("Fynd registreras på en utförd kontroll", state=True)


@dataclass(frozen=True)
class ControlFacts:
    due_date: date
    performed: bool
    result: ControlResult | None
    on_time: bool | None


def follow_up_figures(controls: Iterable[ControlFacts], cutoff: date) -> dict[str, int]:
    """What the nämnd is told at a follow-up: the controls due up to the occasion's cutoff."""
    due = [c for c in controls if c.due_date <= cutoff]
    performed = [c for c in due if c.performed]
    return {
        "due": len(due),
        "performed": len(performed),
        "ok": sum(c.result is ControlResult.OK for c in performed),
        "avvikelser": sum(c.result is ControlResult.AVVIKELSER for c in performed),
        "performed_late": sum(c.on_time is False for c in performed),
        "missed": len(due) - len(performed),
    }
