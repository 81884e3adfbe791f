"""Every consumer of every service handles every event type it subscribes to.

One valid example of every released event type, made from its kept JSON Schema (and checked
against the payload model), goes through the real consumers of all four services (SQLite, the local
bus, no background loops: each consumer is polled by hand). Nothing may be dead-lettered. For each
type a consumer has a handler for, the handler must write to the service's read model, unless the
consumer declares the type as ignored (`ConsumerSpec.ignores`). Types a consumer has no handler for,
or on topics it does not read, are skipped and acknowledged.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from deviation_svc.app import build_runtime as build_deviation
from deviation_svc.config import DeviationSettings
from org_svc.app import build_runtime as build_org
from org_svc.config import OrgSettings
from platform_shared.auth.tokens import DevTokens
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope, structured_headers, wrap
from platform_shared.contracts.registry import payload_model
from platform_shared.contracts.schemas import released_schemas
from platform_shared.contracts.topics import ALL_TOPICS
from platform_shared.messaging.consumer import EventConsumer
from platform_shared.messaging.local import LocalTransport
from platform_shared.messaging.transport import OutgoingMessage
from platform_shared.runtime import ServiceRuntime
from platform_shared.testing import OrgFixture, publish, standard_org
from platform_shared.timeutil import utc_now
from reporting_svc.adapters.orm import WebhookSubscription
from reporting_svc.app import build_runtime as build_reporting
from reporting_svc.config import ReportingSettings
from reporting_svc.service_layer.webhooks import WEBHOOK_EVENT_TYPES
from risk_svc.app import build_runtime as build_risk
from risk_svc.config import RiskSettings

NAMESPACE = uuid.UUID("6f1c0d9e-8a57-4c55-9a51-4c1e3d5f7a10")
NOT_A_READ_MODEL = {"inbox_message", "dead_letter"}
# Events every producer emits on its own topic: one of each per topic, not the same one four times.
PER_TOPIC = {"audit_id", "deadline_id"}

# Field values that read as what they are (a free string would be a valid but odd example).
STRINGS = {
    "deviation_type": "lex_sarah",
    "from_type": "avvikelse",
    "to_type": "lex_sarah",
    "level": "enhet",
    "role": "kvalitetsledare",
    "from_role": "enhetschef",
    "to_role": "kvalitetsledare",
    "responsible_role": "kvalitetsledare",
    "rule": "investigation_complete",
    "object_type": "deviation",
    "degree": "allvarligt_missforhallande",
    "decision_type": "ivo_anmalan_lex_sarah",
    "category": "bemotande",
    "kind": "klagomal",
    "service": "deviation",
    "action": "read",
    "email": "ny.person@example.se",
    "result": "godkand",
    "trigger": "arlig",
    "method": "rotorsaksanalys",
    "regi": "egen",
    "channel": "e-post",
    "complainant_type": "brukare",
    "horizon": "kort",
}


@dataclass
class Ids:
    """Aggregate and reference ids by field name: one deviation, one complaint, one risk... so the
    events follow each other; org events make a unit and a person of their own."""

    org: OrgFixture

    def __call__(self, field: str, topic: str) -> uuid.UUID:
        if topic == "org.events":
            fresh = {
                "unit_id": "new-unit",
                "person_id": "new-person",
                "parent_id": None,
                "new_parent_id": None,
                "old_parent_id": None,
            }
            if field in fresh:
                key = fresh[field]
                return self.org.units["forvaltning"] if key is None else uuid.uuid5(NAMESPACE, key)
        if field in ("unit_id", "from_unit_id", "to_unit_id"):
            return self.org.units["enhet_a"]
        if field.endswith("_by") or field in ("reporter_id", "actor_id", "investigator_id", "responsible_id"):
            return self.org.people["socialchef"]
        if field in ("responsible_person_id", "to_person_id"):
            return self.org.people["kvalitetsledare"]
        if field in PER_TOPIC:
            return uuid.uuid5(NAMESPACE, f"{field}:{topic}")
        return uuid.uuid5(NAMESPACE, field)


def example(schema: dict[str, Any], defs: dict[str, Any], field: str, topic: str, ids: Ids) -> Any:
    if "$ref" in schema:
        return example(defs[schema["$ref"].rsplit("/", 1)[1]], defs, field, topic, ids)
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return example(options[0], defs, field, topic, ids)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object":
        return {
            name: example(prop, defs, name, topic, ids) for name, prop in schema.get("properties", {}).items()
        }
    if kind == "array":
        item_field = field.removesuffix("s") if field.endswith("_ids") else field
        return [example(schema.get("items", {}), defs, item_field, topic, ids)]
    if kind == "integer":
        return int(schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "uuid":
            return str(ids(field, topic))
        if fmt == "date-time":
            return "2026-03-02T08:00:00+00:00"
        if fmt == "date":
            return "2026-03-02"
        if fmt == "email":
            return STRINGS["email"]
        return STRINGS.get(field, f"exempel {field}")
    raise AssertionError(f"no example for {field}: {schema}")


def topics_of(model: type[EventPayload]) -> tuple[str, ...]:
    """Where the event travels: its own topic, or (deadlines, audit records) every producer's."""
    return (model.topic,) if model.topic else ALL_TOPICS


def examples(ids: Ids) -> list[tuple[str, EventPayload]]:
    made: list[tuple[str, EventPayload]] = []
    for (event_type, version), schema in released_schemas().items():
        model = payload_model(event_type, version)
        for topic in topics_of(model):
            data = example(schema, schema.get("$defs", {}), "", topic, ids)
            if "status" in data:  # the state after this step: each step its own
                data["status"] = re.sub(r"(?<!^)(?=[A-Z])", "_", event_type).lower()
            made.append((topic, model.model_validate(data)))
    order = {key: n for n, key in enumerate(REGISTRY_ORDER)}
    return sorted(made, key=lambda pair: order[pair[1].event_type])


def _registry_order() -> list[str]:
    from platform_shared.contracts.registry import REGISTRY

    return [event_type for event_type, _ in REGISTRY]


REGISTRY_ORDER = _registry_order()


@dataclass
class Service:
    runtime: ServiceRuntime
    consumers: list[EventConsumer]
    writes: Writes


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[tuple[dict[str, Service], LocalTransport, OrgFixture]]:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    common: dict[str, Any] = {"dev_key_dir": str(tmp_path), "log_json": False}

    def db(name: str) -> str:
        return f"sqlite+aiosqlite:///{tmp_path / (name + '.sqlite')}"

    runtimes: dict[str, ServiceRuntime] = {
        "org": build_org(OrgSettings(database_url=db("org"), **common), transport=transport),
        "deviation": build_deviation(
            DeviationSettings(database_url=db("deviation"), **common), transport=transport
        ),
        "risk": build_risk(RiskSettings(database_url=db("risk"), **common), transport=transport),
        "reporting": build_reporting(
            ReportingSettings(database_url=db("reporting"), **common), transport=transport
        ),
    }
    for runtime in runtimes.values():
        await runtime.migrate()
        for consumer in runtime.consumers:
            consumer._fetch_timeout_s = 0.0  # polled by hand: an empty poll need not wait
            await consumer.start()
    org = standard_org(DevTokens(tmp_path))
    await publish(transport, *org.events)
    found = {name: Service(rt, list(rt.consumers), Writes(rt.engine)) for name, rt in runtimes.items()}
    for service in found.values():
        await drain(service.consumers)
    yield found, transport, org
    for runtime in runtimes.values():
        await runtime.stop()
    await transport.stop()


async def drain(consumers: list[EventConsumer]) -> None:
    for consumer in consumers:
        while await consumer.poll_once(500):
            pass


class Writes:
    """Rows a service's consumers wrote to its read models (and outbox), counted at commit: the
    inbox and dead letters are bookkeeping, and a rolled-back transaction wrote nothing."""

    WRITE = re.compile(r'^\s*(?:INSERT(?: OR \w+)? INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)

    def __init__(self, engine: AsyncEngine) -> None:
        self.committed = 0
        sync = engine.sync_engine
        event.listen(sync, "after_cursor_execute", self._executed)
        event.listen(sync, "commit", self._commit)
        event.listen(sync, "rollback", self._rollback)

    def _executed(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        match = self.WRITE.match(statement)
        if match and match.group(1) not in NOT_A_READ_MODEL and cursor.rowcount and cursor.rowcount > 0:
            conn.info["writes"] = conn.info.get("writes", 0) + cursor.rowcount

    def _commit(self, conn: Any) -> None:
        self.committed += conn.info.pop("writes", 0)

    def _rollback(self, conn: Any) -> None:
        conn.info.pop("writes", None)


async def dead_letters(runtime: ServiceRuntime) -> list[Any]:
    async with runtime.session_factory() as session:
        return list((await session.execute(select(runtime.messaging.dead_letter))).all())


async def test_every_consumer_handles_every_event_type_it_subscribes_to(
    services: tuple[dict[str, Service], LocalTransport, OrgFixture],
) -> None:
    found, transport, org = services
    async with found["reporting"].runtime.session_factory() as session, session.begin():
        session.add(
            WebhookSubscription(  # so that every webhook event type has a delivery to make
                id=uuid.uuid4(),
                url="https://mottagare.example.se/hook",
                secret="whsec_" + "A" * 43 + "=",
                event_types=list(WEBHOOK_EVENT_TYPES),
                unit_id=None,
                active=True,
                version=1,
                created_by=org.people["admin"],
                created_at=utc_now(),
                updated_at=utc_now(),
            )
        )
    ids = Ids(org)
    problems: list[str] = []
    checked: set[tuple[str, str]] = set()
    for topic, payload in examples(ids):
        envelope = wrap(payload, source="contract-test", actor_id=None, correlation_id="contract")
        await transport.send_batch([_message(topic, envelope)])
        for name, service in found.items():
            for consumer in service.consumers:
                if topic not in consumer.spec.topics or envelope.type not in consumer.spec.handlers:
                    await drain([consumer])  # not its business: skipped and acknowledged
                    assert not consumer._pending and not consumer._done
                    continue
                label = f"{name} {consumer.spec.group}: {envelope.type} on {topic}"
                checked.add((consumer.spec.group, envelope.type))
                before = service.writes.committed
                await drain([consumer])
                letters = await dead_letters(service.runtime)
                if letters:
                    problems.append(f"{label}: dead-lettered: {letters[-1].error}")
                    async with service.runtime.session_factory() as session, session.begin():
                        await session.execute(service.runtime.messaging.dead_letter.delete())
                elif envelope.type not in consumer.spec.ignores and service.writes.committed == before:
                    problems.append(f"{label}: handled, but no read model changed")
    assert not problems, "\n".join(problems)
    assert len(checked) > 100


def _message(topic: str, envelope: EventEnvelope) -> OutgoingMessage:
    return OutgoingMessage(
        topic, envelope.subject, orjson.dumps(envelope.model_dump(mode="json")), structured_headers(None)
    )
