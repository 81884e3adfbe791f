"""Webhook receivers are called on public addresses only, however the address is written."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from platform_shared.outbound_http import (
    PinnedTransport,
    ReceiverPolicy,
    RefusedAddress,
    checked_addresses,
    literal_ip,
)

REFUSED = [
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.100.100.200",  # another cloud's metadata
    "100.64.0.1",  # shared address space
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",
    "ff02::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
]
PUBLIC = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"]


@pytest.mark.parametrize("address", REFUSED)
async def test_loopback_private_link_local_multicast_unspecified_and_metadata_addresses_are_refused(
    address: str,
) -> None:
    with pytest.raises(RefusedAddress):
        await checked_addresses(address, 80, ReceiverPolicy(), _no_dns)


@pytest.mark.parametrize("address", PUBLIC)
async def test_public_addresses_are_called(address: str) -> None:
    assert await checked_addresses(address, 80, ReceiverPolicy(), _no_dns) == [
        str(ipaddress.ip_address(address))
    ]


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "017700000001", "127.1", "[::1]", "0177.0.0.1"])
async def test_decimal_octal_hex_and_bracketed_forms_of_loopback_are_refused(host: str) -> None:
    assert literal_ip(host) is not None and literal_ip(host).is_loopback  # type: ignore[union-attr]
    with pytest.raises(RefusedAddress):
        await checked_addresses(host, 80, ReceiverPolicy(), _no_dns)


async def test_a_host_name_is_refused_when_any_address_it_resolves_to_is_internal() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.7"]

    with pytest.raises(RefusedAddress, match="privat"):
        await checked_addresses("hooks.example.se", 443, ReceiverPolicy(), resolver)


async def test_an_allow_list_lets_internal_receivers_through_by_network_or_host_name() -> None:
    policy = ReceiverPolicy.from_setting(["10.20.0.0/16", "127.0.0.1", "hooks.kommun.local"])

    async def resolver(host: str, port: int) -> list[str]:
        return {"hooks.kommun.local": ["192.168.7.7"], "other.kommun.local": ["10.30.0.1"]}[host]

    assert await checked_addresses("10.20.3.4", 80, policy, resolver) == ["10.20.3.4"]
    assert await checked_addresses("127.0.0.1", 80, policy, resolver) == ["127.0.0.1"]
    assert await checked_addresses("hooks.kommun.local", 80, policy, resolver) == ["192.168.7.7"]
    for refused in ("127.0.0.2", "other.kommun.local"):
        with pytest.raises(RefusedAddress):
            await checked_addresses(refused, 80, policy, resolver)


async def test_the_transport_connects_to_the_address_it_checked_with_the_host_name_kept() -> None:
    """DNS rebinding: the name is resolved once per request; the second answer is never asked for."""
    answers = [["93.184.216.34"], ["127.0.0.1"]]
    asked: list[str] = []
    seen: list[httpx.Request] = []

    async def rebinding(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers.pop(0)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    transport = PinnedTransport(ReceiverPolicy(), resolver=rebinding, inner=httpx.MockTransport(handler))
    async with httpx.AsyncClient(transport=transport) as client:
        first = await client.post("https://hooks.example.se/kvalitet", content=b"{}")
        with pytest.raises(RefusedAddress):
            await client.post("https://hooks.example.se/kvalitet", content=b"{}")
    assert first.status_code == 204 and asked == ["hooks.example.se", "hooks.example.se"]
    (request,) = seen  # the second request never left
    assert request.url.host == "93.184.216.34" and request.headers["host"] == "hooks.example.se"
    assert request.extensions["sni_hostname"] == "hooks.example.se"


async def _no_dns(host: str, port: int) -> list[str]:
    raise AssertionError(f"an IP literal is not looked up: {host}")
