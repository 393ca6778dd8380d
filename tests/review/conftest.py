"""A store with drafted briefs and one reviewer, and helpers to drive the review app over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from reports.briefs import draft_briefs
from tests.brief_seed import TODAY, seed_store
from tests.review_helpers import PASSWORD, USERNAME, log_in
from web.app import create_app
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
