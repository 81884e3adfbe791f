"""The write set of one report, as the service runs it: the statements the raw baseline and the floor
app (floor_app.py) both send, and the one report they send them for.

The statements, in order: the next number of the year's reference sequence, the deviation row, its
deadline row, the audit row, the two outbox rows, and marking them published (issue 11's fixed raw
side). `counter_row`: the issue's original baseline, which took the number from a counter row
(insert-if-missing, increment returning) under a prefix of its own (RAW).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from platform_shared.ids import new_id

STATEMENTS = {
    # the year's reference sequence, as the service takes it (platform_shared/references.py; the
    # service's warm-up, which runs first, makes it)
    "next": "SELECT nextval($1::regclass)",
    "counter": "INSERT INTO reference_counter (prefix, year, last_number) VALUES ($1, $2, 0) "
    "ON CONFLICT DO NOTHING",
    "counter_next": "UPDATE reference_counter SET last_number = last_number + 1 "
    "WHERE prefix = $1 AND year = $2 RETURNING last_number",
    "deviation": "INSERT INTO deviation (id, reference, type, status, unit_id, occurred_at, reported_at, "
    "description, category, reporter_id, version, no_immediate_measures_needed, updated_at) "
    "VALUES ($1, $2, 'avvikelse', 'reported', $3, $4, $5, $6, $7, $8, 1, false, $5)",
    "deadline": "INSERT INTO deadline (id, rule, object_type, object_id, reference, unit_id, due_at, "
    "responsible_role, warn_at) VALUES ($1, 'receive', 'deviation', $2, $3, $4, $5, 'enhetschef', $6)",
    "audit": "INSERT INTO audit_log (id, actor_id, object_type, object_id, action, at) "
    "VALUES ($1, $2, 'deviation', $3, 'create', $4)",
    "outbox": "INSERT INTO outbox_message (event_id, topic, key, event_type, payload, headers, created_at) "
    "VALUES ($1, 'deviation.events', $2, 'DeviationReported', $3, $4, $5), "
    "($6, 'deviation.events', $2, 'AuditRecorded', $7, $4, $5) RETURNING seq",
    "published": "UPDATE outbox_message SET published_at = $1 WHERE seq = ANY($2::bigint[])",
}

HEADERS = orjson.dumps({"content-type": "application/cloudevents+json"}).decode()

# (statement key, its arguments) → the rows it returned
Run = Callable[[str, Sequence[Any]], Awaitable[Sequence[Sequence[Any]]]]


async def write_report(run: Run, unit: uuid.UUID, reporter: uuid.UUID, *, counter_row: bool = False) -> str:
    """One report's statements through `run`, inside the caller's transaction; its reference."""
    now = datetime.now(UTC)
    deviation_id = new_id()
    if counter_row:
        await run("counter", ("RAW", now.year))
        number = (await run("counter_next", ("RAW", now.year)))[0][0]
        reference = f"RAW-{now.year}-{number:06d}"
    else:
        number = (await run("next", (f"reference_counter_avv_{now.year}",)))[0][0]
        reference = f"AVV-{now.year}-{number:06d}"
    occurred_at, description = now - timedelta(hours=2), "Mätning: rapport under last"
    await run(
        "deviation",
        (deviation_id, reference, unit, occurred_at, now, description, "arbetssatt_rutiner", reporter),
    )
    due = now + timedelta(days=3)
    await run("deadline", (new_id(), deviation_id, reference, unit, due, due - timedelta(hours=4)))
    await run("audit", (new_id(), reporter, deviation_id, now))
    reported = {
        "type": "DeviationReported",
        "data": {
            "deviation_id": str(deviation_id),
            "reference": reference,
            "unit_id": str(unit),
            "status": "reported",
        },
    }
    audited = {"type": "AuditRecorded", "data": {"object_id": str(deviation_id)}}
    rows = await run(
        "outbox",
        (
            new_id(),
            str(deviation_id),
            orjson.dumps(reported).decode(),
            HEADERS,
            now,
            new_id(),
            orjson.dumps(audited).decode(),
        ),
    )
    await run("published", (now, [row[0] for row in rows]))
    return reference
