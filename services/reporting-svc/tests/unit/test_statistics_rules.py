from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from platform_shared.ids import new_id
from platform_shared.patterns import PatternThresholds
from reporting_svc.domain.figures import RawCounts, RawLeadTimes, figure_from_json
from reporting_svc.domain.model import RuleViolation
from reporting_svc.domain.patterns import find_patterns, hide_small_counts
from reporting_svc.domain.periods import Granularity, buckets, previous_period, trailing_buckets
from reporting_svc.domain.subjects import SUBJECTS, Tier, cell_deltas, tier_of
from reporting_svc.domain.suppression import check_threshold, suppress_counts
from reporting_svc.domain.tables import Column, LeadTimeRow, Line, hide_small_measure, lead_time, percentile

# --- small-cell suppression ---------------------------------------------------------------------


def test_small_cells_from_one_to_below_the_threshold_are_suppressed_and_zero_is_shown() -> None:
    shown = suppress_counts([[0, 4], [7, 9]], threshold=5)
    assert shown.values[0] == [0, None]
    assert shown.row_totals[0] is None  # 4, alone beside a 0
    assert shown.values[1][0] == 7
    assert shown.grand_total == 20


def test_a_lone_suppressed_cell_behind_a_shown_total_takes_the_next_smallest_with_it() -> None:
    # Row 0 totals 13: with only "3" hidden it could be worked out as 13 - 10.
    shown = suppress_counts([[3, 10], [8, 20]], threshold=5)
    assert shown.values[0][0] is None
    assert shown.row_totals[0] == 13
    hidden = [(r, c) for r in range(2) for c in range(2) if shown.values[r][c] is None]
    assert len(hidden) >= 2
    # no row or column with a shown total has exactly one hidden cell
    for r in range(2):
        if shown.row_totals[r] is not None:
            assert sum(v is None for v in shown.values[r]) != 1
    for c in range(2):
        if shown.column_totals[c] is not None:
            assert sum(shown.values[r][c] is None for r in range(2)) != 1


def test_a_suppressed_cell_whose_neighbours_are_zero_hides_its_total() -> None:
    shown = suppress_counts([[2, 0, 0], [6, 7, 8]], threshold=5)
    assert shown.values[0] == [None, 0, 0]
    assert shown.row_totals[0] is None


def test_small_totals_are_suppressed_too() -> None:
    shown = suppress_counts([[1], [2]], threshold=5)
    assert shown.grand_total is None
    assert shown.values == [[None], [None]]


def test_suppression_threshold_must_be_from_2_to_100() -> None:
    check_threshold(5)
    for bad in (1, 101):
        with pytest.raises(RuleViolation):
            check_threshold(bad)


def test_a_lead_time_over_fewer_cases_than_the_threshold_is_suppressed() -> None:
    few = lead_time([86400.0, 2 * 86400.0])
    assert few.median_days == 1.5
    assert hide_small_measure(few, 5).median_days is None
    many = lead_time([86400.0 * d for d in range(1, 11)])
    assert hide_small_measure(many, 5) == many


def test_counts_rendered_for_an_aggregate_reader_are_suppressed_and_noted() -> None:
    raw = RawCounts(
        "k",
        "Avvikelser",
        "Typ",
        [Column("total", "2026")],
        [Line("avvikelse", "Avvikelse"), Line("hsl", "HSL")],
        {("avvikelse", "total"): 12, ("hsl", "total"): 2},
    )
    full = raw.render(suppress=False, threshold=5)
    hidden = raw.render(suppress=True, threshold=5)
    assert [r.values for r in full.rows] == [[12], [2]]
    assert hidden.rows[1].values == [None]
    assert hidden.rows[0].values == [None]  # else 2 = 14 - 12
    assert hidden.note and "5" in hidden.note
    assert figure_from_json(raw.to_json()) == raw


# --- periods ------------------------------------------------------------------------------------


def test_tertials_are_january_to_april_may_to_august_and_september_to_december() -> None:
    found = buckets(date(2026, 1, 1), date(2026, 12, 31), Granularity.TERTIAL)
    assert [(b.key, b.first, b.last) for b in found] == [
        ("2026-T1", date(2026, 1, 1), date(2026, 4, 30)),
        ("2026-T2", date(2026, 5, 1), date(2026, 8, 31)),
        ("2026-T3", date(2026, 9, 1), date(2026, 12, 31)),
    ]


def test_period_buckets_are_clipped_to_the_period_asked_for() -> None:
    found = buckets(date(2026, 3, 15), date(2026, 5, 10), Granularity.MONTH)
    assert [(b.key, b.label, b.first, b.last) for b in found] == [
        ("2026-03", "mars 2026", date(2026, 3, 15), date(2026, 3, 31)),
        ("2026-04", "april 2026", date(2026, 4, 1), date(2026, 4, 30)),
        ("2026-05", "maj 2026", date(2026, 5, 1), date(2026, 5, 10)),
    ]
    assert [b.key for b in buckets(date(2025, 6, 1), date(2026, 2, 1), Granularity.YEAR)] == ["2025", "2026"]


def test_the_period_before_a_tertial_is_the_previous_tertial_and_before_a_year_the_previous_year() -> None:
    assert previous_period(date(2026, 1, 1), date(2026, 4, 30)) == (date(2025, 9, 1), date(2025, 12, 31))
    assert previous_period(date(2026, 1, 1), date(2026, 12, 31)) == (date(2025, 1, 1), date(2025, 12, 31))
    assert previous_period(date(2026, 3, 10), date(2026, 3, 19)) == (date(2026, 2, 28), date(2026, 3, 9))


def test_pattern_series_end_with_the_period_holding_the_day_judged() -> None:
    found = trailing_buckets(date(2026, 5, 20), Granularity.TERTIAL, 4)
    assert [b.key for b in found] == ["2025-T2", "2025-T3", "2026-T1", "2026-T2"]


# --- tiers and the pre-aggregate ----------------------------------------------------------------


def test_tier_a_is_serious_lex_sarah_or_hsl_tier_b_the_lower_degrees_and_c_the_rest() -> None:
    assert tier_of("lex_sarah", "allvarligt_missforhallande") is Tier.A
    assert tier_of("hsl", "risk_allvarlig_vardskada") is Tier.A
    assert tier_of("lex_sarah", "missforhallande") is Tier.B
    assert tier_of("hsl", "vardskada") is Tier.B
    assert tier_of("avvikelse", None) is Tier.C
    assert tier_of("lex_sarah", "inget_missforhallande") is Tier.C
    assert tier_of("lex_sarah", None) is Tier.NOT_ASSESSED


def test_applying_the_same_fact_state_twice_moves_no_pre_aggregate_cell() -> None:
    spec = SUBJECTS["deviations"]
    unit = new_id()
    row = spec.complete(
        {
            "deviation_id": new_id(),
            "unit_id": unit,
            "type": "hsl",
            "status": "reported",
            "reported_at": datetime(2026, 3, 31, 22, 30, tzinfo=UTC),
        }
    )
    added = cell_deltas(spec, None, row)
    assert added and set(added.values()) == {1}
    # 00:30 on 1 April in Stockholm: counted in April
    assert {month for month, *_ in added} == {date(2026, 4, 1)}
    assert cell_deltas(spec, row, row) == {}
    received = spec.complete({**row, "status": "received"})
    assert cell_deltas(spec, row, received) == {
        (date(2026, 4, 1), unit, "status", "reported"): -1,
        (date(2026, 4, 1), unit, "status", "received"): 1,
    }


def test_a_voided_deviation_leaves_every_count() -> None:
    spec = SUBJECTS["deviations"]
    row = spec.complete(
        {
            "deviation_id": new_id(),
            "unit_id": new_id(),
            "type": "avvikelse",
            "status": "received",
            "reported_at": datetime(2026, 3, 2, tzinfo=UTC),
        }
    )
    voided = spec.complete({**row, "status": "voided"})
    assert set(cell_deltas(spec, row, voided).values()) == {-1}


# --- lead times and patterns --------------------------------------------------------------------


def test_percentiles_interpolate_between_closest_ranks() -> None:
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([10.0], 0.9) == 10.0
    assert percentile([0, 10], 0.9) == 9.0
    assert percentile([], 0.5) is None


def test_lead_time_is_median_and_90th_percentile_in_days_ignoring_negative_durations() -> None:
    day = 86400.0
    value = lead_time([day * d for d in (1, 2, 3, 4, 10)] + [-5.0])
    assert (value.cases, value.median_days, value.p90_days) == (5, 3.0, 7.6)
    raw = RawLeadTimes("k", "t", [Column("total", "x")], [LeadTimeRow("s", "Steg", [value])])
    assert figure_from_json(raw.to_json()) == raw


def test_a_category_rising_against_its_own_baseline_or_recurring_is_reported_with_its_figures() -> None:
    a, b = new_id(), new_id()
    periods = ["p1", "p2", "p3", "p4"]
    counts = {
        (a, "fall", "p1"): 1,
        (a, "fall", "p2"): 1,
        (a, "fall", "p3"): 1,
        (a, "fall", "p4"): 6,  # rising: 6 against a baseline of 1, and recurring four periods in a row
        (b, "lakemedel", "p4"): 2,  # neither: too few, and only once
        (b, "", "p1"): 9,  # without category: not a pattern
        (b, "", "p4"): 30,
    }
    rows = find_patterns(counts, periods, {a: "Solgården"}, PatternThresholds())
    assert len(rows) == 1
    (row,) = rows
    assert (row.unit_id, row.category, row.kinds) == (a, "fall", ["rising", "recurring"])
    assert (row.counts, row.current, row.baseline) == ([1, 1, 1, 6], 6, 1.0)
    assert row.description == "Fall i Solgården ökar och återkommer"
    (hidden,) = hide_small_counts(rows, 5)
    assert hidden.counts == [None, None, None, 6] and hidden.baseline is None
    assert hidden.kinds == ["rising", "recurring"]
