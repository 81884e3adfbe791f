"""HTTP calls to addresses a user chose (webhook receivers) reach public addresses only.

A receiver's host is resolved once per request; every address it resolves to must be public (not
loopback, private, link-local, multicast, unspecified, reserved or a cloud metadata address, also
when written as an IPv4-mapped, 6to4, Teredo or NAT64 IPv6 address, or as a decimal, octal or hex
IPv4 literal), and the connection goes to the address that was checked — a second DNS answer (DNS
rebinding) is never asked for. The Host header and the TLS server name stay the receiver's host name,
so certificates are verified as usual. Internal receivers are allowed by an allow-list of networks
(`10.20.0.0/16`, `127.0.0.1`) or host names (`hooks.kommun.local`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]

# Cloud instance metadata services (the link-local and private ones are refused anyway).
METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class RefusedAddress(Exception):
    """The receiver's address is not a public one (and not on the allow-list)."""


def literal_ip(host: str) -> IPAddress | None:
    """The address a host written as an IP literal stands for: `::1`, `127.0.0.1`, and the legacy
    IPv4 forms resolvers accept (`2130706433`, `0x7f.1`, `017700000001`); None for a host name."""
    text = host.strip("[]")
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except OSError:
        return None


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo, NAT64), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def why_not_public(address: IPAddress) -> str | None:
    """None for a public address; otherwise what it is (in Swedish: it ends up in the delivery log)."""
    inner = embedded_ipv4(address)
    if inner is not None:
        return why_not_public(inner)
    checks = (
        (address in METADATA, "en metadataadress"),
        (address.is_unspecified, "ospecificerad"),
        (address.is_loopback, "en loopback-adress"),
        (address.is_link_local, "länklokal"),
        (address.is_multicast, "en multicastadress"),
        (address.is_private, "privat"),
        (address.is_reserved, "reserverad"),
        (not address.is_global, "inte publik"),
    )
    return next((what for refused, what in checks if refused), None)


@dataclass(frozen=True)
class ReceiverPolicy:
    allowed_networks: tuple[IPNetwork, ...] = ()
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_setting(cls, entries: Iterable[str]) -> ReceiverPolicy:
        """Allow-list entries: networks or addresses (`10.0.0.0/8`, `127.0.0.1`, `::1`) and host names."""
        networks: list[IPNetwork] = []
        hosts: set[str] = set()
        for entry in (e.strip() for e in entries):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(tuple(networks), frozenset(hosts))

    def check(self, host: str, address: IPAddress) -> None:
        """Raises RefusedAddress unless `address` (of `host`) may be called."""
        if host.lower().rstrip(".") in self.allowed_hosts:
            return
        if any(address in network for network in self.allowed_networks):
            return
        reason = why_not_public(address)
        if reason is not None:
            raise RefusedAddress(f"Mottagarens adress är {reason} och anropas inte.")


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host` (an IP literal gives itself)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def checked_addresses(host: str, port: int, policy: ReceiverPolicy, resolver: Resolver) -> list[str]:
    """The host's addresses, every one checked against the policy (refused if any is not allowed:
    which one a client connects to is not ours to choose)."""
    literal = literal_ip(host)
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = await resolver(host, port)
        except OSError as exc:
            raise httpx.ConnectError("Mottagarens värdnamn går inte att slå upp.") from exc
    if not addresses:
        raise httpx.ConnectError("Mottagarens värdnamn går inte att slå upp.")
    for address in addresses:
        policy.check(host, ipaddress.ip_address(address.split("%", 1)[0]))
    return addresses


class PinnedTransport(httpx.AsyncBaseTransport):
    """An httpx transport that resolves and checks the host itself and connects to the checked address."""

    def __init__(
        self,
        policy: ReceiverPolicy,
        *,
        resolver: Resolver = system_resolver,
        inner: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.policy = policy
        self.resolver = resolver
        self.inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        address = (await checked_addresses(host, port, self.policy, self.resolver))[0]
        extensions = dict(request.extensions)
        if request.url.scheme == "https" and literal_ip(host) is None:
            extensions["sni_hostname"] = host  # the certificate is checked for the host name
        pinned = httpx.Request(
            request.method,
            request.url.copy_with(host=address),
            headers=request.headers,  # keeps Host: the receiver's name
            stream=request.stream,
            extensions=extensions,
        )
        return await self.inner.handle_async_request(pinned)

    async def aclose(self) -> None:
        await self.inner.aclose()
