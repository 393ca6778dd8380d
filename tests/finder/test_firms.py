"""Firm self-service over HTTP, with a real SMTP server on loopback: sign-up, double opt-in, the
matches page, the profile's actions, and the abuse guards."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fundscout.db import session_scope
from fundscout.db.models import Firm, Match, utcnow
from reports.digest import links
from reports.digest.collect import recipients
from reports.digest.links import firm_token
from reports.finder import matches_now
from tests.digests.conftest import Recorder, SmtpServer, free_port
from tests.finder.firm_helpers import (
    NUMBER,
    OTHER_NUMBER,
    SIGNUP,
    csrf_of,
    form_data,
    link_in,
    parsed,
    wait_for_matching,
)
from web.public import today

FIRM_ID = f"ms{NUMBER}000"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    server = SmtpServer(free_port(), Recorder())
    server.start()
    monkeypatch.setenv("FUNDSCOUT_SMTP_URL", server.url)
    monkeypatch.setenv("FUNDSCOUT_PUBLIC_URL", "http://testserver")
    yield server
    server.stop()


def _path(url: str) -> str:
    return urlsplit(url).path


def _sign_up(client: TestClient, **changes: str):
    csrf = csrf_of(client.get("/firms/signup").text)
    return client.post("/firms/signup", data=form_data(csrf, **changes))


def _firm(url: str, firm_id: str = FIRM_ID) -> Firm | None:
    with session_scope(url) as session:
        return session.get(Firm, firm_id)


def _confirm(client: TestClient, smtp: SmtpServer) -> str:
    """Click the link in the confirmation mail and the button; the matches page's path."""
    confirm = _path(link_in(smtp.handler.delivered[-1][1], "/firms/confirm/"))
    page = client.get(confirm)
    assert page.status_code == 200
    response = client.post(confirm, data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert response.status_code == 303
    wait_for_matching(client.app)
    return _path(response.headers["location"])


def test_sign_up_sends_only_a_confirmation_until_confirmed(client: TestClient, seeded: str, smtp: SmtpServer) -> None:
    response = _sign_up(client)
    assert response.status_code == 200 and "Preverite svoj e-poštni predal" in response.text
    assert smtp.handler.recipients() == [SIGNUP["email"]]
    mail = parsed(smtp.handler.delivered[0][1])
    assert "potrdite prijavo" in str(mail["Subject"]).lower() or "potrdite" in mail.get_payload(decode=True).decode()
    firm = _firm(seeded)
    assert firm.registry_number == f"{NUMBER}000" and not firm.subscribed and firm.confirmed_at is None
    assert firm.consent_text.startswith("Strinjam se") and firm.consent_at is not None
    assert firm.nace_codes == ["49", "62.010"] and firm.interests == ["pametna mobilnost", "izposoja koles"]
    with session_scope(seeded) as session:
        assert FIRM_ID not in {f.firm_id for f in recipients(session)}  # no digest before confirming

    matches_path = _confirm(client, smtp)
    firm = _firm(seeded)
    assert firm.subscribed and firm.confirmed_at is not None
    with session_scope(seeded) as session:
        assert FIRM_ID in {f.firm_id for f in recipients(session)}
        assert (
            session.scalars(select(Match).where(Match.firm_id == FIRM_ID)).first() is not None
        )  # matching's scorer ran
        expected = [m.found.call.title for m in matches_now(session, FIRM_ID, today())]
    assert expected, "the sign-up should fit the mobility call"
    page = client.get(matches_path)
    assert page.status_code == 200 and "Vaši razpisi zdaj" in page.text
    for title in expected:
        assert title in page.text
    assert page.text.count('class="match-row"') == len(expected)


def test_confirmation_link_is_checked(client: TestClient, seeded: str, smtp: SmtpServer, monkeypatch) -> None:
    _sign_up(client)
    confirm = _path(link_in(smtp.handler.delivered[-1][1], "/firms/confirm/"))
    token = confirm.rsplit("/", 1)[1]
    assert client.get(f"/firms/confirm/{token}x").status_code == 404  # altered
    assert client.get(f"/firms/profile/{token}").status_code == 404  # single-purpose
    assert client.get(f"/firms/confirm/{firm_token('profile', FIRM_ID)}").status_code == 404
    page = client.get(confirm)
    assert client.post(confirm, data={"csrf_token": "wrong"}).status_code == 403
    assert not _firm(seeded).subscribed
    monkeypatch.setitem(links.FIRM_TOKEN_AGES, "confirm", -1)  # every link is now too old
    assert client.post(confirm, data={"csrf_token": csrf_of(page.text)}).status_code == 404
    assert not _firm(seeded).subscribed


def test_bad_input_is_named_and_nothing_is_stored(client: TestClient, seeded: str, smtp: SmtpServer) -> None:
    wrong = NUMBER[:6] + str((int(NUMBER[6]) + 1) % 10)
    response = _sign_up(client, registry_number=wrong, email="not-an-address", municipality="Atlantida")
    assert response.status_code == 400
    assert "kontrolno števko" in response.text and "E-poštni naslov ni veljaven" in response.text
    assert "Izberite občino" in response.text
    assert 'value="Kolesa Kranj d.o.o."' in response.text  # the form keeps what was typed
    csrf = csrf_of(client.get("/firms/signup").text)
    no_consent = form_data(csrf, leave_out=("consent",))
    assert "Brez soglasja" in client.post("/firms/signup", data=no_consent).text
    missing_csrf = form_data(csrf, leave_out=("csrf_token",))
    assert client.post("/firms/signup", data=missing_csrf).status_code == 403
    assert _firm(seeded) is None and smtp.handler.delivered == []


def test_no_enumeration_known_firms_get_their_link_others_nothing(
    client: TestClient, seeded: str, smtp: SmtpServer
) -> None:
    _sign_up(client)
    _confirm(client, smtp)
    before = len(smtp.handler.delivered)
    first = _sign_up(client, email="someone.else@example.com")  # a number registered under another address
    assert len(smtp.handler.delivered) == before
    again = _sign_up(client)  # the firm itself, again
    assert first.status_code == again.status_code == 200 and first.text == again.text
    assert smtp.handler.recipients()[-1] == SIGNUP["email"]
    assert "/firms/profile/" in link_in(smtp.handler.delivered[-1][1], "/firms/profile/")
    assert _firm(seeded).email == SIGNUP["email"]


def test_rate_limits_on_sign_ups_and_mails(client: TestClient, seeded: str, smtp: SmtpServer) -> None:
    codes = [_sign_up(client, email="same@example.com").status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    assert _sign_up(client, email="same@example.com").status_code == 429  # 3 mails a day per address
    assert _sign_up(client, email="other@example.com", registry_number=OTHER_NUMBER).status_code == 200
    assert _sign_up(client, email="third@example.com", registry_number=OTHER_NUMBER).status_code == 429  # per client
    assert len(smtp.handler.delivered) == 4


def test_profile_edit_pause_resume_email_data_unsubscribe_delete(
    client: TestClient, seeded: str, smtp: SmtpServer
) -> None:
    _sign_up(client)
    _confirm(client, smtp)
    profile = f"/firms/profile/{firm_token('profile', FIRM_ID)}"
    page = client.get(profile)
    csrf = csrf_of(page.text)
    assert "prejemate tedenski izbor" in page.text

    edited = form_data(csrf, name="Kolesa Kranj in partnerji d.o.o.", leave_out=("email", "registry_number", "consent"))
    response = client.post(profile, data=edited)
    assert response.status_code == 200 and "Spremembe so shranjene" in response.text
    assert _firm(seeded).name == "Kolesa Kranj in partnerji d.o.o."
    wait_for_matching(client.app)
    assert client.post(profile, data={**edited, "csrf_token": "wrong"}).status_code == 403

    client.post(f"{profile}/pause", data={"csrf_token": csrf})
    firm = _firm(seeded)
    assert firm.paused and not firm.subscribed
    client.post(f"{profile}/resume", data={"csrf_token": csrf})
    assert _firm(seeded).subscribed

    client.post(f"{profile}/email", data={"csrf_token": csrf, "email": "nova@kolesa.example.com"})
    assert smtp.handler.recipients()[-1] == "nova@kolesa.example.com"
    assert _firm(seeded).email == SIGNUP["email"]  # not before it is confirmed
    confirm = _path(link_in(smtp.handler.delivered[-1][1], "/firms/email/"))
    client.post(confirm, data={"csrf_token": csrf_of(client.get(confirm).text)})
    assert _firm(seeded).email == "nova@kolesa.example.com"

    data = client.get(f"{profile}/data.json").json()
    assert data["firm"]["registry_number"] == f"{NUMBER}000" and data["firm"]["consent_text"].startswith("Strinjam")
    assert {m["call_id"] for m in data["matches"]} == {m.call_id for m in _matches(seeded)}

    client.post(f"{profile}/unsubscribe", data={"csrf_token": csrf})
    firm = _firm(seeded)
    assert not firm.subscribed and firm.unsubscribed_at is not None

    assert client.post(f"{profile}/delete", data={"csrf_token": csrf}).status_code == 400  # not ticked
    response = client.post(f"{profile}/delete", data={"csrf_token": csrf, "sure": "yes"})
    assert "izbrisani" in response.text
    assert _firm(seeded) is None and _matches(seeded) == []
    assert client.get(profile).status_code == 404


def _matches(url: str) -> list[Match]:
    with session_scope(url) as session:
        return list(session.scalars(select(Match).where(Match.firm_id == FIRM_ID)))


def test_digest_mail_carries_the_profile_link(seeded: str, smtp: SmtpServer, tmp_path) -> None:
    from reports.digest import run_weekly  # noqa: PLC0415 - the digest stage only in this test
    from reports.digest.collect import Week  # noqa: PLC0415

    report = run_weekly(
        seeded, Week.containing(today()).name, out_dir=tmp_path, send=False, smtp_url=None, today=today()
    )
    raw = report.messages[0].read_bytes()
    text = next(p for p in parsed(raw).walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert "/firms/profile/" in text
    token = text.split("/firms/profile/")[1].split()[0]
    assert links.read_firm_token("profile", token) == ["F1"]


def test_a_firm_from_the_register_signs_up_as_itself(client: TestClient, seeded: str, smtp: SmtpServer) -> None:
    with session_scope(seeded) as session:  # the operator loaded it from the register: no address
        session.add(
            Firm(
                firm_id=FIRM_ID,
                registry_number=f"{NUMBER}000",
                name="KOLESA KRANJ, d.o.o.",
                legal_form="d.o.o.",
                size_class="micro",
                municipality="Kranj",
                nace_codes=["49.310"],
                description="",
                interests=[],
                email=None,
                domains=[],
                subscribed=False,
                content_hash="register",
                created_at=utcnow(),
                updated_at=utcnow(),
            )
        )
    _sign_up(client)
    assert smtp.handler.recipients() == [SIGNUP["email"]]
    _confirm(client, smtp)
    with session_scope(seeded) as session:
        firms = list(session.scalars(select(Firm).where(Firm.registry_number == f"{NUMBER}000")))
    assert len(firms) == 1 and firms[0].firm_id == FIRM_ID
    assert firms[0].email == SIGNUP["email"] and firms[0].subscribed and firms[0].size_class == "small"


def test_sign_up_in_english_gets_english_pages_and_mail(client: TestClient, seeded: str, smtp: SmtpServer) -> None:
    page = client.get("/firms/signup", params={"lang": "en"})
    assert "Sign up my firm" in page.text and "Registration number" in page.text
    response = client.post("/firms/signup", data=form_data(csrf_of(page.text)))
    assert "Check your mailbox" in response.text
    mail = parsed(smtp.handler.delivered[-1][1])
    assert "confirm your sign-up" in str(mail["Subject"])
    assert _firm(seeded).lang == "en" and _firm(seeded).consent_text.startswith("I agree")


def test_unconfirmed_sign_ups_are_forgotten_after_the_link_expires(
    client: TestClient, seeded: str, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sign_up(client)
    assert _firm(seeded) is not None
    monkeypatch.setitem(links.FIRM_TOKEN_AGES, "confirm", -1)  # its link has now expired
    _sign_up(client, registry_number=OTHER_NUMBER, email="other@example.com")
    assert _firm(seeded) is None  # never confirmed: nothing of it is kept


def test_matches_page_refreshes_itself_while_matching_runs(client: TestClient, seeded: str, smtp: SmtpServer) -> None:
    _sign_up(client)
    matches_path = _confirm(client, smtp)
    worker = client.app.state.firm_rematcher
    with worker.lock:  # as if the background run had not finished yet
        worker.pending.add(FIRM_ID)
    page = client.get(matches_path)
    assert '<meta http-equiv="refresh"' in page.text and "še izbiramo" in page.text
    with worker.lock:
        worker.pending.discard(FIRM_ID)
    assert '<meta http-equiv="refresh"' not in client.get(matches_path).text
