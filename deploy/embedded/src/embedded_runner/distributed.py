"""`make run-distributed`: the distributed setup on one machine, without Docker.

The four services as separate processes, each on its own PostgreSQL database (created when missing),
Kafka as the bus (`KAFKA_BOOTSTRAP_SERVERS` for a running broker, or `KAFKA_START`: a command that
starts one and prints its address), the declared topics created, the demo organisation of the
embedded default seeded through the public API, `var/dev-tokens.json` written, and one gateway on
http://127.0.0.1:8000 serving the same public API. Ctrl-C stops everything it started.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import structlog
import uvicorn

from embedded_runner.proxy import ProxyGateway
from embedded_runner.seed.client import ADMIN_SUBJECT as DEMO_ADMIN_SUBJECT
from embedded_runner.seed.org import DEMO_PROVIDER
from platform_shared.contracts.topics import TOPICS
from platform_shared.logs import configure_logging
from platform_shared.messaging.broker_command import Broker, BrokerUnavailable, start_broker, stop_broker
from platform_shared.messaging.kafka import KafkaTransport
from platform_shared.messaging.transport import TransportUnavailable

log = structlog.get_logger(__name__)

SERVICES = ("org", "deviation", "risk", "reporting")
NO_KAFKA = (
    "No Kafka broker: set KAFKA_BOOTSTRAP_SERVERS to a running broker (host:port), or KAFKA_START to a "
    "command that starts one and prints its address (and KAFKA_STOP to one that stops it)."
)


class SetupError(RuntimeError):
    pass


@dataclass
class Cluster:
    var_dir: Path
    broker: Broker
    databases: dict[str, str]
    ports: dict[str, int]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def urls(self) -> dict[str, str]:
        return {name: f"http://127.0.0.1:{port}" for name, port in self.ports.items()}


def kafka_from_environment(var_dir: Path) -> Broker:
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        return Broker(configured, "real", "KAFKA_BOOTSTRAP_SERVERS")
    if not os.environ.get("KAFKA_START"):
        raise SetupError(NO_KAFKA)
    print(f"Starting Kafka: {os.environ['KAFKA_START']}", flush=True)
    try:
        return start_broker({"KAFKA_DATA": os.environ.get("KAFKA_DATA", str(var_dir / "kafka"))})
    except BrokerUnavailable as exc:
        raise SetupError(str(exc)) from exc


async def ensure_databases(admin_dsn: str, prefix: str) -> dict[str, str]:
    """A database per service, created when missing; returns their SQLAlchemy URLs."""
    import asyncpg

    urls: dict[str, str] = {}
    conn = await asyncpg.connect(admin_dsn)
    try:
        for name in SERVICES:
            database = f"{prefix}_{name}"
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
            if not exists:
                await conn.execute(f'CREATE DATABASE "{database}"')
            base = admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
            urls[name] = f"{base}/{database}"
    finally:
        await conn.close()
    return urls


async def create_topics(bootstrap: str, wait_s: float = 60.0) -> None:
    transport = KafkaTransport(bootstrap, client_id="run-distributed")
    deadline = time.monotonic() + wait_s
    try:
        while True:
            try:
                await transport.ensure_topics(TOPICS)
                return
            except TransportUnavailable as exc:
                if time.monotonic() > deadline:
                    raise SetupError(f"Kafka at {bootstrap} did not answer: {exc}") from exc
                await asyncio.sleep(1.0)
    finally:
        await transport.stop()


def service_env(cluster: Cluster, name: str) -> dict[str, str]:
    prefix = name.upper() + "_"
    env = {
        **os.environ,
        prefix + "DATABASE_URL": cluster.databases[name],
        prefix + "BUS": "kafka",
        prefix + "KAFKA_BOOTSTRAP_SERVERS": cluster.broker.bootstrap,
        prefix + "KAFKA_FETCH_MAX_WAIT_MS": os.environ.get("KAFKA_FETCH_MAX_WAIT_MS", "20"),
        prefix + "DEV_KEY_DIR": str(cluster.var_dir),
        prefix + "RELAY_POLL_INTERVAL_S": os.environ.get("RELAY_POLL_INTERVAL_S", "0.2"),
    }
    if name == "org":
        env.setdefault("ORG_BOOTSTRAP_ADMIN_SUBJECT", DEMO_ADMIN_SUBJECT)
    if name == "deviation":
        env.setdefault("DEVIATION_ATTACHMENT_DIR", str(cluster.var_dir / "attachments"))
        for setting, value in DEMO_PROVIDER.items():
            env.setdefault("DEVIATION_" + setting.upper(), value)
    if name == "reporting":
        env.setdefault("REPORTING_MAIL_DIR", str(cluster.var_dir / "mail"))
        env.setdefault("REPORTING_REPORTS_DIR", str(cluster.var_dir / "reports"))
    return env


def start_services(cluster: Cluster) -> None:
    logs = cluster.var_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for name in SERVICES:
        with open(logs / f"{name}-svc.log", "ab") as out:
            cluster.processes[name] = subprocess.Popen(
                [sys.executable, "-m", f"{name}_svc.cli", "serve", "--port", str(cluster.ports[name])],
                env=service_env(cluster, name),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the launcher, which stops them in order
            )
        print(f"{name}-svc on http://127.0.0.1:{cluster.ports[name]} (log: {logs / f'{name}-svc.log'})")


async def wait_ready(cluster: Cluster, timeout_s: float = 180.0) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(timeout=3) as client:
        for name, url in cluster.urls().items():
            while True:
                process = cluster.processes[name]
                if process.poll() is not None:
                    raise SetupError(f"{name}-svc exited ({process.returncode}); see var/logs/{name}-svc.log")
                try:
                    if (await client.get(f"{url}/ready")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SetupError(f"{name}-svc not ready after {timeout_s:g} s")
                await asyncio.sleep(0.3)


def stop_services(cluster: Cluster) -> None:
    for process in cluster.processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for name, process in cluster.processes.items():
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            print(f"{name}-svc did not stop; killing it", flush=True)
            process.kill()
            process.wait()


async def seed(gateway: ProxyGateway, cluster: Cluster) -> None:
    """The embedded default's demo organisation, through the public API (the gateway)."""
    from embedded_runner.seed import seed_demo

    async with gateway.front.router.lifespan_context(gateway.front):
        transport = httpx.ASGITransport(app=gateway)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway", timeout=60.0) as http:
            await seed_demo(http, cluster.var_dir)


def main() -> None:
    parser = argparse.ArgumentParser(prog="kvalitet-distributed", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="the gateway's port")
    parser.add_argument("--service-ports", default="8001,8002,8003,8004", help="org,deviation,risk,reporting")
    parser.add_argument("--var-dir", default="var", help="dev key, tokens, logs, files")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("POSTGRES_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL DSN allowed to create databases (env POSTGRES_ADMIN_DSN)",
    )
    parser.add_argument(
        "--db-prefix", default="kvalitet", help="databases <prefix>_org, <prefix>_deviation, …"
    )
    parser.add_argument("--no-seed", action="store_true", help="do not create the demo organisation")
    args = parser.parse_args()
    configure_logging(os.environ.get("LOG_LEVEL", "INFO"), json=False)
    var_dir = Path(args.var_dir).resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    ports = dict(zip(SERVICES, (int(p) for p in args.service_ports.split(",")), strict=True))
    try:
        broker = kafka_from_environment(var_dir)
    except SetupError as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)
    cluster: Cluster | None = None
    try:
        print(f"Kafka at {broker.bootstrap}", flush=True)
        asyncio.run(create_topics(broker.bootstrap))
        databases = asyncio.run(ensure_databases(args.postgres, args.db_prefix))
        cluster = Cluster(var_dir, broker, databases, ports)
        start_services(cluster)
        asyncio.run(wait_ready(cluster))
        gateway = ProxyGateway(cluster.urls())
        if not args.no_seed:
            asyncio.run(seed(gateway, cluster))
        print(f"The public API: http://{args.host}:{args.port} (Ctrl-C stops everything)", flush=True)
        uvicorn.run(gateway, host=args.host, port=args.port, log_config=None)
    except SetupError as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave processes behind
        if cluster is not None:
            stop_services(cluster)
        if broker.started:
            stop_broker(broker)
        print("Stopped.", flush=True)


if __name__ == "__main__":
    main()
