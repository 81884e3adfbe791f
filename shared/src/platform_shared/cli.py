"""The command line every service shares: `<svc> serve`, `migrate`, `topics`, `dead-letters`."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import socket
import sys
from collections.abc import Callable
from unittest import mock

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess, multiprocess

from platform_shared.api.app import create_service_app
from platform_shared.gc_tuning import FreezeAfterStartup
from platform_shared.logs import configure_logging
from platform_shared.runtime import ServiceRuntime


def run_cli(name: str, build_runtime: Callable[[], ServiceRuntime], default_port: int) -> None:
    parser = argparse.ArgumentParser(prog=f"{name}-svc")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="migrate, then serve the API with its relay and consumers")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=default_port)
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (each with its relay and loops; they share)"
    )
    sub.add_parser("migrate", help="upgrade the database to the latest migration")
    topics = sub.add_parser(
        "topics", help="create the declared Kafka topics (and re-assert their retention); idempotent"
    )
    topics.add_argument("--replication-factor", type=int, default=1)
    topics.add_argument("--wait", type=float, default=120.0, help="seconds to wait for the broker")
    letters = sub.add_parser("dead-letters", help="list the consumers' dead letters, or redrive them")
    letters_sub = letters.add_subparsers(dest="action", required=True)
    listing = letters_sub.add_parser("list", help="the open dead letters, oldest first")
    listing.add_argument("--all", action="store_true", help="also the resolved ones")
    redrive = letters_sub.add_parser("redrive", help="apply dead letters again once their cause is fixed")
    which = redrive.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", type=int, action="append", dest="ids", help="a dead letter's id (repeatable)")
    which.add_argument("--all", action="store_true", help="every open dead letter, oldest first")
    args = parser.parse_args()

    os.umask(0o077)  # files this service creates (SQLite, keys, attachments, reports) are its own: 0600
    runtime = build_runtime()
    configure_logging(runtime.settings.log_level, runtime.settings.log_json)
    if args.command == "migrate":
        asyncio.run(runtime.migrate())
        return
    if args.command == "topics":
        sys.exit(asyncio.run(_topics(runtime, args.replication_factor, args.wait)))
    if args.command == "dead-letters":
        sys.exit(asyncio.run(_dead_letters(runtime, args)))
    # The service writes its own access line (no query string, with the correlation id).
    if args.workers > 1:
        # Each worker process builds its own runtime (engine, pool, relay, loops) from this factory.
        os.environ[_RUNTIME_FACTORY] = f"{build_runtime.__module__}:{build_runtime.__qualname__}"
        if runtime.settings.run_migrations:  # once, before the workers start (not each of them)
            asyncio.run(runtime.migrate())
        _serve_workers(args.host, args.port, args.workers)
        return
    app = FreezeAfterStartup(create_service_app(runtime))
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False)


_RUNTIME_FACTORY = "PLATFORM_RUNTIME_FACTORY"
_log = logging.getLogger("uvicorn.error")


def _serve_workers(host: str, port: int, workers: int) -> None:
    """uvicorn's supervisor (health checks, a dead worker replaced), each worker listening on a
    socket of its own. On one shared socket the first worker woken accepts every connection queued
    (asyncio accepts up to the backlog at once), so a client's keep-alive connections, opened
    together, mostly land on one worker; with SO_REUSEPORT the kernel spreads them by address."""
    config = uvicorn.Config(
        f"{__name__}:worker_app",
        factory=True,
        workers=workers,
        # A worker imports the whole service before it answers: slow on a busy machine.
        timeout_worker_healthcheck=120,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
    )
    # A port in use fails once, here, not in each worker; and a forgotten process of an earlier run
    # listening with SO_REUSEPORT is found too (a socket without it cannot share its port).
    try:
        bound_socket(host, port, share_port=False).close()
    except OSError as error:
        _log.error("port %s: %s", port, error)
        sys.exit(STARTUP_FAILURE)
    _log.info("%s workers on http://%s:%d, each on a socket of its own", workers, host, port)
    # uvicorn's supervisor makes every worker with this name; ours binds its own socket first.
    with mock.patch.object(multiprocess, "Process", _OwnSocketWorker):
        supervisor = Multiprocess(config, sockets=[])
        supervisor.run()
    # The supervisor stops when a worker cannot start (its app or its port): say so to whatever
    # restarts this process, as uvicorn does with one worker.
    if any(worker.exitcode == STARTUP_FAILURE for worker in supervisor.processes):
        sys.exit(STARTUP_FAILURE)


def bound_socket(host: str, port: int, *, share_port: bool) -> socket.socket:
    """A TCP socket bound to host:port; `share_port`: with SO_REUSEPORT (a worker's own listener)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if share_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class _OwnSocketWorker(multiprocess.Process):
    def target(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            own = bound_socket(self.config.host, self.config.port, share_port=True)
        except OSError as error:  # the supervisor stops rather than restart it again and again
            _log.error("port %s: %s", self.config.port, error)
            sys.exit(STARTUP_FAILURE)
        super().target([own])


def worker_app() -> FreezeAfterStartup:
    """One worker process's app (`serve --workers N`): the runtime from the factory `serve` named."""
    module_name, _, attribute = os.environ[_RUNTIME_FACTORY].partition(":")
    build_runtime: Callable[[], ServiceRuntime] = getattr(importlib.import_module(module_name), attribute)
    runtime = build_runtime()
    runtime.settings.run_migrations = False  # `serve` migrated before it started the workers
    configure_logging(runtime.settings.log_level, runtime.settings.log_json)
    return FreezeAfterStartup(create_service_app(runtime))


async def _topics(runtime: ServiceRuntime, replication: int, wait_s: float) -> int:
    from platform_shared.contracts.topics import TOPICS
    from platform_shared.messaging.kafka import KafkaTransport
    from platform_shared.messaging.transport import TransportUnavailable

    settings = runtime.settings
    transport = KafkaTransport(settings.kafka_bootstrap_servers, client_id=f"{runtime.name}-svc-topics")
    deadline = asyncio.get_running_loop().time() + wait_s
    try:
        while True:
            try:
                created = await transport.ensure_topics(TOPICS, replication=replication)
                break
            except TransportUnavailable as exc:
                if asyncio.get_running_loop().time() > deadline:
                    print(f"Kafka not reachable: {exc}", file=sys.stderr)
                    return 1
                await asyncio.sleep(1.0)
    finally:
        await transport.stop()
        await runtime.engine.dispose()
    for spec in TOPICS:
        state = "created" if spec.name in created else "exists"
        print(f"{spec.name}: {state}, partitions={spec.partitions}, retention.ms={spec.retention_ms}")
    return 0


async def _dead_letters(runtime: ServiceRuntime, args: argparse.Namespace) -> int:
    try:
        if args.action == "list":
            entries = await runtime.dead_letters.entries(include_resolved=args.all, limit=10_000)
            for d in entries:
                resolved = f"\tresolved: {d.resolution}" if d.resolved_at else ""
                place = f"{d.topic}[{d.partition}]@{d.offset}"
                print(
                    f"{d.id}\t{d.consumer}\t{d.event_type or '-'}\t{d.key or '-'}\t{place}\t"
                    f"{d.failed_at:%Y-%m-%d %H:%M:%S}\t{d.error}{resolved}"
                )
            print(f"{len(entries)} dead letter(s)", file=sys.stderr)
            return 0
        results = await runtime.dead_letters.redrive(None if args.all else args.ids)
        for result in results:
            print(f"{result.id}\t{result.outcome}" + (f"\t{result.error}" if result.error else ""))
        return (
            0
            if all(r.outcome in ("applied", "already_applied", "not_handled", "resolved") for r in results)
            else 2
        )
    finally:
        await runtime.engine.dispose()
