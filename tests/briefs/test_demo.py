"""The demo drafts briefs for its best sample calls, in both languages and all formats."""

from __future__ import annotations

from pathlib import Path

import docx

from fundscout.config import Settings
from fundscout.demo import run_demo


def test_demo_writes_briefs_for_sample_calls(tmp_path: Path) -> None:
    cfg = Settings.from_env({"FUNDSCOUT_HOME": str(tmp_path)})
    lines = list(run_demo(cfg))
    briefs_line = next(line for line in lines if line.strip().startswith("briefs:"))
    out = tmp_path / "demo" / "briefs"
    files = sorted(p.name for p in out.iterdir())
    calls = {name.split(".")[0] for name in files}
    assert calls and len(files) == len(calls) * 6  # sl and en, each .md/.html/.docx
    assert f"for the {len(calls)} best calls" in briefs_line
    for name in files:
        if name.endswith(".docx"):
            assert docx.Document(str(out / name)).paragraphs[0].text
        else:
            assert (out / name).read_text(encoding="utf-8").strip()
