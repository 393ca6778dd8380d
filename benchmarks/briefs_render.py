"""How fast briefs are built and rendered: context, Markdown, HTML and DOCX per brief (prints figures).

    .venv/bin/python benchmarks/briefs_render.py [N]

Uses the bundled sample data in a temporary SQLite store, matched by the real matcher.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from fundscout.config import DATA_DIR
from fundscout.db import session_scope, upgrade
from fundscout.db.models import Call
from fundscout.load import import_calls_file, load_firms, read_firms_csv
from matching.firms import firm_domains
from matching.store import match_store
from reports.briefs.context import build_context
from reports.briefs.render import render_docx, render_html, render_markdown


def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        import_calls_file(url, DATA_DIR / "sample" / "calls.jsonl")
        with session_scope(url) as session:
            load_firms(session, read_firms_csv(DATA_DIR / "sample" / "firms.csv").firms, firm_domains)
        match_store(url)
        with session_scope(url) as session:
            call_ids = list(session.scalars(select(Call.id)))
        timings = {"context": 0.0, "markdown": 0.0, "html": 0.0, "docx": 0.0}
        count = 0
        for _ in range(rounds):
            for call_id in call_ids:
                for lang in ("sl", "en"):
                    start = time.perf_counter()
                    with session_scope(url) as session:
                        context = build_context(session, call_id, lang)
                    timings["context"] += time.perf_counter() - start
                    start = time.perf_counter()
                    markdown = render_markdown(context)
                    timings["markdown"] += time.perf_counter() - start
                    start = time.perf_counter()
                    render_html(context, markdown)
                    timings["html"] += time.perf_counter() - start
                    start = time.perf_counter()
                    render_docx(context, Path(tmp) / "brief.docx")
                    timings["docx"] += time.perf_counter() - start
                    count += 1
    print(f"{count} briefs ({len(call_ids)} sample calls × 2 languages × {rounds} rounds)")
    for step, seconds in timings.items():
        print(f"  {step:9s} {1000 * seconds / count:7.2f} ms per brief")
    print(f"  total     {1000 * sum(timings.values()) / count:7.2f} ms per brief")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
