from __future__ import annotations

from datetime import UTC, datetime

from platform_shared.crypto import FieldCipher
from platform_shared.deadlines.rules import LAW_DEFAULTS, deadline_status, due_at, is_working_day
from platform_shared.patterns import PatternKind, classify, detect_patterns


def test_imy_notification_is_72_hours_including_weekends() -> None:
    friday = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
    assert due_at(LAW_DEFAULTS["imy_notification"], friday) == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


def test_working_days_skip_weekends_and_swedish_holidays() -> None:
    assert not is_working_day(datetime(2026, 12, 25).date())  # juldagen
    assert not is_working_day(datetime(2026, 6, 19).date())  # midsommarafton (de facto holiday)
    maundy_thursday = datetime(
        2026, 4, 2, 10, 0, tzinfo=UTC
    )  # skärtorsdag; långfredag and annandag påsk follow
    due = due_at(LAW_DEFAULTS["ivo_lex_sarah"], maundy_thursday)
    assert due.date() == datetime(2026, 4, 13).date()  # 7, 8, 9, 10, 13 April are the five working days


def test_complaint_response_is_28_calendar_days_in_stockholm_time() -> None:
    received = datetime(2026, 3, 20, 23, 30, tzinfo=UTC)  # 00:30 on 21 March in Stockholm
    due = due_at(LAW_DEFAULTS["complaint_response"], received)
    assert due == datetime(2026, 4, 17, 22, 30, tzinfo=UTC)  # 00:30 on 18 April, after the DST change


def test_deadline_met_late_counts_as_missed() -> None:
    due = datetime(2026, 1, 10, tzinfo=UTC)
    assert deadline_status(due, None, datetime(2026, 1, 9, tzinfo=UTC)) == "pending"
    assert deadline_status(due, None, datetime(2026, 1, 11, tzinfo=UTC)) == "missed"
    assert deadline_status(due, datetime(2026, 1, 9, tzinfo=UTC), datetime(2026, 1, 11, tzinfo=UTC)) == "met"
    assert (
        deadline_status(due, datetime(2026, 1, 12, tzinfo=UTC), datetime(2026, 1, 13, tzinfo=UTC)) == "missed"
    )


def test_a_category_rising_against_its_own_baseline_is_a_pattern() -> None:
    assert PatternKind.RISING in classify([1, 2, 1, 5])
    assert classify([4, 5, 4, 4]) == (PatternKind.RECURRING,)  # steady, not rising
    assert classify([0, 0, 0, 2]) == ()  # too few to call a rise


def test_a_category_occurring_in_consecutive_periods_is_recurring() -> None:
    assert classify([0, 1, 1, 1]) == (PatternKind.RECURRING,)
    assert classify([1, 1, 0, 1]) == ()


def test_detect_patterns_reports_figures_behind_each_pattern() -> None:
    found = detect_patterns({("u1", "fall"): [1, 1, 4], ("u1", "lakemedel"): [0, 0, 1]})
    assert len(found) == 1
    assert found[0].key == ("u1", "fall") and found[0].baseline == 1.0 and found[0].current == 4


def test_personal_data_is_encrypted_at_rest_and_indexable() -> None:
    cipher = FieldCipher("test-key")
    token = cipher.encrypt("19121212-1212")
    assert "1212" not in token
    assert cipher.decrypt(token) == "19121212-1212"
    assert cipher.blind_index("19121212-1212") == cipher.blind_index("191212121212")
