"""Helpers for the self-service tests: a valid matična številka, the sign-up form, mail links."""

from __future__ import annotations

import email
import re
import time
from email.message import Message

from lxml import html


def valid_number(first_six: str) -> str:
    """A 7-digit matična številka with its mod-11 check digit, computed here."""
    total = sum(int(d) * w for d, w in zip(first_six, range(7, 1, -1)))
    assert total % 11, "no valid number starts with these six digits"
    return first_six + str((11 - total % 11) % 10)


NUMBER = valid_number("543210")
OTHER_NUMBER = valid_number("600300")

SIGNUP = {
    "name": "Kolesa Kranj d.o.o.",
    "registry_number": NUMBER,
    "email": "info@kolesa.example.com",
    "municipality": "Kranj",
    "legal_form": "d.o.o.",
    "size_class": "small",
    "description": "Izposoja koles, pametna postajališča in trajnostna mobilnost v mestih.",
    "interests": "pametna mobilnost; izposoja koles",
    "consent": "yes",
}
SKD = ["49 – Kopenski promet", "62.010"]


def csrf_of(page_html: str) -> str:
    return html.fromstring(page_html).cssselect('input[name="csrf_token"]')[0].get("value")


def form_data(csrf: str, *, leave_out: tuple[str, ...] = (), **changes: str) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {"csrf_token": csrf, **SIGNUP, **changes, "skd": SKD}
    return {k: v for k, v in fields.items() if k not in leave_out}


def parsed(raw: bytes) -> Message:
    return email.message_from_bytes(raw)


def link_in(raw: bytes, path: str) -> str:
    """The first link in a plain-text mail whose path starts with `path`."""
    body = parsed(raw).get_payload(decode=True).decode()
    found = re.search(rf"https?://\S+{re.escape(path)}\S+", body)
    assert found, body
    return found[0]


def wait_for_matching(app, timeout: float = 120.0) -> None:
    """Wait until the app's background match run (web/firms.py) has no firm pending."""
    deadline = time.monotonic() + timeout
    worker = getattr(app.state, "firm_rematcher", None)
    while worker is not None and worker.pending:
        assert time.monotonic() < deadline, "the background match run did not finish"
        time.sleep(0.05)
