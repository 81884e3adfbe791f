"""The IVO anmälan as a readable Swedish HTML document (to print, or to copy into IVO's e-service); the
text is the domain's (domain/ivo_document.py), the same as the PDF's."""

from __future__ import annotations

from html import escape
from typing import Any

from deviation_svc.domain.ivo_document import Block, compose

STYLE = (
    "body{font-family:sans-serif;max-width:50em;margin:2em auto}th{text-align:left;padding-right:1em;"
    "vertical-align:top;width:16em}table{border-collapse:collapse;margin-bottom:1em}td,th{padding:.2em .4em}"
    ".varning{border:2px solid #b00;padding:.5em;color:#b00}"
)


def _block(b: Block) -> str:
    parts = [f"<h{b.level}>{escape(b.heading)}</h{b.level}>"]
    if b.rows:
        rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in b.rows)
        parts.append(f"<table>{rows}</table>")
    parts.extend(f"<p>{escape(p)}</p>" for p in b.paragraphs)
    if b.items:
        parts.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in b.items) + "</ul>")
    return "\n".join(parts)


def render(doc: dict[str, Any]) -> str:
    t = compose(doc)
    warnings = "".join(f'<p class="varning">{escape(w)}</p>' for w in t.warnings)
    body = "\n".join(_block(b) for b in t.blocks)
    return f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8">
<title>{escape(t.title)} – {escape(doc["reference"])}</title>
<style>{STYLE}</style>
</head><body>
<h1>{escape(t.title)}</h1>
{warnings}
<p>{escape(t.intro)}</p>
{body}
</body></html>
"""
