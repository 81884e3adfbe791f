"""Every accepted write reaches every read model exactly once and in order per aggregate, whatever
fails: the consumer killed, the producer killed with events in its outbox, the consumer's database
gone for 3 s, two replicas of the producer, the broker stopped for 20 s, a service started while the
broker is down, a poison message. See conftest.py for the cluster and the checks."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from platform_shared.messaging.relay import relay_lock_key

from .conftest import (  # type: ignore[import-not-found]
    Cluster,
    Writes,
    assert_exactly_once_in_order,
    converge,
    record,
    statuses,
    wait_for,
)

pytestmark = [pytest.mark.real_kafka, pytest.mark.postgres, pytest.mark.distributed]


async def test_a_consumer_killed_mid_batch_and_restarted_applies_everything_once_in_order(
    cluster: Cluster,
) -> None:
    reporting = cluster.services["reporting"]
    writes = Writes(cluster, [cluster.services["deviation"].url])
    load = asyncio.create_task(writes.run(8))
    await asyncio.sleep(3)
    reporting.kill()  # SIGKILL while it consumes the stream
    await asyncio.sleep(1)
    reporting.start()
    restarted = time.monotonic()
    await load
    done = await converge(cluster, writes)
    record("consumer (reporting-svc) SIGKILLed mid-batch, restarted", done - restarted, writes.accepted)
    await assert_exactly_once_in_order(cluster)


async def test_a_producer_killed_with_events_in_its_outbox_publishes_them_after_restart(
    cluster: Cluster,
) -> None:
    deviation = cluster.services["deviation"]
    deviation.stop()
    # The test holds the relay's lock (as an active replica would), so deviation-svc's relay stands
    # by and its events stay in the outbox until it is killed.
    async with cluster.engines["deviation"].connect() as holder:
        await holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": relay_lock_key("deviation")})
        await holder.commit()
        deviation.start()
        await deviation.ready()
        writes = Writes(cluster, [deviation.url])
        await writes.run(4)
        async with cluster.engines["deviation"].connect() as conn:
            waiting = await conn.scalar(
                text("SELECT count(*) FROM outbox_message WHERE published_at IS NULL")
            )
        assert waiting and waiting >= writes.accepted, "the accepted writes wait in the outbox"
        deviation.kill()
        await holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": relay_lock_key("deviation")})
        await holder.commit()
    deviation.start()
    restarted = time.monotonic()
    done = await converge(cluster, writes)
    record(
        f"producer (deviation-svc) SIGKILLed with {waiting} events in its outbox",
        done - restarted,
        writes.accepted,
    )
    await assert_exactly_once_in_order(cluster)


async def test_the_consumers_database_gone_for_3_s_delays_but_dead_letters_nothing(cluster: Cluster) -> None:
    writes = Writes(cluster, [cluster.services["deviation"].url])
    load = asyncio.create_task(writes.run(8))
    await asyncio.sleep(3)
    await cluster.proxy.cut()  # reporting-svc's connections drop; new ones are refused
    await asyncio.sleep(3)
    await cluster.proxy.start()
    back = time.monotonic()
    await load
    done = await converge(cluster, writes)
    record("consumer's (reporting-svc's) database unreachable for 3 s", done - back, writes.accepted)
    await assert_exactly_once_in_order(cluster)  # includes: no dead letters


async def test_two_relays_and_two_schedulers_keep_order_per_key_and_emit_each_deadline_event_once(
    cluster: Cluster,
) -> None:
    async with cluster.engines["deviation"].begin() as conn:  # receive is due at once: deadlines to miss
        await conn.execute(
            text("INSERT INTO deadline_rule_override (rule, amount, unit) VALUES ('receive', 0, 'hours')")
        )
    first = cluster.services["deviation"]
    second = cluster.service("deviation", "-b", DEVIATION_DEADLINE_INTERVAL_S="0.5")
    second.start()
    await second.ready()
    try:
        writes = Writes(cluster, [first.url, second.url])  # each aggregate's steps through both
        load = asyncio.create_task(writes.run(10))
        await asyncio.sleep(5)
        first.kill()  # the active relay (or the standby) dies: the other one goes on
        writes.targets = [second.url]
        killed = time.monotonic()
        await load
        done = await converge(cluster, writes)
        record("two replicas of deviation-svc, one SIGKILLed", done - killed, writes.accepted)
        await assert_exactly_once_in_order(cluster)
        await assert_each_deadline_event_once(cluster)
    finally:
        first.start()
        await first.ready()
        second.stop()
        async with cluster.engines["deviation"].begin() as conn:
            await conn.execute(text("DELETE FROM deadline_rule_override WHERE rule = 'receive'"))


async def assert_each_deadline_event_once(cluster: Cluster) -> None:
    async with cluster.engines["deviation"].connect() as conn:
        missed = set(
            (await conn.scalars(text("SELECT id FROM deadline WHERE missed_sent_at IS NOT NULL"))).all()
        )
        emitted = (
            await conn.execute(
                text(
                    "SELECT payload->'data'->>'deadline_id' AS id, count(*) AS n FROM outbox_message"
                    " WHERE event_type = 'DeadlineMissed' GROUP BY 1"
                )
            )
        ).all()
    assert missed, "some deadlines were missed"
    assert all(row.n == 1 for row in emitted), "a deadline event emitted twice"
    assert {row.id for row in emitted} == {str(i) for i in missed}

    async def reached() -> bool:
        async with cluster.engines["reporting"].connect() as conn:
            facts = await conn.scalar(
                text(
                    "SELECT count(*) FROM deadline_fact"
                    " WHERE deadline_id = ANY(:ids) AND missed_at IS NOT NULL"
                ),
                {"ids": list(missed)},
            )
        return facts == len(missed)

    await wait_for(reached, 60, "the missed deadlines in reporting's read model")


async def test_the_broker_stopped_for_20_s_mid_stream_loses_and_repeats_nothing(cluster: Cluster) -> None:
    services = [cluster.services[n] for n in ("deviation", "reporting", "risk")]
    writes = Writes(cluster, [cluster.services["deviation"].url], rate=8)
    load = asyncio.create_task(writes.run(32))
    await asyncio.sleep(3)
    before = {s.name: len(s.problem_lines()) for s in services}
    await asyncio.to_thread(cluster.broker.stop)
    accepted_before_outage = writes.accepted
    await asyncio.sleep(20)
    assert writes.accepted > accepted_before_outage, "the API accepts writes while the broker is down"
    await asyncio.to_thread(cluster.broker.start)
    back = time.monotonic()
    outage_lines = {s.name: len(s.problem_lines()) - before[s.name] for s in services}
    await load
    done = await converge(cluster, writes)
    record("broker stopped for 20 s mid-stream", done - back, writes.accepted)
    await assert_exactly_once_in_order(cluster)
    # one line when a loop starts failing and a summary a minute, not ~100 lines a second
    assert all(lines <= 40 for lines in outage_lines.values()), outage_lines


async def test_a_service_started_while_the_broker_is_down_serves_its_api_and_catches_up(
    cluster: Cluster,
) -> None:
    deviation = cluster.services["deviation"]
    await asyncio.to_thread(cluster.broker.stop)
    deviation.stop()
    started = time.monotonic()
    deviation.start()
    ready = await deviation.ready()
    body: dict[str, Any] = ready.json()
    print(
        f"\ndeviation-svc ready {time.monotonic() - started:.1f} s after start, broker down: {body['checks']}"
    )
    assert body["checks"]["database"] == "ok" and body["checks"]["bus"] != "ok"
    writes = Writes(cluster, [deviation.url], rate=6)
    await writes.run(6)
    assert writes.refused == 0 and writes.accepted > 0, "every write is accepted while the broker is down"
    async with httpx.AsyncClient(timeout=5) as client:
        relay = (await client.get(f"{deviation.url}/ready")).json()["loops"]["relay"]
    assert relay["status"] == "backing_off" and relay["last_error"]
    await asyncio.to_thread(cluster.broker.start)
    back = time.monotonic()
    done = await converge(cluster, writes)
    record("deviation-svc started while the broker was down", done - back, writes.accepted)
    await assert_exactly_once_in_order(cluster)


async def test_a_poison_message_is_dead_lettered_then_redriven_after_the_fix_and_applied_once(
    cluster: Cluster,
) -> None:
    """reporting-svc runs here in-process with a bug: its projection fails on the category
    "bemotande". After the fix, the systemadministrator redrives through the ops API."""
    from platform_shared.api.app import create_service_app
    from reporting_svc.app import build_runtime
    from reporting_svc.config import ReportingSettings

    cluster.services["reporting"].stop()
    runtime = build_runtime(
        ReportingSettings(
            database_url=cluster.urls["reporting"],
            bus="kafka",
            kafka_bootstrap_servers=cluster.broker.bootstrap,
            kafka_fetch_max_wait_ms=20,
            dev_key_dir=str(cluster.workdir),
            relay_poll_interval_s=0.1,
        )
    )
    projections = next(c for c in runtime.consumers if c.spec.group == "reporting.projections")
    real = dict(projections.spec.handlers)

    async def buggy(uow: Any, envelope: Any, event: Any) -> None:
        if getattr(event, "category", None) == "bemotande":
            raise ValueError("the projection cannot handle this category")
        await real[envelope.type](uow, envelope, event)

    for event_type in real:
        projections.spec.handlers[event_type] = buggy  # type: ignore[index]
    app = create_service_app(runtime)
    try:
        async with app.router.lifespan_context(app):
            writes = Writes(cluster, [cluster.services["deviation"].url])
            await writes.run(3)
            async with httpx.AsyncClient(timeout=15) as client:
                poisoned = (
                    await client.post(
                        f"{cluster.services['deviation'].url}/api/v1/deviations",
                        headers=cluster.auth("medarbetare_a"),
                        json={
                            "type": "avvikelse",
                            "unit_id": str(cluster.org.units["enhet_a"]),
                            "occurred_at": "2026-03-01T08:00:00+01:00",
                            "description": "Fel som projektionen inte klarar",
                            "category": "bemotande",
                            "source": {"system": "faulttest", "external_id": "poison-1"},
                        },
                    )
                ).json()
                received = await client.post(
                    f"{cluster.services['deviation'].url}/api/v1/deviations/{poisoned['id']}/receive",
                    json={"immediate_measures": "Åtgärdat."},
                    headers=cluster.auth("enhetschef_a"),
                )
                assert received.status_code == 200
                await converge(cluster, writes)  # every other aggregate flows past the poison
                ops = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://reporting")
                letters = await _until_dead_letters(ops, cluster, 2)
                assert [d["key"] for d in letters] == [poisoned["id"]] * 2
                assert "cannot handle" in letters[0]["error"] and letters[1]["error"].startswith("held")
                assert await statuses(cluster, "reporting", [poisoned["id"]]) == {}

                for event_type, handler in real.items():  # the fix
                    projections.spec.handlers[event_type] = handler  # type: ignore[index]
                fixed = time.monotonic()
                redriven = await ops.post(
                    "/api/v1/ops/reporting/dead-letters/redrive",
                    json={"all": True},
                    headers=cluster.auth("admin"),
                )
                assert [r["outcome"] for r in redriven.json()["results"]] == ["applied", "applied"], (
                    redriven.text
                )
                again = await ops.post(
                    "/api/v1/ops/reporting/dead-letters/redrive",
                    json={"ids": [d["id"] for d in letters]},
                    headers=cluster.auth("admin"),
                )
                assert [r["outcome"] for r in again.json()["results"]] == ["resolved", "resolved"]
                await ops.aclose()
            writes.status[poisoned["id"]] = "received"
            done = await converge(cluster, writes)
            record("poison message, redriven after the fix", done - fixed, writes.accepted + 2)
            async with cluster.engines["reporting"].connect() as conn:
                dead = await conn.scalar(text("SELECT count(*) FROM dead_letter WHERE resolved_at IS NULL"))
            assert dead == 0
    finally:
        cluster.services["reporting"].start()
        await cluster.services["reporting"].ready()
    async with cluster.engines["reporting"].begin() as conn:  # resolved: the shared check wants none
        await conn.execute(text("DELETE FROM dead_letter"))
    await assert_exactly_once_in_order(cluster)


async def _until_dead_letters(ops: httpx.AsyncClient, cluster: Cluster, count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    async def enough() -> bool:
        nonlocal found
        response = await ops.get("/api/v1/ops/reporting/dead-letters", headers=cluster.auth("admin"))
        found = response.json()["items"]
        return len(found) >= count

    await wait_for(enough, 60, "the dead letters")
    return found
