"""A small store for digest tests: firms, calls with hostile text, matches and history rows.

Matches are inserted through the models, as the matcher writes them (real rows, real store).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from fundscout.db import session_scope
from fundscout.db.models import Call, CallHistory, Firm, Match

WEEK = "2026-W48"
TODAY = dt.date(2026, 11, 25)  # a Wednesday in that week
IN_WEEK = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)
BEFORE = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)
LONG_SUMMARY = "Dolg povzetek. " * 2667  # 40,005 characters


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


CALLS: dict[str, dict[str, Any]] = {
    "c-formula": {
        "title": '=HYPERLINK("http://evil.example/","klik")',
        "deadlines": [day(5)],
        "summary": LONG_SUMMARY,
        "budget_eur": 250000.0,
        "seen": IN_WEEK,
    },
    "c-plus": {"title": "+SUM(1,1)", "deadlines": [day(12)], "budget_eur": 1.5e6, "seen": IN_WEEK},
    "c-script": {
        "title": "<script>alert(1)</script> Razpis za e-storitve",
        "deadlines": [day(25)],
        "publisher": "Ministrstvo\x0b za digitalno preobrazbo",
        "seen": BEFORE,
        "url": "javascript:alert(1)",
    },
    "c-minus": {
        "title": "-2+3 @sum razpis",
        "deadlines": [day(90)],
        "until_funds_spent": False,
        "seen": BEFORE,
        "domains": ["health"],
    },
    "c-funds": {
        "title": "Razpis do porabe sredstev",
        "deadlines": [],
        "until_funds_spent": True,
        "seen": BEFORE,
        "domains": ["health"],
    },
    "c-closed": {"title": "Zaprt razpis", "deadlines": [day(-3)], "seen": BEFORE},
    "c-withdrawn": {"title": "Umaknjen razpis", "deadlines": [day(40)], "withdrawn": True, "seen": BEFORE},
    "c-ineligible": {"title": "Razpis samo za občine", "deadlines": [day(40)], "seen": IN_WEEK},
    "c-weak": {"title": "Komaj ustrezen razpis", "deadlines": [day(40)], "seen": IN_WEEK},
    # the status rule's cases (fundscout/status.py)
    "c-funds-late": {
        "title": "Do porabe sredstev, rok že mimo",
        "deadlines": [day(-10)],
        "until_funds_spent": True,
        "seen": BEFORE,
    },
    "c-funds-dated": {
        "title": "Vavčer do porabe sredstev",
        "deadlines": [day(20)],
        "until_funds_spent": True,
        "seen": BEFORE,
    },
    "c-forthcoming": {"title": "Napovedan razpis", "deadlines": [day(60)], "opens_on": day(10), "seen": BEFORE},
    "c-multi": {
        "title": "Razpis s štirimi roki",
        "deadlines": [day(-20), day(8), day(40), day(100)],
        "applicant_types": [],  # the source does not say who may apply
        "seen": BEFORE,
    },
    "c-source-closed": {
        "title": "Vir ga označuje kot zaprtega",
        "deadlines": [day(30)],
        "source_status": "closed",
        "seen": BEFORE,
    },
}
# firm -> call -> (score, eligible)
MATCHES: dict[str, dict[str, tuple[float, bool | None]]] = {
    "F1": {
        "c-formula": (91, True),
        "c-plus": (80, True),
        "c-script": (75, None),
        "c-minus": (60, True),
        "c-funds": (55, True),
        "c-closed": (95, True),
        "c-withdrawn": (90, True),
        "c-ineligible": (88, False),
        "c-weak": (12, True),
        "c-funds-late": (93, True),
        "c-funds-dated": (58, True),
        "c-forthcoming": (57, None),
        "c-multi": (56, True),
        "c-source-closed": (94, True),
    },
    "F2": {"c-plus": (70, True), "c-minus": (45, True)},
    "F3": {"c-plus": (99, True)},  # unsubscribed
    "F4": {"c-plus": (99, True)},  # no e-mail address
    "F5": {"c-weak": (10, True)},  # nothing good enough: no digest
}
FIRMS = {
    "F1": ("Savski kod d.o.o.", "f1@example.com", True),
    "F2": ("Gorenjski tok d.o.o.", "f2@example.com", True),
    "F3": ("Odjavljeni d.o.o.", "f3@example.com", False),
    "F4": ("Brez naslova d.o.o.", None, True),
    "F5": ("Slabo ujemanje d.o.o.", "f5@example.com", True),
}
RECEIVING = ("F1", "F2", "F5")  # F5: nothing fits, so a short note
WITH_DIGEST = ("F1", "F2")


def seed_store(url: str) -> None:
    with session_scope(url) as session:
        for firm_id, (name, email, subscribed) in FIRMS.items():
            session.add(
                Firm(
                    firm_id=firm_id,
                    name=name,
                    legal_form="d.o.o.",
                    size_class="small",
                    municipality="Kranj",
                    nace_codes=["62.010"],
                    description="IT",
                    interests=["e-storitve"],
                    email=email,
                    domains=[],
                    subscribed=subscribed,
                    content_hash="x",
                    created_at=BEFORE,
                    updated_at=BEFORE,
                )
            )
        for call_id, spec in CALLS.items():
            session.add(
                Call(
                    id=call_id,
                    url=spec.get("url", f"https://www.example.si/razpisi/{call_id}"),
                    source="import",
                    title=spec["title"],
                    publisher=spec.get("publisher", "Ministrstvo za gospodarstvo"),
                    deadlines=spec["deadlines"],
                    until_funds_spent=spec.get("until_funds_spent"),
                    budget_eur=spec.get("budget_eur"),
                    summary=spec.get("summary"),
                    withdrawn=spec.get("withdrawn"),
                    opens_on=dt.date.fromisoformat(spec["opens_on"]) if "opens_on" in spec else None,
                    source_status=spec.get("source_status"),
                    funds=["ERDF"],
                    applicant_types=spec.get("applicant_types", ["sme"]),
                    cohesion_regions=[],
                    domains=spec.get("domains", ["e_governance"]),
                    provenance={},
                    content_hash=call_id,
                    first_seen_at=spec["seen"],
                    updated_at=spec["seen"],
                    last_seen_at=spec["seen"],
                )
            )
        session.flush()
        for firm_id, matches in MATCHES.items():
            for call_id, (score, eligible) in matches.items():
                session.add(
                    Match(
                        firm_id=firm_id,
                        call_id=call_id,
                        score=score,
                        eligible=eligible,
                        reasons={
                            "eligibility": ["Podjetje je MSP; razpis je namenjen MSP."],
                            "relevance": [f"Dejavnost ustreza razpisu {call_id}."],
                        },
                        inputs_hash="x",
                        computed_at=BEFORE,
                    )
                )
        session.add(
            CallHistory(
                call_id="c-script",
                changed_at=IN_WEEK,
                source="import",
                kind="amendment",
                diff={
                    "budget_eur": [1000000.0, 2000000.0],
                    "deadlines": [[day(10)], [day(25)]],
                    "published_on": ["2026-09-01", "2026-09-02"],
                },
            )
        )
        session.add(
            CallHistory(
                call_id="c-minus", changed_at=BEFORE, source="import", kind="update", diff={"budget_eur": [1.0, 2.0]}
            )
        )  # last month: not in this digest


@pytest.fixture
def seeded(db_url: str) -> str:
    seed_store(db_url)
    return db_url


# --- a real SMTP server on loopback ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Recorder:
    """aiosmtpd handler: records delivered messages; answers RCPT as scripted per address."""

    refuse: dict[str, str] = field(default_factory=dict)  # address -> permanent reply
    defer_once: set[str] = field(default_factory=set)  # addresses answered 451 the first time
    slow_data: dict[str, float] = field(default_factory=dict)  # address -> seconds before the DATA reply
    delivered: list[Any] = field(default_factory=list)
    rcpt_replies: list[tuple[str, str]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            reply = self.refuse[address]
        elif address in self.defer_once:
            self.defer_once.discard(address)
            reply = "451 4.3.0 Try again later"
        else:
            envelope.rcpt_tos.append(address)
            reply = "250 OK"
        self.rcpt_replies.append((address, reply))
        return reply

    async def handle_DATA(self, server, session, envelope):
        self.delivered.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        delay = max((self.slow_data.get(rcpt, 0.0) for rcpt in envelope.rcpt_tos), default=0.0)
        if delay:
            await asyncio.sleep(delay)  # the message is in; the answer comes late
        return "250 Message accepted"

    def recipients(self) -> list[str]:
        return [rcpt for tos, _ in self.delivered for rcpt in tos]


class SmtpServer:
    def __init__(self, port: int, handler: Recorder):
        self.port, self.handler = port, handler
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?from=razpisi@fundscout.example&timeout=5"

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A loopback SMTP server, not yet started (tests start it, some only after a first attempt)."""
    server = SmtpServer(free_port(), Recorder())
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUNDSCOUT_SECRET_KEY", "test-secret-key-for-digests")
    monkeypatch.setenv("FUNDSCOUT_PUBLIC_URL", "https://razpisi.kranj.example")
