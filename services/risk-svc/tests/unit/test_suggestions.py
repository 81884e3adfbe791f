from __future__ import annotations

import uuid
from datetime import date

from risk_svc.domain.risks import RiskSource
from risk_svc.domain.settings import SuggestionRule
from risk_svc.domain.suggestions import (
    ComplaintFact,
    ControlFact,
    DeviationFact,
    History,
    MissedDeadlineFact,
    OpenRiskFact,
    SuggestionKind,
    Window,
    lookback,
    suggest,
)

UNIT = uuid.uuid4()
ANCHOR = date(2026, 11, 25)
RULE = SuggestionRule()


def _deviations(category: str, *days: str, **extra: object) -> list[DeviationFact]:
    return [
        DeviationFact(uuid.uuid4(), UNIT, "avvikelse", category, date.fromisoformat(d), **extra)  # type: ignore[arg-type]
        for d in days
    ]


def test_lookback_is_whole_periods_ending_with_the_analysis_month() -> None:
    windows = lookback(ANCHOR, 3, 4)
    assert windows[-1] == Window(date(2026, 9, 1), date(2026, 12, 1))
    assert windows[0] == Window(date(2025, 12, 1), date(2026, 3, 1))
    assert [w.start.month for w in lookback(date(2026, 2, 10), 1, 3)] == [12, 1, 2]


def test_a_rising_category_in_the_unit_is_proposed_and_a_quiet_one_is_not() -> None:
    history = History(
        deviations=[
            *_deviations(
                "fall", "2026-01-10", "2026-04-02", "2026-09-05", "2026-10-01", "2026-10-20", "2026-11-02"
            ),
            *_deviations("lakemedel", "2026-10-12"),
        ]
    )
    found = suggest(history, RULE, ANCHOR)
    patterns = [s for s in found if s.kind is SuggestionKind.PATTERN]
    assert [s.category for s in patterns] == ["fall"]
    fall = patterns[0]
    assert fall.source is RiskSource.AVVIKELSER
    assert "rising" in fall.figures["pattern"]
    assert fall.figures["current"] == 4 and fall.figures["baseline"] == 0.67
    assert [p["count"] for p in fall.figures["periods"]] == [1, 1, 0, 4]
    assert len(fall.deviation_ids) == 4  # the current period's reports, to link the risk to


def test_a_category_recurring_in_consecutive_periods_is_proposed() -> None:
    history = History(deviations=_deviations("bemotande", "2026-04-01", "2026-07-01", "2026-10-01"))
    (found,) = suggest(history, RULE, ANCHOR)
    assert found.figures["pattern"] == ["recurring"]
    assert found.title.startswith("Återkommande avvikelser")


def test_rising_complaints_are_proposed_but_praise_is_not_a_risk() -> None:
    def complaint(kind: str, day: str) -> ComplaintFact:
        return ComplaintFact(uuid.uuid4(), UNIT, kind, "bemotande", date.fromisoformat(day))

    days = ("2026-09-10", "2026-10-10", "2026-11-10")
    praise = History(complaints=[complaint("berom", d) for d in days])
    assert suggest(praise, RULE, ANCHOR) == []
    complaints = History(complaints=[complaint("klagomal", d) for d in days])
    (found,) = suggest(complaints, RULE, ANCHOR)
    assert found.source is RiskSource.KLAGOMAL and len(found.complaint_ids) == 3


def test_severe_events_are_proposed_even_alone() -> None:
    history = History(
        deviations=[
            *_deviations("utforande", "2026-02-03", escalation="lex_sarah"),
            *_deviations("fall", "2026-06-03", severity=3),
            *_deviations("fall", "2026-06-04", severity=2),
            *_deviations("lakemedel", "2025-06-04", severity=4),  # before the lookback
        ]
    )
    found = {s.category: s for s in suggest(history, RULE, ANCHOR) if s.kind is SuggestionKind.SEVERE_EVENTS}
    assert set(found) == {"utforande", "fall"}
    assert found["utforande"].figures["lex_sarah"] == 1
    assert found["fall"].figures["count"] == 1


def test_missed_deadlines_and_failed_or_missed_controls_are_proposed() -> None:
    row = uuid.uuid4()
    history = History(
        missed_deadlines=[
            MissedDeadlineFact(
                uuid.uuid4(), UNIT, "complaint_response", "complaint", uuid.uuid4(), date(2026, 5, 1)
            )
        ],
        controls=[
            ControlFact(
                uuid.uuid4(),
                UNIT,
                row,
                None,
                "RISK-2026-000001",
                "Stickprov",
                date(2026, 1, 31),
                True,
                False,
                0,
            ),
            ControlFact(
                uuid.uuid4(),
                UNIT,
                row,
                None,
                "RISK-2026-000001",
                "Stickprov",
                date(2026, 2, 28),
                True,
                True,
                2,
            ),
            ControlFact(
                uuid.uuid4(),
                UNIT,
                row,
                None,
                "RISK-2026-000001",
                "Stickprov",
                date(2026, 3, 31),
                False,
                False,
                0,
            ),
            ControlFact(
                uuid.uuid4(),
                UNIT,
                row,
                None,
                "RISK-2026-000001",
                "Stickprov",
                date(2026, 12, 31),
                False,
                False,
                0,
            ),
        ],
    )
    found = {s.kind: s for s in suggest(history, RULE, ANCHOR)}
    controls = found[SuggestionKind.FAILED_CONTROLS]
    assert controls.figures == {
        "controls_due": 3,
        "with_findings": 1,
        "missed": 1,
        "findings": 2,
        "risk_reference": "RISK-2026-000001",
    }
    assert len(controls.control_ids) == 2
    deadlines = found[SuggestionKind.MISSED_DEADLINES]
    assert deadlines.source is RiskSource.KLAGOMAL and deadlines.figures["count"] == 1


def test_controls_that_all_went_well_propose_nothing() -> None:
    row = uuid.uuid4()
    ok = ControlFact(uuid.uuid4(), UNIT, row, None, None, "Loggkontroll", date(2026, 6, 30), True, False, 0)
    assert suggest(History(controls=[ok]), RULE, ANCHOR) == []


def test_open_risks_from_earlier_work_are_carried_into_the_next_analysis() -> None:
    risk = OpenRiskFact(
        uuid.uuid4(), "RISK-2025-000007", UNIT, "Fall nattetid", "followed_up", "avvikelser", 9
    )
    (found,) = suggest(History(open_risks=[risk]), RULE, ANCHOR)
    assert found.kind is SuggestionKind.OPEN_RISK and found.risk_id == risk.id
    assert found.figures == {"status": "followed_up", "risk_value": 9}
