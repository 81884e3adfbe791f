"""Structured JSON logs with the correlation id and the trace and span id, also for library loggers
(uvicorn, alembic).

Never log personal data or tokens: log ids, not descriptions or names.
"""

from __future__ import annotations

import logging
import time
from collections.abc import MutableMapping
from typing import Any

import structlog

from platform_shared.context import correlation_id_var
from platform_shared.tracing import span_ids


def _add_correlation(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    correlation_id = correlation_id_var.get()
    if correlation_id:
        event_dict.setdefault("correlation_id", correlation_id)
    return event_dict


def add_trace_ids(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """`trace_id` and `span_id` of the current span (OpenTelemetry), on every line inside a trace."""
    ids = span_ids()
    if ids is not None:
        event_dict.setdefault("trace_id", ids[0])
        event_dict.setdefault("span_id", ids[1])
    return event_dict


class RepeatFilter(logging.Filter):
    """At most one line a minute per message template of the given loggers (the Kafka client logs
    every failed reconnect while the broker is down: ~100 lines a second). The next line that gets
    through says how many were held back."""

    def __init__(self, prefixes: tuple[str, ...] = ("aiokafka",), every_s: float = 60.0) -> None:
        super().__init__()
        self._prefixes = prefixes
        self._every_s = every_s
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(self._prefixes):
            return True
        key = (record.name, str(record.msg))
        now = time.monotonic()
        last, held = self._seen.get(key, (-self._every_s, 0))
        if now - last < self._every_s:
            self._seen[key] = (last, held + 1)
            return False
        self._seen[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} [{held} similar lines in the last minute not logged]"
        return True


class WithoutQueryString(logging.Filter):
    """uvicorn's access line carries the full path; a query string may hold personal data (`?q=`,
    `?email=`): keep the path only. (The services log their own access line; see api/middleware.py.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def configure_logging(level: str = "INFO", json: bool = True) -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        _add_correlation,
        add_trace_ids,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    # The JSON renderer cannot serialise a traceback object: format it into an "exception" string first
    # (the console renderer formats tracebacks itself).
    renderers: list[Any] = (
        [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
        if json
        else [structlog.dev.ConsoleRenderer()]
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderers],
        )
    )
    handler.addFilter(RepeatFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Libraries that log their routine at INFO (fontTools: a line per font table each time a PDF
    # subsets a font).
    for noisy in ("httpx", "aiokafka", "alembic.runtime.migration", "fontTools", "fpdf"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, WithoutQueryString) for f in access.filters):
        access.addFilter(WithoutQueryString())
