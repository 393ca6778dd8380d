"""`fundscout crawl --record DIR` and `--replay DIR` on real crawls of the probe spider: the
recording holds every response under the public URL, and a replay gives the same items with no
network (the site is gone and the probe's real host never resolves)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from crawling import Fault, crawl_probe, probe_server, read_items, replay, stored_calls
from probe_spider import LISTING, PROBE_SETTINGS, probe_calls, probe_site
from scrapy import Request
from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.db import upgrade
from scrapers.middlewares import body_sha256
from scrapers.runner import run_spider


def recorded(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "probe" / "responses.jsonl").read_text().splitlines()]


def comparable(items: list[dict]) -> list[dict]:
    return sorted(items, key=lambda item: item["id"])


def test_record_then_replay_gives_the_same_items(sqlite_url: str, tmp_path: Path) -> None:
    recording = tmp_path / "recording"
    with probe_server(probe_site(probe_calls(14))) as (origins, handler):
        handler.script[f"{LISTING}?page=2"] = [Fault(status=503), Fault()]  # recovered by a retry
        live = run_spider(
            "probe",
            database_url=sqlite_url,
            site_urls=origins,
            record=recording,
            overrides=PROBE_SETTINGS,
            home=tmp_path / "live",
        )
    assert live.verdict == "loaded", live.reason
    entries = recorded(recording)
    assert len(entries) == 1 + 2 + 1 + 14  # robots.txt, two listing pages (one twice), fourteen calls
    assert all(e["url"].startswith("https://probe.invalid/") for e in entries)  # the public URL, not the port
    assert [e["status"] for e in entries if e["url"].endswith("?page=2")] == [503, 200]
    first = entries[1]
    assert first["method"] == "GET" and first["body_sha256"] is None
    assert ["Content-Type", "text/html; charset=utf-8"] in first["headers"]
    assert (recording / "probe" / first["body"]).read_bytes().startswith(b"<html>")

    home = tmp_path / "replayed"
    other_store = f"sqlite:///{tmp_path / 'other.db'}"
    upgrade(other_store)
    again = replay("probe", other_store, home, recording, **PROBE_SETTINGS)
    assert again.verdict == "loaded", again.reason
    assert again.summary["stats"]["retry/count"] == 1  # the recorded 503 is served again, then the 200
    assert comparable(read_items(again)) == comparable(read_items(live))
    assert not (home / "state" / "probe.json").exists()  # a replay tells nothing new about the site


def test_replay_refuses_a_request_not_in_the_recording(sqlite_url: str, tmp_path: Path) -> None:
    recording = tmp_path / "recording"
    with probe_server(probe_site(probe_calls(3))) as (origins, _):
        crawl_probe(sqlite_url, tmp_path / "live", origins, FUNDSCOUT_RECORD_DIR=str(recording))
    lines = (recording / "probe" / "responses.jsonl").read_text().splitlines()
    kept = [line for line in lines if "razpis-002" not in line]
    (recording / "probe" / "responses.jsonl").write_text("\n".join(kept) + "\n")
    before = stored_calls(sqlite_url)
    outcome = replay("probe", sqlite_url, tmp_path / "replayed", recording, **PROBE_SETTINGS)
    assert outcome.verdict == "failed" and stored_calls(sqlite_url) == before
    assert outcome.summary["stats"]["fundscout/replay_missing"] == 1
    assert outcome.reason.startswith("1 requests are not in the recording")


def test_replay_of_a_folder_without_recordings_is_a_clear_error(fundscout_env: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["crawl", "--replay", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{tmp_path} holds no recording of any spider" in result.output
    with pytest.raises(ValueError, match="holds no recording of probe"):
        run_spider("probe", database_url=fundscout_env, replay=tmp_path, overrides=PROBE_SETTINGS, home=tmp_path)


def test_a_multipart_search_is_found_again_whatever_its_boundary() -> None:
    """A client draws a new multipart boundary for every request (the SEDIA search): the recording
    keys the request body without it, and still tells different searches apart."""

    def search(boundary: str, page: str) -> Request:
        body = f'--{boundary}\r\nContent-Disposition: form-data; name="query"\r\n\r\n{{"page": {page}}}\r\n--{boundary}--\r\n'
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return Request("https://probe.invalid/search", method="POST", body=body.encode(), headers=headers)

    assert body_sha256(search("a1b2c3", "1")) == body_sha256(search("ffee99", "1"))
    assert body_sha256(search("a1b2c3", "1")) != body_sha256(search("a1b2c3", "2"))
    assert body_sha256(Request("https://probe.invalid/calls/")) is None
