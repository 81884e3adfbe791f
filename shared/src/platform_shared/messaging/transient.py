"""Transient or not: which failures are waited out (retried for as long as they last) and which are
a message's own fault (a poison message, dead-lettered after a few attempts).

Transient: the database or the bus is unreachable, slow, restarting or busy (lost connection,
timeout, pool exhausted, deadlock, serialisation failure, too many connections, shutdown), and
any error raised while the connection was being invalidated. Everything else is deterministic: an
undecodable message, a payload that does not validate, a handler that raises on this event.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import exc as sa_exc

from platform_shared.messaging.transport import TransportUnavailable

# SQLSTATE classes and codes of PostgreSQL that a retry can outlive.
_TRANSIENT_SQLSTATE_CLASSES = ("08", "53", "57", "58")  # connection, resources, operator, system
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})  # serialisation, deadlock, lock n/a
_SQLITE_BUSY = ("database is locked", "database table is locked", "disk i/o error", "unable to open")


def _sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None)
    for candidate in (exc, orig, getattr(orig, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str) and code:
            return code
    return None


def _one_is_transient(exc: BaseException) -> bool:
    if isinstance(exc, TransportUnavailable | ConnectionError | TimeoutError | OSError):
        return True
    if isinstance(exc, sa_exc.TimeoutError | sa_exc.DisconnectionError):
        return True  # pool checkout timed out / connection lost
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sa_exc.InterfaceError):
        return True  # e.g. "connection is closed"
    code = _sqlstate(exc)
    if code is not None:
        return code in _TRANSIENT_SQLSTATES or code[:2] in _TRANSIENT_SQLSTATE_CLASSES
    if isinstance(exc, sa_exc.OperationalError | sqlite3.OperationalError):
        text = str(exc).lower()
        if any(marker in text for marker in _SQLITE_BUSY):
            return True
        # asyncpg's connection-level failures arrive as OperationalError without a SQLSTATE
        return not isinstance(getattr(exc, "orig", None), sqlite3.OperationalError)
    try:
        from aiokafka.errors import KafkaError
    except ImportError:  # pragma: no cover - aiokafka is a dependency
        return False
    return isinstance(exc, KafkaError)


def is_transient(exc: BaseException) -> bool:
    """True when `exc`, or anything in its chain of causes, is a transient infrastructure failure."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _one_is_transient(current):
            return True
        current = current.__cause__ or current.__context__
    return False
