"""The e-mail leads with what matters, says the same in both parts, and reaches every firm every week."""

from __future__ import annotations

import datetime as dt
import email
import re
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fundscout.cli import app
from reports.digest import run_weekly
from reports.digest.content import week_label
from tests.digests.conftest import CALLS, TODAY, WEEK

runner = CliRunner()


def _messages(url: str, tmp_path: Path, week: str = WEEK, lang: str = "sl") -> dict[str, email.message.EmailMessage]:
    report = run_weekly(url, week, out_dir=tmp_path, send=False, smtp_url=None, today=TODAY, lang=lang)
    return {
        p.name.split("-")[0]: email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in report.messages
    }


class _Visible(HTMLParser):
    """The text a reader sees, one string per block (paragraph, heading, list item)."""

    BLOCKS = {"p", "h1", "h2", "li", "title"}

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._open: list[str] | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.BLOCKS:
            self._open = []
            self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS and self._open is not None:
            if not self._in_title:
                self.blocks.append(" ".join("".join(self._open).split()))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)


def _plain_blocks(text: str) -> list[str]:
    """The plain part's lines without list markers; a link on its own line belongs to the item above."""
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^(- |\d+\. )", "", line.strip())
        if line and not re.fullmatch(r"https?://\S+", line):
            lines.append(" ".join(line.split()))
    return lines


@pytest.mark.parametrize("lang", ["sl", "en"])
def test_plain_text_and_html_say_the_same(seeded: str, tmp_path: Path, lang: str) -> None:
    for firm, msg in _messages(seeded, tmp_path, lang=lang).items():
        html = _Visible()
        html.feed(msg.get_body(("html",)).get_content())
        plain = _plain_blocks(msg.get_body(("plain",)).get_content())
        assert plain == html.blocks, firm
        links = re.findall(r'href="([^"]+)"', msg.get_body(("html",)).get_content())
        text = msg.get_body(("plain",)).get_content()
        assert links and all(link in text for link in links), firm


def test_subject_and_first_lines_lead_with_deadlines_and_changes(seeded: str, tmp_path: Path) -> None:
    msg = _messages(seeded, tmp_path)["F1"]
    week = "48. teden (23. 11.–29. 11. 2026)"
    # closing within 14 days, soonest first: c-formula (5 days), c-multi (8), c-plus (12)
    soon = f"{CALLS['c-formula']['title']}; {CALLS['c-multi']['title']} in še 1"
    assert msg["Subject"] == (
        f"FundScout, {week}: rok kmalu: {soon} · spremenjeno: {CALLS['c-script']['title']} · novih ujemanj: 2"
    )
    text = msg.get_body(("plain",)).get_content()
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[:3] == [
        "Pozdravljeni, Savski kod d.o.o.!",
        f"Tedenski izbor razpisov FundScout za {week}.",
        "Rok se izteka v 14 dneh:",
    ]
    assert f"- {CALLS['c-multi']['title']}: 3. 12. 2026, preostali roki: 3 (še 8 dni)" in lines
    changed = lines.index("Spremenjeni razpisi:")
    assert lines[changed + 1].startswith(
        f"- {CALLS['c-script']['title']}: rok premaknjen s 5. 12. 2026 na 20. 12. 2026"
    )
    assert "Sredstva (EUR): s 1.000.000 € na 2.000.000 €" in lines[changed + 1]
    assert lines.index("Rok se izteka v 14 dneh:") < changed < lines.index("Novih ujemanj ta teden: 2.")
    assert lines.index("Novih ujemanj ta teden: 2.") < lines.index("Najbolj ustrezni razpisi:")
    # a first-come call says so wherever its deadline is shown
    top = "\n".join(lines[lines.index("Najbolj ustrezni razpisi:") :])
    assert "Vavčer do porabe sredstev: odprt; rok do porabe sredstev, najpozneje 15. 12. 2026" in top
    assert "Zaprt" not in text and CALLS["c-funds-late"]["title"] not in text  # closed calls are not offered


@pytest.mark.parametrize(
    "week, monday, sl, en",
    [
        ("2026-W49", dt.date(2026, 11, 30), "49. teden (30. 11.–6. 12. 2026)", "week 49 (30 Nov–6 Dec 2026)"),
        ("2026-W53", dt.date(2026, 12, 28), "53. teden (28. 12. 2026–3. 1. 2027)", "week 53 (28 Dec 2026–3 Jan 2027)"),
    ],
)
def test_week_label(week: str, monday: dt.date, sl: str, en: str) -> None:
    assert week_label(week, monday, "sl") == sl and week_label(week, monday, "en") == en


def test_every_subscribed_firm_hears_each_week_as_it_chose(seeded: str, fundscout_env: str, tmp_path: Path) -> None:
    # week 51: F2's calls are neither new nor changed nor closing soon
    quiet_week = "2026-W51"
    default = run_weekly(seeded, quiet_week, out_dir=tmp_path / "a", send=False, smtp_url=None, today=TODAY)
    assert {p.name for p in default.workbooks} >= {f"F2-{quiet_week}.xlsx"}  # the workbook all the same
    assert default.notes == ["F5"]  # F5: nothing fits at all, it is told so
    result = runner.invoke(app, ["weekly-mail", "F2", "--nothing-new", "note"])
    assert result.exit_code == 0, result.output
    chosen = run_weekly(seeded, quiet_week, out_dir=tmp_path / "b", send=False, smtp_url=None, today=TODAY)
    assert sorted(chosen.notes) == ["F2", "F5"] and f"F2-{quiet_week}.xlsx" not in {p.name for p in chosen.workbooks}
    note = email.message_from_bytes(
        (tmp_path / "b" / "outbox" / f"F2-{quiet_week}.eml").read_bytes(), policy=policy.default
    )
    assert "nič novega" in note["Subject"] and list(note.iter_attachments()) == []
    assert "Odprtih razpisov za vas je še 1" in note.get_body(("plain",)).get_content()
    # a week with news: the digest, whatever the choice
    busy = run_weekly(seeded, WEEK, out_dir=tmp_path / "c", send=False, smtp_url=None, today=TODAY)
    assert f"F2-{WEEK}.xlsx" in {p.name for p in busy.workbooks}
    assert sorted(p.name.split("-")[0] for p in busy.messages) == ["F1", "F2", "F5"]
    bad = runner.invoke(app, ["weekly-mail", "F2", "--nothing-new", "never"])
    assert bad.exit_code == 2 and "use one of digest, note" in bad.output
