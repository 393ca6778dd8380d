"""Every spider has fixtures of its own and a test file of its own (tests/scrapers/test_<spider>.py)."""

from __future__ import annotations

from pathlib import Path

from scrapers.runner import spider_names


def test_every_spider_has_fixtures_and_a_test_file() -> None:
    here = Path(__file__).parent
    names = spider_names()
    assert len(names) >= 12
    assert [n for n in names if not (here / f"test_{n}.py").is_file()] == []
    assert [n for n in names if not (here.parent / "fixtures" / n).is_dir()] == []
