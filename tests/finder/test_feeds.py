"""ICS deadlines parse with a calendar library; the Atom feed is well-formed, complete and parses."""

from __future__ import annotations

import datetime as dt

import feedparser
from fastapi.testclient import TestClient
from icalendar import Calendar
from lxml import etree

from fundscout.db import session_scope
from fundscout.db.models import FirmFeedback, utcnow
from reports.digest.links import firm_token
from tests.finder.seed import CALLS, HOSTILE_TITLE

ATOM = "{http://www.w3.org/2005/Atom}"


def _events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0" and calendar.get("PRODID")
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_ics_has_one_all_day_event_per_deadline(client: TestClient) -> None:
    response = client.get("/feeds/calls.ics", params={"status": "all"})
    assert response.headers["content-type"].startswith("text/calendar")
    events = _events(response.content)
    expected = {f"{cid}-{d}@fundscout" for cid, spec in CALLS.items() for d in spec["deadlines"]}
    assert set(events) == expected
    event = events[f"hostile-{CALLS['hostile']['deadlines'][1]}@fundscout"]
    assert event.decoded("DTSTART") == dt.date.fromisoformat(CALLS["hostile"]["deadlines"][1])
    assert str(event["SUMMARY"]) == f"Rok: {HOSTILE_TITLE}"
    assert str(event["URL"]).endswith("/calls/hostile")


def test_ics_of_a_filter_and_of_a_firm(client: TestClient) -> None:
    assert set(_events(client.get("/feeds/calls.ics", params={"domain": "health"}).content)) == {
        f"health-open-{CALLS['health-open']['deadlines'][0]}@fundscout"
    }
    response = client.get(f"/feeds/firm/{firm_token('profile', 'F1')}/matches.ics")
    uids = set(_events(response.content))
    # the firm's open matches only: the closed call it also matched is not there
    assert {u.rsplit("-", 3)[0] for u in uids} == {"mob-open", "hostile"}
    assert client.get(f"/feeds/firm/{firm_token('confirm', 'F1')}/matches.ics").status_code == 404


def test_atom_feed_validates(client: TestClient) -> None:
    response = client.get("/feeds/calls.atom", params={"status": "all"})
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = etree.fromstring(response.content)  # well-formed
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(CALLS)
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{required}") or "").strip(), required
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    titles = [e.title for e in parsed.entries]
    assert HOSTILE_TITLE in titles
    mobility = next(e for e in parsed.entries if e.link.endswith("/calls/mob-open"))
    assert "Spremenjeno: Sredstva (EUR), Roki" in mobility.summary
    # newest change first
    assert parsed.entries[0].updated_parsed >= parsed.entries[-1].updated_parsed
    assert {e.title for e in feedparser.parse(client.get("/feeds/calls.atom?domain=health").content).entries} == {
        CALLS["health-open"]["title"]
    }


def test_firm_calendar_follows_the_firms_feedback(client: TestClient, seeded: str) -> None:
    with session_scope(seeded) as session:  # the firm said the call is not relevant
        session.add(
            FirmFeedback(
                firm_id="F1",
                call_id="hostile",
                status="not_relevant",
                week="2026-W01",
                source="x.xlsx",
                received_at=utcnow(),
            )
        )
    uids = set(_events(client.get(f"/feeds/firm/{firm_token('profile', 'F1')}/matches.ics").content))
    assert {u.rsplit("-", 3)[0] for u in uids} == {"mob-open"}
