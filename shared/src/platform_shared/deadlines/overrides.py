"""The tenant's overrides of deadline rules, read once per process while the database tells the process
of every change.

A tenant changes an override by writing the `deadline_rule_override` table (there is no API for it).
On PostgreSQL a statement trigger on that table (the service's migration `override_notify_sql`)
sends `NOTIFY deadline_rule_override` in the writing transaction; each process LISTENs on a
connection of its own and forgets every cached rule when told, or when that connection is lost.
A rule is served from the cache only while the process is listening, and a value read from the table
is kept only if no change notice (and no loss of the listener) came between the start of the read and
its end, so a change is seen at the latest once its notice reaches the process (PostgreSQL sends it
at commit). Everywhere else (SQLite, a listener not (yet) connected) every read goes to the table, as
before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from sqlalchemy.engine import make_url

CHANNEL = "deadline_rule_override"
RETRY_AFTER_S = 5.0
# A backstop for a listener whose connection died silently (no reset seen): a rule kept is read again
# after this long even without a change notice.
MAX_AGE_S = 60.0

log = logging.getLogger(__name__)

# One override: (amount, unit), or None for "the law's default".
Override = tuple[int, str] | None


def override_notify_sql(table: str = CHANNEL) -> tuple[list[str], list[str]]:
    """PostgreSQL statements (upgrade, downgrade) for the trigger that announces a change of the
    override table on CHANNEL."""
    function = f"{table}_notify"
    upgrade = [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$",
        f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]
    downgrade = [
        f"DROP TRIGGER IF EXISTS {table}_changed ON {table}",
        f"DROP FUNCTION IF EXISTS {function}()",
    ]
    return upgrade, downgrade


def _asyncpg_dsn(database_url: str) -> str | None:
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class OverrideCache:
    """Per process: rule id → its override as last read, valid while listening (see the module)."""

    def __init__(self, database_url: str) -> None:
        self._dsn = _asyncpg_dsn(database_url)
        self._rules: dict[str, tuple[Override, float]] = {}
        self._generation = 0
        self._conn: Any = None
        self._connecting: asyncio.Task[None] | None = None
        self._last_attempt = float("-inf")
        self._closed = False

    @property
    def listening(self) -> bool:
        return self._conn is not None and not self._conn.is_closed()

    def lookup(self, rule_id: str) -> tuple[bool, Override]:
        """(True, override) when the cache may answer; else (False, None): read the table."""
        kept = self._rules.get(rule_id)
        if kept is not None and self.listening and time.monotonic() - kept[1] < MAX_AGE_S:
            return True, kept[0]
        self._listen_soon()
        return False, None

    def generation(self) -> tuple[int, float] | None:
        """Taken before a read of the table: the read may be kept only if this is not None."""
        return (self._generation, time.monotonic()) if self.listening else None

    def keep(self, rule_id: str, override: Override, generation: tuple[int, float] | None) -> None:
        """Keep what was read, unless a change or a lost listener came since `generation`."""
        if generation is not None and generation[0] == self._generation and self.listening:
            self._rules[rule_id] = (override, generation[1])

    async def close(self) -> None:
        self._closed = True
        self._forget()
        if self._connecting is not None:
            self._connecting.cancel()
            with contextlib.suppress(BaseException):
                await self._connecting
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), timeout=5)

    # -- the listener ------------------------------------------------------------------------------

    def _forget(self, *_: Any) -> None:
        self._generation += 1
        self._rules.clear()

    def _lost(self, *_: Any) -> None:
        self._forget()
        self._conn = None

    def _listen_soon(self) -> None:
        if self._dsn is None or self._closed or self.listening:
            return
        if self._connecting is not None and not self._connecting.done():
            return
        if time.monotonic() - self._last_attempt < RETRY_AFTER_S:
            return
        self._last_attempt = time.monotonic()
        self._connecting = asyncio.get_running_loop().create_task(self._listen())

    async def _listen(self) -> None:
        import asyncpg

        assert self._dsn is not None
        try:
            conn = await asyncpg.connect(self._dsn, timeout=10)
        except Exception as exc:  # the table is read meanwhile; retried after RETRY_AFTER_S
            log.warning("deadline override listener: cannot connect (%s)", type(exc).__name__)
            return
        try:
            conn.add_termination_listener(self._lost)
            await conn.add_listener(CHANNEL, self._forget)
        except BaseException:
            with contextlib.suppress(Exception):
                await conn.close()
            raise
        if self._closed:
            await conn.close()
            return
        self._forget()  # nothing read before the LISTEN took effect is kept
        self._conn = conn
