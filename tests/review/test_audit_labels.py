"""Every action the web app writes to the audit log has a label in both languages."""

from __future__ import annotations

import re
from pathlib import Path

from web.i18n import ACTION_LABELS

WEB = Path(__file__).resolve().parents[2] / "web"


def test_every_audited_action_is_labelled_in_both_languages() -> None:
    actions = {
        m.group(1) for f in WEB.glob("*.py") for m in re.finditer(r'audit\(\s*session,\s*\w+,\s*"(\w+)"', f.read_text())
    }
    assert {"login", "firm_signup"} <= actions  # the scan finds the review and the self-service actions
    for lang in ("sl", "en"):
        assert sorted(actions - ACTION_LABELS[lang].keys()) == [], lang
