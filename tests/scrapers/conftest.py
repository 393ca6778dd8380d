"""Fixtures of the crawl tests; the helpers to serve fixtures and run crawls are in crawling.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundscout.db import upgrade


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    return url
