"""What an attachment may be (its bytes, not its declared type) and what its name may hold."""

from __future__ import annotations

import pytest

from deviation_svc.domain.attachments import check_content, clean_filename
from deviation_svc.domain.model import RuleViolation

ALLOWED = ("application/pdf", "image/png", "image/jpeg", "text/plain")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_a_file_whose_bytes_are_its_declared_type_is_taken_with_that_type() -> None:
    assert check_content("image/png; charset=binary", PNG, ALLOWED, 1000) == "image/png"
    assert check_content("text/plain", "Åtgärd".encode(), ALLOWED, 1000) == "text/plain"


@pytest.mark.parametrize(
    ("declared", "data"),
    [
        ("image/png", b"MZ" + b"\x00" * 30),  # PE
        ("image/png", b"\x7fELF" + b"\x00" * 30),  # ELF
        ("application/pdf", b"\xcf\xfa\xed\xfe" + b"\x00" * 30),  # Mach-O
        ("text/plain", b"#!/usr/bin/env python\n"),  # a script
        ("image/png", b"%PDF-1.4\n"),  # another type
        ("text/plain", PNG),  # binary as text
        ("text/plain", b"abc\x00def"),
        ("application/x-msdownload", b"MZ"),  # a type the tenant does not take
        ("image/png", b""),
    ],
)
def test_executables_other_types_and_empty_files_are_refused(declared: str, data: bytes) -> None:
    with pytest.raises(RuleViolation) as err:
        check_content(declared, data, ALLOWED, 1000)
    assert err.value.field == "file" and not err.value.state


def test_a_file_over_the_size_limit_is_refused() -> None:
    with pytest.raises(RuleViolation):
        check_content("image/png", PNG, ALLOWED, len(PNG) - 1)


def test_file_names_lose_paths_control_and_bidi_characters() -> None:
    assert clean_filename("../../rapport\u202egnp.exe") == "rapportgnp.exe"
    assert clean_filename("C:\\Users\\a\\bild\u2066.png\x07") == "bild.png"
    assert clean_filename("zero\u200bwidth.txt") == "zerowidth.txt"
    assert clean_filename("\x00\x1b") == "bilaga"
    assert clean_filename(None) == "bilaga"
    assert (
        clean_filename("å" * 300 + ".pdf").endswith(".pdf") and len(clean_filename("å" * 300 + ".pdf")) == 255
    )
