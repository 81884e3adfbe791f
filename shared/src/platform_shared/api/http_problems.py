"""Problems the HTTP layer answers by itself, before or around any route: an unknown path, a wrong
method, a body too large, a wrong content type, oversized headers, overload, an unexpected error.
Each status has one problem type and a Swedish title; the detail is Swedish too."""

from __future__ import annotations

from http import HTTPStatus

# status -> (type, title, default detail)
HTTP_PROBLEMS: dict[int, tuple[str, str, str]] = {
    400: ("/problems/bad-request", "Felaktig begäran", "Begäran kunde inte tolkas."),
    401: ("/problems/unauthenticated", "Inte inloggad", "En giltig bearer-token krävs."),
    404: ("/problems/not-found", "Finns inte", "Adressen finns inte."),
    405: ("/problems/method-not-allowed", "Metoden är inte tillåten", "Metoden används inte på adressen."),
    413: (
        "/problems/payload-too-large",
        "Begäran är för stor",
        "Innehållet är större än vad adressen tar emot.",
    ),
    415: ("/problems/unsupported-media-type", "Fel innehållstyp", "Innehållstypen tas inte emot här."),
    431: ("/problems/headers-too-large", "För stora huvuden", "Begärans huvuden är för stora."),
    500: ("/problems/internal-error", "Internt fel", "Ett oväntat fel inträffade."),
    503: ("/problems/overloaded", "Tjänsten är överbelastad", "Försök igen om en stund."),
}


def http_problem(status: int, detail: str | None = None) -> tuple[str, str, str]:
    """(type, title, detail) for `status`; a framework's English default detail ("Not Found") becomes
    Swedish."""
    type_, title, default_detail = HTTP_PROBLEMS.get(
        status, ("/problems/http-error", _phrase(status), _phrase(status))
    )
    if detail is None or detail == _phrase(status) or detail in _FRAMEWORK_DETAILS:
        detail = default_detail
    return type_, title, detail


# What FastAPI and Starlette say in English themselves.
_FRAMEWORK_DETAILS = frozenset({"Content Too Large", "There was an error parsing the body"})


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(status)
