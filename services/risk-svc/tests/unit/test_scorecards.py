from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

from risk_svc.domain.indicators import (
    Aggregation,
    Direction,
    IndicatorDefinition,
    IndicatorStatus,
    Source,
    Thresholds,
    Value,
)
from risk_svc.domain.periods import IndicatorFrequency, Period
from risk_svc.domain.scorecards import Change, IndicatorFacts, Scorecard, ScorecardLine, combine, scorecard

MONTHLY = IndicatorFrequency.MANADSVIS
AS_OF = date(2026, 4, 10)  # the March follow-up
MARCH = Period(2026, 3, MONTHLY)
S = IndicatorStatus


def count_definition() -> IndicatorDefinition:
    return IndicatorDefinition(
        "Rapporterade avvikelser",
        "Antal rapporterade avvikelser under månaden",
        "antal",
        Thresholds(Direction.LOWER_IS_BETTER, Decimal(5), Decimal(8)),
        MONTHLY,
        Source.ENTERED,
        Aggregation.SUM,
    )


def rate_definition() -> IndicatorDefinition:
    return IndicatorDefinition(
        "Besvarade klagomål i tid",
        "Besvarade inom 28 dagar / klagomål",
        "procent",
        Thresholds(Direction.HIGHER_IS_BETTER, Decimal(90), Decimal(75)),
        MONTHLY,
        Source.ENTERED,
        Aggregation.RATE,
        Decimal(100),
    )


def index_definition() -> IndicatorDefinition:
    return IndicatorDefinition(
        "Nöjd kund-index",
        "Brukarundersökningens index",
        "index",
        Thresholds(Direction.HIGHER_IS_BETTER, Decimal(80), Decimal(70)),
        MONTHLY,
        Source.ENTERED,
        Aggregation.NONE,
    )


def rate(n: int, d: int) -> Value:
    return Value((Decimal(n) / Decimal(d) * 100).quantize(Decimal("0.01")), Decimal(n), Decimal(d))


IDS = {name: uuid.uuid4() for name in ("count", "rate", "index", "goal", "avd", "a", "b")}


def child_card(unit: str, count: int | None, answered: tuple[int, int], index: int) -> Scorecard:
    goal = uuid.uuid4()
    facts = [
        IndicatorFacts(
            uuid.uuid4(),
            goal,
            count_definition(),
            {} if count is None else {MARCH: Value(Decimal(count)), MARCH.shifted(-12): Value(Decimal(6))},
            parent_indicator_id=IDS["count"],
        ),
        IndicatorFacts(uuid.uuid4(), goal, rate_definition(), {MARCH: rate(*answered)}, IDS["rate"]),
        IndicatorFacts(uuid.uuid4(), goal, index_definition(), {MARCH: Value(Decimal(index))}, IDS["index"]),
    ]
    return scorecard(IDS[unit], AS_OF, facts)


def parent_card(children: list[Scorecard]) -> Scorecard:
    facts = [
        IndicatorFacts(IDS["count"], IDS["goal"], count_definition()),
        IndicatorFacts(IDS["rate"], IDS["goal"], rate_definition()),
        IndicatorFacts(IDS["index"], IDS["goal"], index_definition()),
    ]
    return scorecard(IDS["avd"], AS_OF, facts, children)


def test_a_rolled_up_styrkort_agrees_with_its_parts() -> None:
    a = child_card("a", 3, (8, 10), 85)
    b = child_card("b", 7, (1, 2), 65)
    card = parent_card([a, b])
    count, share, index = card.lines

    # a sum adds the children's values; the status follows from the sum
    assert count.value == Value(Decimal(10))
    assert count.combined is not None and (count.combined.parts, count.combined.missing) == (2, 0)
    assert count.status is S.UNDER_THRESHOLD
    # a rate is Σ numerators / Σ denominators (9/12 = 75 %), not the mean of 80 % and 50 %
    assert share.value == Value(Decimal("75.00"), Decimal(9), Decimal(12))
    assert share.status is S.BETWEEN
    # an index is not combinable: no value one level up, only the children's statuses side by side
    assert index.value is None and index.combined is None and index.status is S.MISSING
    assert [(c.unit_id, c.status) for c in index.children] == [
        (IDS["a"], S.OVER_TARGET),
        (IDS["b"], S.UNDER_THRESHOLD),
    ]
    # every child's status for each indicator, side by side, and each child's worst status
    for line, child_lines in zip(card.lines, zip(a.lines, b.lines, strict=True), strict=True):
        assert [c.status for c in line.children] == [cl.status for cl in child_lines]
    assert [(c.unit_id, c.summary) for c in card.children] == [
        (IDS["a"], S.BETWEEN),
        (IDS["b"], S.UNDER_THRESHOLD),
    ]
    assert card.summary is S.UNDER_THRESHOLD


def test_a_units_own_value_is_shown_and_the_childrens_combined_value_beside_it() -> None:
    a, b = child_card("a", 3, (8, 10), 85), child_card("b", 1, (1, 2), 65)
    own = IndicatorFacts(IDS["count"], IDS["goal"], count_definition(), {MARCH: Value(Decimal(5))})
    card = scorecard(IDS["avd"], AS_OF, [own], [a, b])
    assert card.lines[0].value == Value(Decimal(5))
    assert card.lines[0].combined is not None and card.lines[0].combined.value == Value(Decimal(4))


def test_a_child_without_a_value_is_counted_as_missing_in_the_combined_value() -> None:
    card = parent_card([child_card("a", 3, (8, 10), 85), child_card("b", None, (1, 2), 65)])
    count = card.lines[0]
    assert count.combined is not None
    assert (count.combined.value, count.combined.parts, count.combined.missing) == (Value(Decimal(3)), 1, 1)
    assert [c.status for c in count.children] == [S.OVER_TARGET, S.MISSING]


def test_values_combine_again_on_the_next_level() -> None:
    avd = parent_card([child_card("a", 3, (8, 10), 85), child_card("b", 7, (1, 2), 65)])
    other = parent_card([child_card("a", 2, (3, 4), 85)])
    top_facts = [IndicatorFacts(uuid.uuid4(), IDS["goal"], count_definition())]
    # the avdelningar's own count indicators feed the top one
    relinked = [
        Scorecard(
            c.unit_id,
            c.as_of,
            tuple(_relink(line, top_facts[0].indicator_id) for line in c.lines),
            c.children,
            c.summary,
        )
        for c in (avd, other)
    ]
    top = scorecard(uuid.uuid4(), AS_OF, top_facts, relinked)
    assert top.lines[0].value == Value(Decimal(12))


def _relink(line: ScorecardLine, parent_id: uuid.UUID) -> ScorecardLine:
    return replace(line, parent_indicator_id=parent_id if line.indicator_id == IDS["count"] else None)


def test_the_trend_covers_thirteen_periods_and_compares_with_the_same_month_a_year_before() -> None:
    card = child_card("a", 3, (8, 10), 85)
    line = card.lines[0]
    assert [p.period.key for p in line.trend][:2] == ["2025-03", "2025-04"]
    assert line.trend[-1].period == MARCH and len(line.trend) == 13
    assert line.trend[0].value == Decimal(6) and line.trend[1].status is S.MISSING
    assert line.change is Change.IMPROVED  # 3 avvikelser now, 6 a year ago; fewer is better


def test_combining_follows_the_indicators_rule() -> None:
    assert combine(index_definition(), [Value(Decimal(80)), Value(Decimal(60))]) is None
    assert combine(count_definition(), [None, None]) is None
    combined = combine(rate_definition(), [rate(1, 4), rate(3, 4)])
    assert combined is not None and combined.value == Value(Decimal("50.00"), Decimal(4), Decimal(8))


def test_a_units_own_value_below_the_gransvarde_without_an_activity_shows_that_one_is_needed() -> None:
    below = IndicatorFacts(IDS["rate"], IDS["goal"], rate_definition(), {MARCH: rate(6, 10)})
    (line,) = scorecard(uuid.uuid4(), AS_OF, [below]).lines
    assert (line.status, line.activity_needed) == (IndicatorStatus.UNDER_THRESHOLD, True)
    covered = IndicatorFacts(
        IDS["rate"], IDS["goal"], rate_definition(), {MARCH: rate(6, 10)}, activity_covered=True
    )
    (line,) = scorecard(uuid.uuid4(), AS_OF, [covered]).lines
    assert line.activity_needed is False


def test_an_imported_indicator_is_judged_on_its_latest_published_year() -> None:
    yearly = IndicatorFrequency.ARSVIS
    kolada = replace(
        index_definition(), frequency=yearly, source=Source.IMPORTED, kpi="U21468", municipality="0138"
    )
    published = {Period(2023, 1, yearly): Value(Decimal(82)), Period(2024, 1, yearly): Value(Decimal(72))}
    (line,) = scorecard(
        uuid.uuid4(), AS_OF, [IndicatorFacts(IDS["index"], IDS["goal"], kolada, published)]
    ).lines
    assert (line.period, line.status) == (Period(2024, 1, yearly), IndicatorStatus.BETWEEN)
    entered = replace(kolada, source=Source.ENTERED, kpi=None, municipality=None)
    (line,) = scorecard(
        uuid.uuid4(), AS_OF, [IndicatorFacts(IDS["index"], IDS["goal"], entered, published)]
    ).lines
    assert (line.period, line.status) == (Period(2025, 1, yearly), IndicatorStatus.MISSING)
