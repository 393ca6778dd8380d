"""A store with drafted briefs and one reviewer, and helpers to drive the review app over HTTP:
in-process (TestClient) and through a real uvicorn server run the way `fundscout serve` runs it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from reports.briefs import draft_briefs
from tests.brief_seed import TODAY, seed_store
from tests.review_helpers import PASSWORD, USERNAME, log_in
from web.app import create_app, server_config
from web.users import add_user


@pytest.fixture
def review_store(db_url: str, tmp_path: Path) -> dict[str, int]:
    """Store with the test calls, a reviewer, and Slovenian briefs: {call id: brief id}."""
    seed_store(db_url)
    add_user(db_url, USERNAME, PASSWORD, display_name="Ana Novak")
    drafted = draft_briefs(db_url, min_score=50, lang="sl", out_dir=tmp_path / "briefs", today=TODAY)
    return {d.call_id: d.brief_id for d in drafted}


@pytest.fixture
def app(db_url: str, review_store: dict[str, int]) -> FastAPI:
    return create_app(db_url)


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    with TestClient(app) as anonymous:
        yield anonymous


@pytest.fixture
def reviewer(client: TestClient) -> TestClient:
    assert log_in(client).status_code == 303
    return client


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    """Base URL of the review app served by uvicorn on a free loopback port, configured as `serve` does."""
    server = uvicorn.Server(server_config(app, "127.0.0.1", 0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        threading.Event().wait(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
