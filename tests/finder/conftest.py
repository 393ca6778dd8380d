"""The web app on a seeded store, for the public finder, feeds and firm self-service."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.finder.seed import seed_calls, seed_firm_with_matches
from web.app import create_app


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUNDSCOUT_SECRET_KEY", "test-secret-key-for-the-finder")


@pytest.fixture
def seeded(db_url: str) -> str:
    seed_calls(db_url)
    seed_firm_with_matches(db_url)
    return db_url


@pytest.fixture
def app(seeded: str) -> FastAPI:
    return create_app(seeded)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as anonymous:
        yield anonymous
