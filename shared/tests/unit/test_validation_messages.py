"""Validation errors are told in Swedish: the common pydantic errors, and the shared date/number types."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, EmailStr, Field, ValidationError

from platform_shared.api.types import AwareInstant, Count, Day, Instant, Year
from platform_shared.api.validation_messages import field_name, swedish_message, swedish_validation


class Source(BaseModel):
    system: str


class Report(BaseModel):
    kind: Literal["avvikelse", "lex_sarah", "hsl"]
    description: Annotated[str, Field(min_length=3, max_length=10)]
    occurred_on: Day
    occurred_at: Instant | None = None
    sent_at: AwareInstant | None = None
    year: Year | None = None
    count: Count | None = None
    severity: Annotated[int, Field(ge=1, le=5)] = 1
    unit_id: uuid.UUID | None = None
    email: EmailStr | None = None
    source: Source | None = None


VALID: dict[str, Any] = {"kind": "avvikelse", "description": "Fall", "occurred_on": "2026-03-01"}


def errors_for(**changes: Any) -> list[dict[str, Any]]:
    body = {**VALID, **changes}
    body = {k: v for k, v in body.items() if v is not ...}
    with pytest.raises(ValidationError) as caught:
        Report.model_validate(body)
    return [dict(e) for e in caught.value.errors()]


def message(**changes: Any) -> str:
    (error,) = errors_for(**changes)
    return swedish_message(error)


def test_a_missing_field_is_told_in_swedish() -> None:
    assert message(kind=...) == "Uppgiften saknas."


def test_a_value_of_the_wrong_type_is_told_in_swedish() -> None:
    assert message(severity="many") == "Fel typ: ska vara ett heltal."
    assert message(description=12) == "Fel typ: ska vara en text."
    assert message(unit_id="x") == "Ska vara ett id (UUID)."
    assert message(source="lifecare") == "Fel typ: ska vara ett objekt."


def test_a_value_not_among_the_allowed_is_told_with_the_allowed_values() -> None:
    assert message(kind="klagomal") == (
        "Ska vara ett av de tillåtna värdena: 'avvikelse', 'lex_sarah', 'hsl'."
    )


def test_too_long_and_too_short_texts_are_told_with_their_bound() -> None:
    assert message(description="x" * 11) == "Får vara högst 10 tecken."
    assert message(description="x") == "Ska vara minst 3 tecken."


def test_out_of_range_numbers_are_told_with_their_bound() -> None:
    assert message(severity=9) == "Ska vara högst 5."
    assert message(severity=0) == "Ska vara minst 1."
    assert message(count=2**63) == "Ska vara högst 2147483647."
    assert message(year=9999) == "Ska vara högst 2200."


def test_a_boolean_is_no_count_or_year() -> None:
    assert message(count=True) == "Fel typ: ska vara ett heltal."
    assert message(year=False) == "Fel typ: ska vara ett heltal."


def test_bad_dates_and_times_are_told_in_swedish() -> None:
    assert message(occurred_on="0") == "Ogiltigt datum: skriv det som ÅÅÅÅ-MM-DD, t.ex. 2026-03-01."
    assert message(occurred_on="2026-02-30").startswith("Ogiltigt datum")
    assert message(occurred_on="9999-12-31") == "Året ska ligga mellan 1900 och 2200."
    assert message(occurred_at="igår").startswith("Ogiltig tidpunkt")
    assert message(occurred_at="0001-01-01T00:00:00+14:00") == "Året ska ligga mellan 1900 och 2200."
    assert message(sent_at="2026-03-01T08:00:00") == "Tidpunkten ska ha en tidszon (t.ex. +01:00)."
    assert message(sent_at=0).startswith("Ogiltig tidpunkt")


def test_an_invalid_email_address_is_told_in_swedish() -> None:
    assert message(email="not-an-address") == "Ogiltig e-postadress."


def test_fields_are_named_without_their_location() -> None:
    assert field_name(("body", "source", "system")) == "source.system"
    assert field_name(("query", "from")) == "from"
    assert field_name(("body",)) == "body"


def test_the_validation_problem_has_a_swedish_title_and_detail_naming_each_field() -> None:
    errors = [{**e, "loc": ("body", *e["loc"])} for e in errors_for(kind=..., severity=9)]
    problem = swedish_validation(errors)
    assert problem.title == "Ogiltiga uppgifter"
    assert problem.errors == [
        {"field": "kind", "message": "Uppgiften saknas."},
        {"field": "severity", "message": "Ska vara högst 5."},
    ]
    assert problem.detail == (
        "Kontrollera uppgifterna i begäran. kind: Uppgiften saknas; severity: Ska vara högst 5."
    )
