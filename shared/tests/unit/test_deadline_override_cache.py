"""The per-process cache of the tenant's deadline rule overrides (platform_shared.deadlines.overrides)."""

from __future__ import annotations

from platform_shared.deadlines.overrides import OverrideCache


class _Connection:
    """A listener connection that is open until closed."""

    closed = False

    def is_closed(self) -> bool:
        return self.closed


def _listening() -> tuple[OverrideCache, _Connection]:
    cache = OverrideCache("sqlite+aiosqlite://")
    conn = _Connection()
    cache._conn = conn  # as if LISTEN had taken effect
    return cache, conn


def test_a_cache_that_is_not_listening_answers_nothing() -> None:
    cache = OverrideCache("sqlite+aiosqlite://")
    cache.keep("receive", (3, "calendar_days"), cache.generation())
    assert cache.lookup("receive") == (False, None)


def test_a_read_is_kept_while_listening_and_answers_the_next_lookup() -> None:
    cache, _ = _listening()
    cache.keep("receive", (3, "calendar_days"), cache.generation())
    cache.keep("investigation_start", None, cache.generation())
    assert cache.lookup("receive") == (True, (3, "calendar_days"))
    assert cache.lookup("investigation_start") == (True, None)


def test_a_change_notice_during_a_read_discards_what_was_read() -> None:
    cache, _ = _listening()
    generation = cache.generation()
    cache._forget()  # NOTIFY deadline_rule_override arrived while the table was read
    cache.keep("receive", None, generation)
    assert cache.lookup("receive") == (False, None)


def test_a_change_notice_forgets_every_kept_rule() -> None:
    cache, _ = _listening()
    cache.keep("receive", None, cache.generation())
    cache._forget()
    assert cache.lookup("receive") == (False, None)


def test_a_lost_listener_forgets_every_kept_rule_and_keeps_nothing_more() -> None:
    cache, conn = _listening()
    cache.keep("receive", None, cache.generation())
    generation = cache.generation()
    conn.closed = True
    cache._lost()
    cache.keep("receive", None, generation)
    assert cache.lookup("receive") == (False, None)
