"""What an attachment may be: one of the tenant's content types, its bytes of that type (magic numbers,
not the declared type alone), never an executable; and a file name safe to show and to send back."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection

import filetype

from deviation_svc.domain.model import RuleViolation

FALLBACK_NAME = "bilaga"
MAX_NAME = 255
# Programs in any dress: Windows PE, ELF, Mach-O (both byte orders, fat), scripts with a #! line.
_EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
_EXECUTABLE_TYPES = frozenset(
    {
        "application/x-msdownload",
        "application/x-executable",
        "application/x-mach-binary",
        "application/x-deb",
        "application/x-rpm",
        "application/wasm",
        "application/x-shockwave-flash",
    }
)
# Control characters, and format characters: bidi overrides and isolates (U+202A–202E, U+2066–2069),
# zero-width characters; unassigned, private-use and surrogate code points.
_UNSAFE = frozenset({"Cc", "Cf", "Cn", "Co", "Cs"})


def media_type(declared: str) -> str:
    """`image/png; charset=…` → `image/png`."""
    return declared.split(";")[0].strip().lower()


def check_content(declared: str, data: bytes, allowed: Collection[str], max_bytes: int) -> str:
    """The stored content type, when the file is one the tenant takes and its bytes are what it says."""
    kind = media_type(declared)
    if kind not in allowed:
        raise RuleViolation(f"Filtypen tas inte emot; tillåtna: {', '.join(allowed)}", "file")
    if len(data) > max_bytes:
        raise RuleViolation(f"Filen är för stor; högst {max_bytes} byte", "file")
    if not data:
        raise RuleViolation("Filen är tom", "file")
    found = filetype.guess_mime(data)
    if data.startswith(_EXECUTABLE_MAGIC) or found in _EXECUTABLE_TYPES:
        raise RuleViolation("Körbara filer tas inte emot", "file")
    if kind == "text/plain":
        if found is not None or b"\x00" in data:
            raise RuleViolation("Innehållet är inte text", "file")
    elif found != kind:
        raise RuleViolation(f"Innehållet är inte av den angivna typen ({kind})", "file")
    return kind


def clean_filename(name: str | None) -> str:
    """The name without a path, control or bidi characters, at most 255 characters (the end, which
    holds the extension, is kept)."""
    text = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _UNSAFE).strip()
    return text[-MAX_NAME:] or FALLBACK_NAME
