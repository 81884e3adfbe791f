"""The gallery: every document the system produces, rendered from the demo data into one folder, with
the PDF pages as PNG (poppler's pdftoppm), so a person can look at all of them in a minute.

    make gallery          # var/gallery/index.html

Everything is fetched through the public API, as the people whose work it is would fetch it.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import html
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from embedded_runner.app import build_embedded
from embedded_runner.seed.client import DemoClient
from embedded_runner.seed.journal import JOURNAL_FILE, SeedJournal
from platform_shared.auth.tokens import DevTokens
from platform_shared.timeutil import STOCKHOLM

WRITER = "demo:karin.ek"  # kvalitetsledare: writes and reads every report
SOCIALCHEF = "demo:eva.lind"
REPORT_FORMATS = ("pdf", "docx", "xlsx")
# Reports the demo seed does not make itself (it reviews the KB and adopts the last ended tertial's
# report, T1 or T2); drafts show the generated-at line.
DRAFTS = ("t1", "t2", "vb", "psb", "kvalitetsrad", "vp")
ORDER = ("t1", "t2", "vb", "kb", "psb", "kvalitetsrad", "vp")
PNG_DPI = 60
# The IVO anmälan under each law. deviation-svc serves it as JSON and HTML today; once it serves a
# PDF (format=pdf), the gallery picks it up here without further change.
IVO_LAWS = (("lex_sarah", "lex-sarah"), ("lex_maria", "lex-maria"))
IVO_FORMATS = ("pdf",)
DEADLINE_MAIL = "Tidsfrist"
# The schedulers look for due deadlines this often (seconds) while the gallery runs, so the deadline
# mails are there within seconds rather than the default half minute.
SCHEDULER_SETTINGS = {"RISK_SCHEDULER_INTERVAL_S": "2", "DEVIATION_DEADLINE_INTERVAL_S": "2"}


@dataclass
class Gallery:
    root: Path
    documents: list[Path] = field(default_factory=list)  # every generated file (PDF, DOCX, XLSX)
    pages: dict[Path, list[Path]] = field(default_factory=dict)  # PDF -> its PNG pages
    mails: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # documents not produced yet (the IVO hook)

    @property
    def pdfs(self) -> list[Path]:
        return [p for p in self.documents if p.suffix == ".pdf"]


def _mails(mail_dir: Path) -> tuple[int, bool]:
    """How many mails, and whether a deadline reminder is among them."""
    paths = list(mail_dir.glob("*.eml")) if mail_dir.exists() else []
    subjects = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["Subject"] for p in paths
    ]
    return len(paths), any(DEADLINE_MAIL in str(subject) for subject in subjects)


async def _settled(mail_dir: Path, limit_s: float = 30.0) -> None:
    """Notifications travel over the bus and the mail worker writes them a moment later; deadline
    reminders come with the schedulers' next round: wait until one is there and the folder has
    stopped growing."""
    seen: list[int] = []
    for _ in range(int(limit_s / 0.25)):
        count, deadline = await asyncio.to_thread(_mails, mail_dir)
        seen.append(count)
        if deadline and len(seen) >= 8 and len(set(seen[-8:])) == 1:
            return
        await asyncio.sleep(0.25)


async def _reports(demo: DemoClient, forvaltning: str, year: int) -> list[dict[str, Any]]:
    existing = await demo.all("/api/v1/reports", WRITER, unit_id=forvaltning)
    have = {r["type"] for r in existing}
    for kind in DRAFTS:
        if kind not in have:
            await demo.call(
                "POST", "/api/v1/reports", WRITER, json={"type": kind, "year": year, "unit_id": forvaltning}
            )
    reports = await demo.all("/api/v1/reports", WRITER, unit_id=forvaltning)
    return sorted(reports, key=lambda r: ORDER.index(r["type"]) if r["type"] in ORDER else 99)


async def _fetch(demo: DemoClient, path: str, subject: str, **params: Any) -> bytes | None:
    response = await demo.http.get(path, headers=demo.auth(subject), params=params)
    return response.content if response.status_code == 200 else None


async def _ivo_documents(demo: DemoClient, files: dict[str, bytes], missing: list[str]) -> None:
    """The hook for the IVO anmälan under both laws (see IVO_LAWS)."""
    listed = await demo.all("/api/v1/deviations", SOCIALCHEF)
    # The list shows no IVO anmälan: the serious kinds are read one by one.
    decided = [
        await demo.call("GET", f"/api/v1/deviations/{d['id']}", SOCIALCHEF)
        for d in listed
        if d.get("type") in ("lex_sarah", "hsl")
    ]
    for law, name in IVO_LAWS:
        case = next((d for d in decided if (d.get("ivo_notification") or {}).get("kind") == law), None)
        for fmt in IVO_FORMATS:
            path = f"/api/v1/deviations/{case['id']}/ivo-notification" if case else None
            content = await _fetch(demo, path, SOCIALCHEF, format=fmt) if path else None
            if content is None:
                missing.append(f"IVO-anmälan ({name}, {fmt})")
            else:
                files[f"ivo-anmalan-{name}.{fmt}"] = content


async def _collect(var_dir: Path) -> tuple[dict[str, bytes], list[str]]:
    """Start the embedded default on a fresh demo in `var_dir` and fetch every document."""
    files: dict[str, bytes] = {}
    missing: list[str] = []
    embedded = build_embedded(var_dir)
    transport = httpx.ASGITransport(app=embedded.app)
    async with (
        embedded.front.router.lifespan_context(embedded.front),
        httpx.AsyncClient(transport=transport, base_url="http://embedded") as http,
    ):
        demo = DemoClient(http, DevTokens(var_dir), SeedJournal(var_dir / JOURNAL_FILE))  # reads only
        units = await demo.units_by_code()
        year = datetime.now(STOCKHOLM).year
        for report in await _reports(demo, units["FORV"]["id"], year):
            for fmt in REPORT_FORMATS:
                content = await _fetch(demo, f"/api/v1/reports/{report['id']}/document", WRITER, format=fmt)
                if content is None:
                    raise RuntimeError(f"report {report['type']} as {fmt} was not rendered")
                files[f"rapport-{report['type']}-{year}.{fmt}"] = content
        period = {"from": f"{year}-01-01", "to": f"{year}-12-31", "format": "xlsx"}
        path = "/api/v1/reports/statistics/deviations"
        statistics = await _fetch(demo, path, WRITER, by="type", period="month", **period)
        if statistics is not None:
            files[f"statistik-avvikelser-{year}.xlsx"] = statistics
        await _ivo_documents(demo, files, missing)
        await _settled(var_dir / "mail")
    return files, missing


def _pngs(pdf: Path, out: Path) -> list[Path]:
    stem = out / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(PNG_DPI), "-png", str(pdf), str(stem)], check=True)
    return sorted(out.glob(f"{pdf.stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def _mail_text(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    content = body.get_content() if body is not None else ""
    return f"Till: {message['To']}\nÄmne: {message['Subject']}\n\n{content}"


def _index(gallery: Gallery) -> None:
    parts = [
        "<!doctype html><html lang='sv'><meta charset='utf-8'><title>Dokumentgalleri</title>",
        "<style>body{font-family:sans-serif;margin:2em}img{border:1px solid #ccc;margin:4px;"
        "width:300px}pre{background:#f6f6f6;padding:1em;white-space:pre-wrap}</style>",
        "<h1>Dokumentgalleri</h1><p>Alla dokument från demodata.</p>",
    ]
    for pdf, pages in gallery.pages.items():
        links = " · ".join(
            f"<a href='{html.escape(p.name)}'>{p.suffix[1:].upper()}</a>"
            for p in gallery.documents
            if p.stem == pdf.stem
        )
        parts.append(f"<h2>{html.escape(pdf.stem)}</h2><p>{links}</p><div>")
        parts += [f"<a href='png/{p.name}'><img src='png/{p.name}'></a>" for p in pages]
        parts.append("</div>")
    parts.append("<h2>E-post</h2>")
    parts += [f"<pre>{html.escape(_mail_text(m))}</pre>" for m in gallery.mails]
    if gallery.missing:
        parts.append("<h2>Ännu inte framtagna</h2><ul>")
        parts += [f"<li>{html.escape(m)}</li>" for m in gallery.missing]
        parts.append("</ul>")
    (gallery.root / "index.html").write_text("\n".join(parts), encoding="utf-8")


def build_gallery(out: Path, var_dir: Path) -> Gallery:
    """Every document from a fresh demo in `var_dir`, written to `out` with PNG pages and an index."""
    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm is missing: install Debian's poppler-utils (make gallery does)")
    saved = {name: os.environ.get(name) for name in SCHEDULER_SETTINGS}
    os.environ.update(SCHEDULER_SETTINGS)
    try:
        files, missing = asyncio.run(_collect(var_dir))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    for folder in (out, out / "png", out / "mail"):
        folder.mkdir(parents=True, exist_ok=True)
    gallery = Gallery(out, missing=missing)
    for name, content in files.items():
        (out / name).write_bytes(content)
        gallery.documents.append(out / name)
    for mail in sorted((var_dir / "mail").glob("*.eml")):
        target = out / "mail" / mail.name
        shutil.copyfile(mail, target)
        gallery.mails.append(target)
    for pdf in gallery.pdfs:
        gallery.pages[pdf] = _pngs(pdf, out / "png")
    _index(gallery)
    summary = {
        "documents": [p.name for p in gallery.documents],
        "pages": {p.name: [x.name for x in pages] for p, pages in gallery.pages.items()},
        "mails": [m.name for m in gallery.mails],
        "missing": gallery.missing,
    }
    (out / "gallery.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    return gallery


def main() -> None:
    parser = argparse.ArgumentParser(prog="kvalitet-gallery", description=__doc__)
    parser.add_argument("--out", default="var/gallery", help="where the documents and PNG pages go")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    if out.exists():
        shutil.rmtree(out)
    with tempfile.TemporaryDirectory(prefix="kvalitet-gallery-") as var_dir:
        gallery = build_gallery(out, Path(var_dir))
    pages = sum(len(p) for p in gallery.pages.values())
    print(f"{len(gallery.documents)} documents, {pages} PNG pages, {len(gallery.mails)} mails in {out}")
    print(f"Open {out / 'index.html'}")


if __name__ == "__main__":
    main()
