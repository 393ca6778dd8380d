"""The digest's unsubscribe link in the review app: GET asks, POST (one click) unsubscribes."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from fundscout.db import session_scope
from fundscout.db.models import AuditLog, Firm
from reports.digest.links import unsubscribe_token, unsubscribe_url


def first_firm(db_url: str) -> str:
    with session_scope(db_url) as session:
        return session.scalars(select(Firm.firm_id).where(Firm.subscribed.is_(True)).order_by(Firm.firm_id)).first()


def subscribed(db_url: str, firm_id: str) -> bool:
    with session_scope(db_url) as session:
        return session.get(Firm, firm_id).subscribed


def test_link_asks_first_and_one_click_post_unsubscribes(db_url: str, client: TestClient, monkeypatch) -> None:
    monkeypatch.setenv("FUNDSCOUT_SECRET_KEY", "test-secret-for-links")
    firm_id = first_firm(db_url)
    token = unsubscribe_token(firm_id)
    assert unsubscribe_url(firm_id).endswith(f"/unsubscribe/{token}")

    asked = client.get(f"/unsubscribe/{token}")
    assert asked.status_code == 200 and "Da, odjavi me" in asked.text
    assert subscribed(db_url, firm_id)  # a link scanner's GET changes nothing

    # what a mail client sends for List-Unsubscribe-Post: no session, no CSRF token
    done = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "Odjavljeni ste" in done.text
    assert not subscribed(db_url, firm_id)
    with session_scope(db_url) as session:
        assert session.scalars(select(AuditLog.target).where(AuditLog.action == "unsubscribe")).all() == [
            f"firm:{firm_id}"
        ]


def test_an_altered_token_unsubscribes_nobody(db_url: str, client: TestClient, monkeypatch) -> None:
    monkeypatch.setenv("FUNDSCOUT_SECRET_KEY", "test-secret-for-links")
    firm_id = first_firm(db_url)
    forged = unsubscribe_token(firm_id)[:-2] + "xx"
    response = client.post(f"/unsubscribe/{forged}")
    assert response.status_code == 404 and "ni veljavna" in response.text
    assert subscribed(db_url, firm_id)


def test_the_page_checks_the_token_before_asking_and_names_a_contact(
    db_url: str, client: TestClient, monkeypatch
) -> None:
    monkeypatch.setenv("FUNDSCOUT_SECRET_KEY", "test-secret-for-links")
    monkeypatch.setenv("FUNDSCOUT_SMTP_URL", "smtp://127.0.0.1:2525?from=razpisi@kranj.example")
    firm_id = first_firm(db_url)
    forged = unsubscribe_token(firm_id)[:-2] + "xx"
    refused = client.get(f"/unsubscribe/{forged}")
    assert refused.status_code == 404 and "ni veljavna" in refused.text
    assert "Da, odjavi me" not in refused.text  # nothing to confirm for a link that is not ours
    assert "mailto:razpisi@kranj.example" in refused.text
    asked = client.get(f"/unsubscribe/{unsubscribe_token(firm_id)}")
    assert asked.status_code == 200 and "Da, odjavi me" in asked.text and "razpisi@kranj.example" in asked.text
