"""Sessions and headers of the review app: logout and expiry end a session on the server, cookies are
Secure over https, redirects never come from the Host header, X-Forwarded-For counts only from a
configured proxy, a flood of logins leaves pages responsive, `serve` needs its key and the
database URL is never printed with its password."""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import time

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from fundscout.cli import app as cli
from fundscout.db import session_scope
from fundscout.db.models import ReviewSession
from tests.review_helpers import PASSWORD, USERNAME, csrf_of, log_in
from web.app import create_app
from web.sessions import IDLE_MINUTES

SESSION_COOKIE = "fundscout_session"


def sessions_in_store(url: str) -> list[ReviewSession]:
    with session_scope(url) as session:
        return list(session.scalars(select(ReviewSession)))


def test_logout_ends_the_session_on_the_server(client: TestClient, db_url: str) -> None:
    assert log_in(client).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 200
    old_cookie = client.cookies[SESSION_COOKIE]
    assert len(sessions_in_store(db_url)) == 1
    page = client.get("/").text
    logout = client.post("/logout", data={"csrf_token": csrf_of(page)}, follow_redirects=False)
    assert logout.status_code == 303 and logout.headers["location"] == "/login"
    assert "Odjavljeni ste." in client.get("/login").text
    assert sessions_in_store(db_url) == []
    client.cookies.set(SESSION_COOKIE, old_cookie)  # the copy an attacker kept
    refused = client.get("/", follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"] == "/login"


@pytest.mark.parametrize("how", ["expired", "idle"])
def test_sessions_expire(client: TestClient, db_url: str, how: str) -> None:
    assert log_in(client).status_code == 303
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=IDLE_MINUTES + 1)
    column = ReviewSession.expires_at if how == "expired" else ReviewSession.last_seen_at
    with session_scope(db_url) as session:
        session.execute(update(ReviewSession).values({column: past}))
    refused = client.get("/", follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"] == "/login"
    assert log_in(client).status_code == 303  # a new login clears ended sessions out
    assert len(sessions_in_store(db_url)) == 1  # only the new one


def test_cookie_is_secure_over_https_only(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    with TestClient(app, base_url="https://review.example.si") as https:
        cookie = https.get("/login").headers["set-cookie"]
        assert "secure" in cookie.lower() and "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    with TestClient(app) as plain:
        assert "secure" not in plain.get("/login").headers["set-cookie"].lower()
        plain.cookies.clear()
        # Behind a proxy that terminates TLS: believed only from a configured proxy.
        forwarded = plain.get("/login", headers={"X-Forwarded-Proto": "https"}).headers["set-cookie"]
        assert "secure" not in forwarded.lower()
    monkeypatch.setenv("FUNDSCOUT_TRUSTED_PROXIES", "testclient, 10.0.0.0/8")
    with TestClient(create_app(app.state.database_url)) as behind_proxy:
        forwarded = behind_proxy.get("/login", headers={"X-Forwarded-Proto": "https"}).headers["set-cookie"]
        assert "secure" in forwarded.lower()


def test_redirects_and_links_ignore_the_host_header(client: TestClient, review_store: dict[str, int]) -> None:
    evil = {"Host": "evil.example"}
    redirect = client.get("/", headers=evil, follow_redirects=False)
    assert redirect.headers["location"] == "/login"
    token = csrf_of(client.get("/login", headers=evil).text)
    login = client.post(
        "/login",
        headers=evil,
        data={"username": USERNAME, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert login.headers["location"] == "/"
    listing = client.get("/", headers=evil).text
    assert "evil.example" not in listing and "http://" not in listing.split("<main>")[0]


def test_rotating_x_forwarded_for_does_not_lift_the_login_limit(server: str) -> None:
    """Through a real server run as `serve` runs it: the forwarded address is not believed."""
    with httpx.Client(base_url=server) as client:
        token = csrf_of(client.get("/login").text)
        codes = [
            client.post(
                "/login",
                data={"username": USERNAME, "password": "napačno-geslo", "csrf_token": token},
                headers={"X-Forwarded-For": f"203.0.113.{i}"},
            ).status_code
            for i in range(7)
        ]
    assert codes == [401] * 5 + [429] * 2


def test_a_configured_proxy_is_believed(review_store: dict[str, int], db_url: str, monkeypatch) -> None:
    monkeypatch.setenv("FUNDSCOUT_TRUSTED_PROXIES", "testclient")
    with TestClient(create_app(db_url)) as client:
        token = csrf_of(client.get("/login").text)

        def attempt(address: str) -> int:
            data = {"username": USERNAME, "password": "napačno-geslo", "csrf_token": token}
            return client.post("/login", data=data, headers={"X-Forwarded-For": address}).status_code

        assert [attempt("198.51.100.7") for _ in range(6)] == [401] * 5 + [429]
        assert attempt("198.51.100.8") == 401  # another client behind the proxy is not blocked


@pytest.mark.slow  # 60 real argon2 checks: tens of seconds on a busy two-core machine
def test_a_flood_of_bad_logins_leaves_pages_responsive(server: str, app: FastAPI) -> None:
    """60 parallel bad logins (60 names, so each one is checked); meanwhile a page answers every time
    while checks are still waiting, i.e. it does not queue behind them. Prints the latencies (the
    figures: benchmarks/login_flood.py)."""
    checks = app.state.password_checks

    async def flood_and_measure() -> tuple[list[tuple[float, int]], float, list[int]]:
        limits = httpx.Limits(max_connections=80)
        async with httpx.AsyncClient(base_url=server, limits=limits, timeout=120) as client:
            token = csrf_of((await client.get("/login")).text)
            started = time.perf_counter()
            flood = [
                asyncio.create_task(
                    client.post(
                        "/login", data={"username": f"nobody{i}", "password": "napačno-geslo", "csrf_token": token}
                    )
                )
                for i in range(60)
            ]
            while checks.waiting < 30:  # until most of the checks are queued up
                await asyncio.sleep(0.01)
            probes = []
            async with httpx.AsyncClient(base_url=server, timeout=30) as other:
                for _ in range(10):
                    begin = time.perf_counter()
                    response = await other.get("/login")
                    assert response.status_code == 200
                    probes.append((time.perf_counter() - begin, checks.waiting))
                    await asyncio.sleep(0.05)
            codes = [r.status_code for r in await asyncio.gather(*flood)]
            return probes, time.perf_counter() - started, codes

    probes, flood_seconds, codes = asyncio.run(flood_and_measure())
    latencies = [latency for latency, _ in probes]
    print(
        f"\n60 parallel bad logins took {flood_seconds:.2f} s; page during the flood: {len(latencies)} requests, "
        f"median {statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms (goal: under 1 s)"
    )
    assert codes == [401] * 60  # every login was checked and refused, none turned away or lost
    assert all(waiting > 0 for _, waiting in probes)  # each page answered while checks still waited


def test_serve_refuses_to_start_without_the_signing_key(fundscout_env: str, monkeypatch) -> None:
    monkeypatch.delenv("FUNDSCOUT_SECRET_KEY", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--port", "0"])
    assert result.exit_code == 2
    assert "FUNDSCOUT_SECRET_KEY is not set" in result.output


def test_database_url_is_never_printed_with_its_password(fundscout_env: str, monkeypatch) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["init"])
    assert result.exit_code == 0 and "database ready:" in result.output
    if make_url(fundscout_env).get_backend_name() == "postgresql":  # trust auth: any password is accepted
        with_password = make_url(fundscout_env).set(password="geslo-baze-123").render_as_string(hide_password=False)
        monkeypatch.setenv("FUNDSCOUT_DATABASE_URL", with_password)
        result = runner.invoke(cli, ["init"])
        assert result.exit_code == 0 and "***" in result.output and "geslo-baze-123" not in result.output
    # A server that cannot be reached: the error names the store, without the password.
    monkeypatch.setenv("FUNDSCOUT_DATABASE_URL", "postgresql+psycopg://fundscout:geslo-baze-123@127.0.0.1:1/fundscout")
    result = runner.invoke(cli, ["init"])
    assert result.exit_code == 2
    assert "cannot open the store postgresql+psycopg://fundscout:***@127.0.0.1:1/fundscout" in result.output
    assert "geslo-baze-123" not in result.output
