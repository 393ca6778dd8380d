"""Delivery against a real SMTP server on loopback (aiosmtpd): every week's e-mail once, never lost."""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.db import session_scope
from fundscout.db.models import DigestOutbox, Firm
from fundscout.jobs import DigestsUndelivered, send_digests
from reports.digest import run_weekly, unsubscribe
from reports.digest.links import firm_of_unsubscribe_token
from tests.digests.conftest import BEFORE, RECEIVING, TODAY, WEEK, SmtpServer

runner = CliRunner()
ADDRESSES = sorted(f"{firm.lower()}@example.com" for firm in RECEIVING)
ALL_SENT = dict.fromkeys(RECEIVING, "sent")


def _run(url: str, server: SmtpServer, tmp_path: Path, week: str = WEEK, smtp_url: str | None = None):
    return run_weekly(url, week, out_dir=tmp_path, send=True, smtp_url=smtp_url or server.url, today=TODAY)


def _outbox(url: str, week: str = WEEK) -> dict[str, tuple[str, int, str | None]]:
    with session_scope(url) as session:
        rows = session.scalars(select(DigestOutbox).where(DigestOutbox.week == week))
        return {r.firm_id: (r.status, r.attempts, r.last_error) for r in rows}


def _row_id(url: str, firm_id: str, week: str = WEEK) -> int:
    with session_scope(url) as session:
        return session.scalar(select(DigestOutbox.id).where(DigestOutbox.firm_id == firm_id, DigestOutbox.week == week))


def _message_ids(server: SmtpServer) -> list[str]:
    return [email.message_from_bytes(raw, policy=policy.default)["Message-ID"] for _, raw in server.handler.delivered]


def test_each_firm_gets_exactly_one_message_across_reruns(seeded: str, smtp_server: SmtpServer, tmp_path: Path) -> None:
    smtp_server.start()
    first = _run(seeded, smtp_server, tmp_path)
    assert first.outcome == ALL_SENT and first.notes == ["F5"]  # F5: nothing fits, it is told so
    second = _run(seeded, smtp_server, tmp_path)
    third = _run(seeded, smtp_server, tmp_path)
    assert sorted(smtp_server.handler.recipients()) == ADDRESSES
    assert second.outcome == {} and sorted(second.already_done) == sorted(RECEIVING)
    assert third.workbooks == [] and third.undelivered == []
    assert {k: v[:2] for k, v in _outbox(seeded).items()} == {firm: ("sent", 1) for firm in RECEIVING}
    # a new week is a new e-mail
    _run(seeded, smtp_server, tmp_path, week="2026-W49")
    assert len(smtp_server.handler.delivered) == 2 * len(RECEIVING)


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
    assert link.startswith("https://razpisi.kranj.example/unsubscribe/")
    token = link.rsplit("/", 1)[1]
    assert firm_of_unsubscribe_token(token) == "F1"
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    assert link in html and link in text  # the visible link too
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "javascript:" not in html  # a bad source URL is not linked
    assert "Savski kod d.o.o." in text and "48. teden (23. 11.–29. 11. 2026)" in msg["Subject"]
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == f"fundscout-razpisi-{WEEK}.xlsx"
    assert attachment.get_content()[:2] == b"PK"
    # the nothing-fits note has no attachment and says so in both parts
    note_raw = next(content for tos, content in smtp_server.handler.delivered if tos == ["f5@example.com"])
    note = email.message_from_bytes(note_raw, policy=policy.default)
    assert list(note.iter_attachments()) == [] and "nič novega" in note["Subject"]
    assert "ni novih ali spremenjenih razpisov" in note.get_body(("plain",)).get_content()
    assert "ni novih ali spremenjenih razpisov" in note.get_body(("html",)).get_content()
    # the firm unsubscribes with the link's token: nothing more, next week included
    assert unsubscribe(seeded, token) == "F1"
    later = _run(seeded, smtp_server, tmp_path, week="2026-W49")
    assert set(later.outcome) == {"F2", "F5"}


def test_temporary_refusal_is_retried_on_the_next_run(seeded: str, smtp_server: SmtpServer, tmp_path: Path) -> None:
    smtp_server.handler.defer_once.add("f1@example.com")
    smtp_server.start()
    first = _run(seeded, smtp_server, tmp_path)
    assert first.outcome == {**ALL_SENT, "F1": "pending"}
    status, attempts, error = _outbox(seeded)["F1"]
    assert (status, attempts) == ("pending", 1) and "451" in error
    second = _run(seeded, smtp_server, tmp_path)
    assert second.outcome == {"F1": "sent"}
    _run(seeded, smtp_server, tmp_path)
    assert sorted(smtp_server.handler.recipients()) == ADDRESSES
    assert ("f1@example.com", "451 4.3.0 Try again later") in smtp_server.handler.rcpt_replies


def test_refused_recipient_fails_alone_with_the_reason_shown(
    seeded: str, fundscout_env: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    smtp_server.handler.refuse["f1@example.com"] = "550 5.1.1 No such mailbox"
    smtp_server.start()
    first = _run(seeded, smtp_server, tmp_path)
    assert first.outcome == {**ALL_SENT, "F1": "failed"}
    assert "550" in _outbox(seeded)["F1"][2]
    _run(seeded, smtp_server, tmp_path)  # a failed recipient is not tried again this week
    assert sorted(smtp_server.handler.recipients()) == ["f2@example.com", "f5@example.com"]
    assert [a for a, _ in smtp_server.handler.rcpt_replies].count("f1@example.com") == 1
    listing = runner.invoke(app, ["outbox"])
    assert listing.exit_code == 0, listing.output
    assert f"{WEEK}: 0 pending, 0 sending, 2 sent, 1 failed, 0 unknown" in listing.output
    assert re.search(r"#\d+ 2026-W48 F1 failed .*550 5\.1\.1 No such mailbox", listing.output)


def test_outage_then_recovery_sends_every_pending_week_once_earliest_first(
    seeded: str, fundscout_env: str, smtp_server: SmtpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the Airflow job fails (so it is retried and seen) while the server is down
    monkeypatch.setenv("FUNDSCOUT_SMTP_URL", smtp_server.url)
    with pytest.raises(DigestsUndelivered, match="not delivered yet"):
        send_digests(WEEK)
    assert {k: v[0] for k, v in _outbox(seeded).items()} == dict.fromkeys(RECEIVING, "pending")
    assert all("unreachable" in error for _, _, error in _outbox(seeded).values())
    smtp_server.start()
    # the next run is of the next week: last week's e-mails go out first, then this week's
    up = _run(seeded, smtp_server, tmp_path, week="2026-W49")
    assert up.earlier == {f"{WEEK} {firm}": "sent" for firm in RECEIVING}
    assert up.outcome == ALL_SENT and up.undelivered == []
    weeks = [re.search(r"digest\.(\d{4}-W\d{2})\.", mid)[1] for mid in _message_ids(smtp_server)]
    assert weeks == [WEEK] * len(RECEIVING) + ["2026-W49"] * len(RECEIVING)
    _run(seeded, smtp_server, tmp_path, week="2026-W49")
    _run(seeded, smtp_server, tmp_path)
    assert sorted(smtp_server.handler.recipients()) == sorted(ADDRESSES * 2)  # each week's once
    assert send_digests("2026-W49")["undelivered"] == []  # nothing left: the job succeeds


def test_a_crash_mid_send_is_listed_and_releasable(
    seeded: str, fundscout_env: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    _run(seeded, smtp_server, tmp_path)  # server down: every e-mail is built and pending
    with session_scope(seeded) as session:  # what a process killed mid-send leaves behind
        row = session.scalars(select(DigestOutbox).where(DigestOutbox.firm_id == "F1")).one()
        row.status, row.attempts = "sending", 1
        message_id = row.message_id
    smtp_server.start()
    report = _run(seeded, smtp_server, tmp_path)
    assert report.already_done == ["F1"] and "F1" not in report.outcome
    assert report.undelivered == [f"{WEEK} F1 sending"]
    assert "f1@example.com" not in smtp_server.handler.recipients()
    listing = runner.invoke(app, ["outbox", "--week", WEEK])
    assert "1 sending" in listing.output and f"F1 sending (attempts 1) to f1@example.com Message-ID {message_id}" in (
        listing.output
    )
    # the mail log shows no such Message-ID: the operator releases it and the next run sends it once
    row_id = _row_id(seeded, "F1")
    released = runner.invoke(app, ["outbox", "release", str(row_id)])
    assert released.exit_code == 0 and f"#{row_id} {WEEK} F1: pending" in released.output
    again = runner.invoke(app, ["outbox", "release", str(row_id)])
    assert again.exit_code == 2 and "is pending" in again.output
    _run(seeded, smtp_server, tmp_path)
    assert smtp_server.handler.recipients().count("f1@example.com") == 1
    assert message_id in _message_ids(smtp_server)  # the same Message-ID as listed
    assert _outbox(seeded)["F1"][0] == "sent"


def test_a_slow_reply_after_data_is_unknown_not_resent(
    seeded: str, fundscout_env: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    smtp_server.handler.slow_data["f1@example.com"] = 3.0  # accepts, but answers after the client gave up
    smtp_server.start()
    slow = smtp_server.url.replace("timeout=5", "timeout=1")
    first = _run(seeded, smtp_server, tmp_path, smtp_url=slow)
    assert first.outcome["F1"] == "unknown" and first.outcome["F2"] == "sent"
    assert "no answer after the message data" in _outbox(seeded)["F1"][2]
    _run(seeded, smtp_server, tmp_path, smtp_url=slow)
    _run(seeded, smtp_server, tmp_path, week="2026-W49")  # a later week does not resend it either
    assert smtp_server.handler.recipients().count("f1@example.com") == 2  # W48 once (slowly), W49 once
    assert f"{WEEK} F1 unknown" in _run(seeded, smtp_server, tmp_path, week="2026-W49").undelivered
    # the mail log shows the server accepted it: mark it sent
    result = runner.invoke(app, ["outbox", "release", str(_row_id(seeded, "F1")), "--delivered"])
    assert result.exit_code == 0 and "F1: sent" in result.output
    assert _outbox(seeded)["F1"][0] == "sent"


def test_suppression_is_by_address_not_firm_id(seeded: str, smtp_server: SmtpServer, tmp_path: Path) -> None:
    smtp_server.start()
    _run(seeded, smtp_server, tmp_path)
    with session_scope(seeded) as session:
        assert unsubscribe(seeded, _token_of(smtp_server, "f2@example.com")) == "F2"
        # the same address imported again under another firm id, in other letter case
        session.add(
            Firm(
                firm_id="F2-NEW",
                name="Gorenjski tok, nova oznaka",
                legal_form="d.o.o.",
                size_class="small",
                municipality="Kranj",
                nace_codes=["62.010"],
                description="IT",
                interests=[],
                email="F2@Example.com",
                domains=[],
                subscribed=True,
                content_hash="y",
                created_at=BEFORE,
                updated_at=BEFORE,
            )
        )
    later = _run(seeded, smtp_server, tmp_path, week="2026-W49")
    assert "F2-NEW" not in later.outcome and "F2" not in later.outcome
    assert smtp_server.handler.recipients().count("f2@example.com") == 1  # W48 only


def test_a_pending_email_of_a_firm_that_unsubscribed_since_is_not_sent(
    seeded: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    _run(seeded, smtp_server, tmp_path)  # server down: pending
    with session_scope(seeded) as session:
        session.get(Firm, "F2").subscribed = False
    smtp_server.start()
    _run(seeded, smtp_server, tmp_path)
    assert "f2@example.com" not in smtp_server.handler.recipients()
    status, _, error = _outbox(seeded)["F2"]
    assert status == "failed" and "unsubscribed" in error


def _token_of(server: SmtpServer, address: str) -> str:
    raw = next(content for tos, content in server.handler.delivered if tos == [address])
    msg = email.message_from_bytes(raw, policy=policy.default)
    return msg["List-Unsubscribe"].split(",")[0].strip("<> ").rsplit("/", 1)[1]


def test_a_malformed_address_fails_that_firm_only(seeded: str, smtp_server: SmtpServer, tmp_path: Path) -> None:
    with session_scope(seeded) as session:
        session.get(Firm, "F2").email = "razpisi at gorenjski-tok"
    smtp_server.start()
    report = _run(seeded, smtp_server, tmp_path)
    assert report.outcome == {"F1": "sent", "F2": "failed", "F5": "sent"}
    assert "'razpisi at gorenjski-tok' is not valid" in _outbox(seeded)["F2"][2]
    assert "f2@example.com" not in smtp_server.handler.recipients()
    dry = run_weekly(seeded, WEEK, out_dir=tmp_path / "dry", send=False, smtp_url=None, today=TODAY)
    assert list(dry.unsendable) == ["F2"] and [p.name for p in dry.messages] == [f"F1-{WEEK}.eml", f"F5-{WEEK}.eml"]


def test_cli_send_twice_sends_once_and_refuses_without_links_that_work(
    seeded: str, fundscout_env: str, smtp_server: SmtpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    smtp_server.start()
    monkeypatch.setenv("FUNDSCOUT_SMTP_URL", smtp_server.url)
    for _ in range(2):
        result = runner.invoke(app, ["digest", "--week", WEEK, "--send", "--lang", "en"])
        assert result.exit_code == 0, result.output
    assert f"{len(RECEIVING)} already handled this week" in result.output
    assert sorted(smtp_server.handler.recipients()) == ADDRESSES
    msg = email.message_from_bytes(smtp_server.handler.delivered[0][1], policy=policy.default)
    assert msg["Subject"].startswith("FundScout, week 48 (23 Nov–29 Nov 2026): closing soon: ")
    monkeypatch.delenv("FUNDSCOUT_PUBLIC_URL")
    result = runner.invoke(app, ["digest", "--week", "2026-W49", "--send"])
    assert result.exit_code == 2 and "FUNDSCOUT_PUBLIC_URL" in result.output
    monkeypatch.setenv("FUNDSCOUT_PUBLIC_URL", "https://razpisi.kranj.example")
    monkeypatch.delenv("FUNDSCOUT_SECRET_KEY")
    result = runner.invoke(app, ["digest", "--week", "2026-W49", "--send"])
    assert result.exit_code == 2 and "FUNDSCOUT_SECRET_KEY" in result.output
    assert len(smtp_server.handler.delivered) == len(RECEIVING)
