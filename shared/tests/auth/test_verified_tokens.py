"""A verified token is remembered until its expiry (at most a minute); a refused one never is."""

from __future__ import annotations

from typing import Any

import pytest

from platform_shared.auth.tokens import VerifiedTokens
from platform_shared.errors import InvalidToken


class CountingVerifier:
    def __init__(self, exp: float) -> None:
        self.exp = exp
        self.calls = 0
        self.refuse = False

    async def verify(self, token: str) -> dict[str, Any]:
        self.calls += 1
        if self.refuse:
            raise InvalidToken("Ogiltig token")
        return {"sub": token, "exp": self.exp}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_verified_token_is_not_checked_again_within_the_ttl() -> None:
    inner, clock = CountingVerifier(exp=5000), Clock()
    tokens = VerifiedTokens(inner, ttl_s=60, clock=clock)
    assert (await tokens.verify("a"))["sub"] == "a"
    clock.now += 59
    assert (await tokens.verify("a"))["sub"] == "a"
    assert inner.calls == 1


async def test_a_remembered_token_is_checked_again_after_the_ttl() -> None:
    inner, clock = CountingVerifier(exp=5000), Clock()
    tokens = VerifiedTokens(inner, ttl_s=60, clock=clock)
    await tokens.verify("a")
    clock.now += 60
    inner.refuse = True  # e.g. its key withdrawn from the issuer's JWKS
    with pytest.raises(InvalidToken):
        await tokens.verify("a")


async def test_a_token_is_never_remembered_past_its_expiry() -> None:
    inner, clock = CountingVerifier(exp=1010), Clock()
    tokens = VerifiedTokens(inner, ttl_s=60, clock=clock)
    await tokens.verify("a")
    clock.now = 1010
    inner.refuse = True
    with pytest.raises(InvalidToken):
        await tokens.verify("a")


async def test_a_refused_token_is_not_remembered() -> None:
    inner, clock = CountingVerifier(exp=5000), Clock()
    tokens = VerifiedTokens(inner, clock=clock)
    inner.refuse = True
    with pytest.raises(InvalidToken):
        await tokens.verify("a")
    inner.refuse = False
    await tokens.verify("a")
    assert inner.calls == 2


async def test_the_least_recently_used_token_is_forgotten_beyond_the_limit() -> None:
    inner, clock = CountingVerifier(exp=5000), Clock()
    tokens = VerifiedTokens(inner, max_entries=2, clock=clock)
    for token in ("a", "b", "a", "c"):  # b is the least recently used when c comes
        await tokens.verify(token)
    calls = inner.calls
    await tokens.verify("a")
    await tokens.verify("c")
    assert inner.calls == calls
    await tokens.verify("b")
    assert inner.calls == calls + 1


async def test_callers_cannot_change_what_is_remembered() -> None:
    tokens = VerifiedTokens(CountingVerifier(exp=5000), clock=Clock())
    (await tokens.verify("a"))["sub"] = "someone else"
    assert (await tokens.verify("a"))["sub"] == "a"
