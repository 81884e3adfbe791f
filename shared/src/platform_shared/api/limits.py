"""Input limits checked before any work: header and bearer-token size for every request, body size
and content type for every route that takes a body.

A route takes JSON by default, at most `max_body_bytes` (the `MAX_BODY_BYTES` setting, 1 MiB). A
route that takes uploads says how much it takes, declaratively, by decorating its endpoint:

    @router.post("/{deviation_id}/attachments", ...)
    @body_limit(setting="attachment_max_bytes")  # the setting's value + room for the multipart framing
    async def upload(...): ...

(`@body_limit(max_bytes=5_000_000)` for a fixed size; FastAPI's own `max_body_size=` on the route
decorator is honoured too.) The size is enforced while the body is read: a `Content-Length` over the
limit is refused before a byte is read, a body that grows past it (chunked, or a lying length) is cut
off there. Too large: 413; a body that is not JSON on a JSON route: 415 (a form route that gets no
form answers 422: it never reads the body); headers over `max_header_bytes`: 431; a bearer token over
`max_token_bytes`: 401 before any parsing or signature check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import params
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_shared.api.http_problems import http_problem
from platform_shared.api.problems import Problem
from platform_shared.settings import ServiceSettings

F = TypeVar("F", bound=Callable[..., Any])

MULTIPART_FRAMING_BYTES = 64 * 1024
JSON_TYPES = ("application/json",)
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


@dataclass(frozen=True)
class BodyLimit:
    """How large a body a route takes: a fixed size, or a setting's value plus `framing_bytes`."""

    max_bytes: int | None = None
    setting: str | None = None
    framing_bytes: int = MULTIPART_FRAMING_BYTES

    def resolve(self, settings: ServiceSettings) -> int:
        if self.max_bytes is not None:
            return self.max_bytes
        assert self.setting is not None
        return int(getattr(settings, self.setting)) + self.framing_bytes


def body_limit(
    max_bytes: int | None = None, *, setting: str | None = None, framing_bytes: int = MULTIPART_FRAMING_BYTES
) -> Callable[[F], F]:
    """Declare the largest body a route takes (see the module's docstring)."""
    if (max_bytes is None) == (setting is None):
        raise ValueError("body_limit takes either max_bytes or setting")
    limit = BodyLimit(max_bytes, setting, framing_bytes)

    def declare(endpoint: F) -> F:
        endpoint.__body_limit__ = limit  # type: ignore[attr-defined]
        return endpoint

    return declare


def _problem(status: int, detail: str, headers: dict[str, str] | None = None) -> ASGIApp:
    return Problem(status, *http_problem(status, detail)).response(headers)


class HeaderLimitsMiddleware:
    """431 when all request headers together are too large; 401 for an oversized bearer token."""

    def __init__(self, app: ASGIApp, *, max_header_bytes: int, max_token_bytes: int) -> None:
        self.app = app
        self.max_header_bytes = max_header_bytes
        self.max_authorization_bytes = max_token_bytes + len("Bearer ")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            total = 0
            authorization = 0
            for name, value in scope["headers"]:
                total += len(name) + len(value)
                if name == b"authorization":
                    authorization = len(value)
            if total > self.max_header_bytes:
                detail = f"Begärans huvuden får vara högst {self.max_header_bytes} byte tillsammans."
                await _problem(431, detail)(scope, receive, send)
                return
            if authorization > self.max_authorization_bytes:
                detail = f"Token är för lång (högst {self.max_authorization_bytes - 7} byte)."
                await _problem(401, detail, {"WWW-Authenticate": "Bearer"})(scope, receive, send)
                return
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class RouteBody:
    max_bytes: int
    content_types: tuple[str, ...]
    takes_json: bool

    def accepts(self, content_type: bytes) -> bool:
        media = content_type.split(b";", 1)[0].strip().lower().decode("latin-1")
        if self.takes_json and media.startswith("application/") and media.endswith("+json"):
            return True  # e.g. application/merge-patch+json
        return media in self.content_types


def route_body(route: Any, settings: ServiceSettings) -> RouteBody | None:
    """The limit and content types of the route a request was routed to; None for a route that
    takes no body (it never reads one: only a disconnect listener may call `receive`)."""
    field = getattr(route, "body_field", None)
    if field is None:
        return None
    declared: BodyLimit | None = getattr(getattr(route, "endpoint", None), "__body_limit__", None)
    native: int | None = getattr(route, "max_body_size", None)
    max_bytes = declared.resolve(settings) if declared else native or settings.max_body_bytes
    takes_form = isinstance(field.field_info, params.Form)
    return RouteBody(max_bytes, FORM_TYPES if takes_form else JSON_TYPES, not takes_form)


class BodyLimitsMiddleware:
    """Checks a body when the route starts reading it (routing is done by then, so the route's own
    limit is known): a Content-Length over the limit is refused before a byte is read, the wrong
    content type before the body is parsed, and a body that grows past the limit is cut off there.
    The refusal is an HTTPException raised from `receive`, which FastAPI hands on to the problem
    mapping unchanged."""

    def __init__(self, app: ASGIApp, *, settings: ServiceSettings) -> None:
        self.app = app
        self.settings = settings
        self._routes: dict[int, RouteBody | None] = {}

    def _body_of(self, route: Any) -> RouteBody | None:
        key = id(route)
        if key not in self._routes:
            self._routes[key] = route_body(route, self.settings)
        return self._routes[key]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        first = True
        body: RouteBody | None = None
        received = 0

        async def limited_receive() -> Message:
            nonlocal first, body, received
            if first:
                first = False
                body = self._body_of(scope.get("route"))
                if body is not None:
                    _check_before_reading(scope, body)
            message = await receive()
            if body is not None and message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > body.max_bytes:
                    raise HTTPException(413, f"Innehållet får vara högst {body.max_bytes} byte.")
            return message

        await self.app(scope, limited_receive, send)


def _check_before_reading(scope: Scope, body: RouteBody) -> None:
    content_type = b""
    length: int | None = None
    chunked = False
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type = value
        elif name == b"content-length":
            length = int(value) if value.isdigit() and len(value) < 19 else None
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
    if length is not None and length > body.max_bytes:
        raise HTTPException(413, f"Innehållet får vara högst {body.max_bytes} byte.")
    if (chunked or (length or 0) > 0) and not body.accepts(content_type):
        raise HTTPException(415, f"Innehållet ska vara {' eller '.join(body.content_types)}.")
