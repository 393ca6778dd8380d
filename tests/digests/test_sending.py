"""Delivery against a real SMTP server on loopback (aiosmtpd): one message per firm and week."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.db import session_scope
from fundscout.db.models import DigestOutbox, Firm
from reports.digest import run_weekly, unsubscribe
from reports.digest.links import firm_of_unsubscribe_token
from tests.digests.conftest import TODAY, WEEK, SmtpServer

runner = CliRunner()


def _run(url: str, server: SmtpServer, tmp_path: Path, week: str = WEEK):
    return run_weekly(url, week, out_dir=tmp_path, send=True, smtp_url=server.url, today=TODAY)


def _outbox(url: str) -> dict[str, tuple[str, int, str | None]]:
    with session_scope(url) as session:
        rows = session.scalars(select(DigestOutbox).where(DigestOutbox.week == WEEK))
        return {r.firm_id: (r.status, r.attempts, r.last_error) for r in rows}


def test_each_firm_gets_exactly_one_message_across_reruns(seeded: str, smtp_server: SmtpServer, tmp_path: Path) -> None:
    smtp_server.start()
    first = _run(seeded, smtp_server, tmp_path)
    assert first.outcome == {"F1": "sent", "F2": "sent"}
    second = _run(seeded, smtp_server, tmp_path)
    third = _run(seeded, smtp_server, tmp_path)
    assert sorted(smtp_server.handler.recipients()) == ["f1@example.com", "f2@example.com"]
    assert second.outcome == {} and sorted(second.already_done) == ["F1", "F2"]
    assert third.workbooks == []
    assert {k: v[:2] for k, v in _outbox(seeded).items()} == {"F1": ("sent", 1), "F2": ("sent", 1)}
    # a new week is a new digest
    _run(seeded, smtp_server, tmp_path, week="2026-W49")
    assert len(smtp_server.handler.delivered) == 4


def test_message_has_both_bodies_workbook_and_one_click_unsubscribe(
    seeded: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    smtp_server.start()
    _run(seeded, smtp_server, tmp_path)
    raw = next(content for tos, content in smtp_server.handler.delivered if tos == ["f1@example.com"])
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["To"].addresses[0].addr_spec == "f1@example.com"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = msg["List-Unsubscribe"].split(",")[0].strip("<> ")
    assert link.startswith("http") and "/unsubscribe/" in link
    token = link.rsplit("/", 1)[1]
    assert firm_of_unsubscribe_token(token) == "F1"
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    assert link in html and link in text  # the visible link too
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "javascript:" not in html  # a bad source URL is not linked
    assert "Savski kod d.o.o." in text and WEEK in msg["Subject"]
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == f"fundscout-razpisi-{WEEK}.xlsx"
    assert attachment.get_content()[:2] == b"PK"
    # the firm unsubscribes with the link's token: nothing more, next week included
    assert unsubscribe(seeded, token) == "F1"
    later = run_weekly(seeded, "2026-W49", out_dir=tmp_path, send=True, smtp_url=smtp_server.url, today=TODAY)
    assert set(later.outcome) == {"F2"}


def test_temporary_refusal_is_retried_on_the_next_run(seeded: str, smtp_server: SmtpServer, tmp_path: Path) -> None:
    smtp_server.handler.defer_once.add("f1@example.com")
    smtp_server.start()
    first = _run(seeded, smtp_server, tmp_path)
    assert first.outcome == {"F1": "deferred", "F2": "sent"}
    status, attempts, error = _outbox(seeded)["F1"]
    assert (status, attempts) == ("deferred", 1) and "451" in error
    second = _run(seeded, smtp_server, tmp_path)
    assert second.outcome == {"F1": "sent"}
    _run(seeded, smtp_server, tmp_path)
    assert sorted(smtp_server.handler.recipients()) == ["f1@example.com", "f2@example.com"]
    assert ("f1@example.com", "451 4.3.0 Try again later") in smtp_server.handler.rcpt_replies


def test_refused_recipient_fails_alone(seeded: str, smtp_server: SmtpServer, tmp_path: Path) -> None:
    smtp_server.handler.refuse["f1@example.com"] = "550 5.1.1 No such mailbox"
    smtp_server.start()
    first = _run(seeded, smtp_server, tmp_path)
    assert first.outcome == {"F1": "failed", "F2": "sent"}
    assert "550" in _outbox(seeded)["F1"][2]
    _run(seeded, smtp_server, tmp_path)  # a failed recipient is not tried again this week
    assert smtp_server.handler.recipients() == ["f2@example.com"]
    assert [a for a, _ in smtp_server.handler.rcpt_replies].count("f1@example.com") == 1


def test_server_down_then_up(seeded: str, smtp_server: SmtpServer, tmp_path: Path) -> None:
    down = _run(seeded, smtp_server, tmp_path)  # nothing listens on the port yet
    assert down.outcome == {"F1": "deferred", "F2": "deferred"}
    assert all("unreachable" in error for _, _, error in _outbox(seeded).values())
    smtp_server.start()
    up = _run(seeded, smtp_server, tmp_path)
    assert up.outcome == {"F1": "sent", "F2": "sent"}
    _run(seeded, smtp_server, tmp_path)
    assert sorted(smtp_server.handler.recipients()) == ["f1@example.com", "f2@example.com"]


def test_a_row_left_sending_by_a_crash_is_not_sent_again(seeded: str, smtp_server: SmtpServer, tmp_path: Path) -> None:
    with session_scope(seeded) as session:  # what a process killed mid-send leaves behind
        session.add(DigestOutbox(firm_id="F1", week=WEEK, status="sending", attempts=1, created_at=TODAY))
    smtp_server.start()
    report = _run(seeded, smtp_server, tmp_path)
    assert report.already_done == ["F1"] and report.outcome == {"F2": "sent"}
    assert smtp_server.handler.recipients() == ["f2@example.com"]


def test_a_malformed_address_fails_that_firm_only(seeded: str, smtp_server: SmtpServer, tmp_path: Path) -> None:
    with session_scope(seeded) as session:
        session.get(Firm, "F2").email = "razpisi at gorenjski-tok"
    smtp_server.start()
    report = _run(seeded, smtp_server, tmp_path)
    assert report.outcome == {"F1": "sent", "F2": "failed"}
    assert "'razpisi at gorenjski-tok' is not valid" in _outbox(seeded)["F2"][2]
    assert smtp_server.handler.recipients() == ["f1@example.com"]
    dry = run_weekly(seeded, WEEK, out_dir=tmp_path / "dry", send=False, smtp_url=None, today=TODAY)
    assert list(dry.unsendable) == ["F2"] and [p.name for p in dry.messages] == [f"F1-{WEEK}.eml"]


def test_cli_send_twice_sends_once(
    seeded: str, fundscout_env: str, smtp_server: SmtpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    smtp_server.start()
    monkeypatch.setenv("FUNDSCOUT_SMTP_URL", smtp_server.url)
    for _ in range(2):
        result = runner.invoke(app, ["digest", "--week", WEEK, "--send", "--lang", "en"])
        assert result.exit_code == 0, result.output
    assert "2 already handled this week" in result.output
    assert sorted(smtp_server.handler.recipients()) == ["f1@example.com", "f2@example.com"]
    msg = email.message_from_bytes(smtp_server.handler.delivered[0][1], policy=policy.default)
    assert msg["Subject"] == f"FundScout: calls for you, week {WEEK}"
    monkeypatch.delenv("FUNDSCOUT_SECRET_KEY")
    result = runner.invoke(app, ["digest", "--week", "2026-W49", "--send"])
    assert result.exit_code == 2 and "FUNDSCOUT_SECRET_KEY" in result.output
