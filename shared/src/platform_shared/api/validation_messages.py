"""Validation errors in Swedish: a pydantic error (its `type`, `loc` and `ctx`) becomes the `field`
and `message` a person reads, and the problem's title and detail. Pure functions, no framework."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

TITLE = "Ogiltiga uppgifter"
BAD_DATE = "Ogiltigt datum: skriv det som ÅÅÅÅ-MM-DD, t.ex. 2026-03-01."
BAD_TIME = "Ogiltig tidpunkt: skriv den enligt RFC 3339, t.ex. 2026-03-01T08:00:00+01:00."
LOCATIONS = ("body", "query", "path", "header", "cookie")

TYPE_NAMES = {
    "string": "en text",
    "int": "ett heltal",
    "float": "ett tal",
    "decimal": "ett tal",
    "bool": "sant eller falskt (true/false)",
    "dict": "ett objekt",
    "model": "ett objekt",
    "list": "en lista",
    "tuple": "en lista",
    "set": "en lista",
    "uuid": "ett id (UUID)",
    "bytes": "en text",
}


def _ctx(error: Mapping[str, Any], key: str, default: Any = "") -> Any:
    return (error.get("ctx") or {}).get(key, default)


def _allowed(error: Mapping[str, Any]) -> str:
    expected = str(_ctx(error, "expected"))
    return f"Ska vara ett av de tillåtna värdena: {expected.replace(' or ', ', ')}."


def _bound(word: str, key: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda e: f"Ska vara {word} {_ctx(e, key)}."


def _value_error(error: Mapping[str, Any]) -> str:
    """A service's own validator says what is wrong; pydantic's e-mail check says it in English."""
    message = str(error.get("msg", ""))
    if "email address" in message:
        return "Ogiltig e-postadress."
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda e: "Uppgiften saknas.",
    "extra_forbidden": lambda e: "Okänt fält.",
    "literal_error": _allowed,
    "enum": _allowed,
    "string_too_short": lambda e: f"Ska vara minst {_ctx(e, 'min_length')} tecken.",
    "string_too_long": lambda e: f"Får vara högst {_ctx(e, 'max_length')} tecken.",
    "too_short": lambda e: f"Ska ha minst {_ctx(e, 'min_length')} element.",
    "too_long": lambda e: f"Får ha högst {_ctx(e, 'max_length')} element.",
    "greater_than": _bound("större än", "gt"),
    "greater_than_equal": _bound("minst", "ge"),
    "less_than": _bound("mindre än", "lt"),
    "less_than_equal": _bound("högst", "le"),
    "multiple_of": _bound("en multipel av", "multiple_of"),
    "string_pattern_mismatch": lambda e: "Har fel format.",
    "date_format": lambda e: BAD_DATE,
    "date_parsing": lambda e: BAD_DATE,
    "date_from_datetime_parsing": lambda e: BAD_DATE,
    "date_from_datetime_inexact": lambda e: "Ogiltigt datum: ange ett datum utan klockslag.",
    "date_type": lambda e: BAD_DATE,
    "datetime_format": lambda e: (
        "Ogiltig tidpunkt: skriv den enligt RFC 3339, t.ex. 2026-03-01T08:00:00+01:00."
    ),
    "datetime_parsing": lambda e: (
        "Ogiltig tidpunkt: skriv den enligt RFC 3339, t.ex. 2026-03-01T08:00:00+01:00."
    ),
    "datetime_from_date_parsing": lambda e: BAD_TIME,
    "datetime_type": lambda e: (
        "Ogiltig tidpunkt: skriv den enligt RFC 3339, t.ex. 2026-03-01T08:00:00+01:00."
    ),
    "timezone_aware": lambda e: "Tidpunkten ska ha en tidszon (t.ex. +01:00).",
    "year_out_of_range": lambda e: f"Året ska ligga mellan {_ctx(e, 'min_year')} och {_ctx(e, 'max_year')}.",
    "int_from_float": lambda e: "Ska vara ett heltal.",
    "uuid_parsing": lambda e: "Ska vara ett id (UUID).",
    "uuid_version": lambda e: "Ska vara ett id (UUID).",
    "json_invalid": lambda e: "Ogiltig JSON.",
    "json_type": lambda e: "Ogiltig JSON.",
    "url_parsing": lambda e: "Ogiltig adress (URL).",
    "url_scheme": lambda e: f"Adressen ska börja med {_ctx(e, 'expected_schemes')}.",
    "url_too_long": lambda e: f"Adressen får vara högst {_ctx(e, 'max_length')} tecken.",
    "value_error": _value_error,
    "assertion_error": _value_error,
}


def swedish_message(error: Mapping[str, Any]) -> str:
    """The Swedish message for one pydantic error; the original message when the type is unknown."""
    kind = str(error.get("type", ""))
    if kind in MESSAGES:
        return MESSAGES[kind](error)
    for suffix in ("_type", "_parsing"):
        if kind.endswith(suffix) and kind.removesuffix(suffix) in TYPE_NAMES:
            return f"Fel typ: ska vara {TYPE_NAMES[kind.removesuffix(suffix)]}."
    return str(error.get("msg", "Ogiltigt värde."))


def field_name(loc: Sequence[Any]) -> str:
    """`("body", "source", "system")` -> `source.system`; `("query", "from")` -> `from`."""
    parts = [str(p) for p in loc if p not in LOCATIONS]
    return ".".join(parts) or ".".join(str(p) for p in loc)


@dataclass(frozen=True)
class SwedishValidation:
    title: str
    detail: str
    errors: list[dict[str, str]]


def swedish_validation(errors: Sequence[Mapping[str, Any]]) -> SwedishValidation:
    """The validation problem's title, detail and `errors: [{field, message}]`, all in Swedish."""
    found = [{"field": field_name(tuple(e.get("loc", ()))), "message": swedish_message(e)} for e in errors]
    listed = "; ".join(f"{e['field']}: {e['message'].rstrip('.')}" for e in found)
    detail = (
        f"Kontrollera uppgifterna i begäran. {listed}." if listed else "Kontrollera uppgifterna i begäran."
    )
    return SwedishValidation(TITLE, detail, found)
