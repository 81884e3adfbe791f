"""Fonts the services' documents embed (DejaVu Sans, subset: Swedish letters and punctuation), so a
PDF from any service renders å, ä, ö and the dashes of Swedish text (LICENSE-DejaVu.txt)."""

from __future__ import annotations

from pathlib import Path

FONTS = Path(__file__).parent
DEJAVU = FONTS / "DejaVuSans.ttf"
DEJAVU_BOLD = FONTS / "DejaVuSans-Bold.ttf"
