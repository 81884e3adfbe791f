"""The demo adopts the tertial report whose period has ended last: a report is never adopted before its
period ends (issue 12), whenever the demo is first started."""

from __future__ import annotations

from datetime import date

from embedded_runner.seed.reports import last_ended_tertial


def test_the_demo_adopts_the_last_ended_tertial() -> None:
    assert last_ended_tertial(date(2026, 12, 4)) == ("t2", 2026, date(2026, 8, 31))
    assert last_ended_tertial(date(2026, 9, 1)) == ("t2", 2026, date(2026, 8, 31))
    assert last_ended_tertial(date(2026, 8, 31)) == ("t1", 2026, date(2026, 4, 30))
    assert last_ended_tertial(date(2026, 5, 1)) == ("t1", 2026, date(2026, 4, 30))
    assert last_ended_tertial(date(2027, 2, 10)) == ("t2", 2026, date(2026, 8, 31))
