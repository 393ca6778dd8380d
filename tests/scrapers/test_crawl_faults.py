"""Loud, specific failures, told apart, on real crawls of the probe spider (probe_spider.py):
network (DNS, refused, TLS), HTTP errors, a changed layout, calls without the required fields;
bad links skipped and counted; the offsite rule by scheme, host and port."""

from __future__ import annotations

import socket
from pathlib import Path

from crawling import Fault, crawl_probe, probe_server, stored_calls
from probe_spider import LISTING, ProbeCall, probe_calls, probe_site

from scrapers.runner import source_states
from scrapers.sample_site import Page, serve_sites

# Fail fast where the production profile would wait and retry.
QUICK = {"RETRY_TIMES": 1, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "DNS_TIMEOUT": 3}


def failure_of(database_url: str) -> tuple[str | None, str | None]:
    (state,) = source_states(database_url, ["probe"])
    return state.failure, state.last_reason


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_dns_failure_is_a_network_failure(sqlite_url: str, tmp_path: Path) -> None:
    outcome = crawl_probe(sqlite_url, tmp_path, {}, **QUICK)  # no mapping: the real host, which never resolves
    assert outcome.verdict == "failed"
    assert outcome.reason.startswith("network failure: DNS lookup failed for probe.invalid")
    assert failure_of(sqlite_url) == ("network", outcome.reason)


def test_refused_connection_is_a_network_failure(sqlite_url: str, tmp_path: Path) -> None:
    outcome = crawl_probe(sqlite_url, tmp_path, {"probe.invalid": f"http://127.0.0.1:{closed_port()}"}, **QUICK)
    assert outcome.reason.startswith("network failure: connection refused for 127.0.0.1:")
    assert outcome.summary["network_errors"] == {"refused": outcome.summary["stats"]["downloader/exception_count"]}
    assert failure_of(sqlite_url)[0] == "network"


def test_tls_failure_is_a_network_failure(sqlite_url: str, tmp_path: Path) -> None:
    """https to a server that speaks plain HTTP: the handshake fails, and the reason says TLS."""
    with probe_server(probe_site(probe_calls(2))) as (origins, _):
        tls_origin = origins["probe.invalid"].replace("http://", "https://")
        outcome = crawl_probe(sqlite_url, tmp_path, {"probe.invalid": tls_origin}, **QUICK)
    assert outcome.reason.startswith("network failure: TLS handshake failed for 127.0.0.1:"), outcome.reason
    assert failure_of(sqlite_url)[0] == "network"


def test_http_errors_are_told_apart(sqlite_url: str, tmp_path: Path) -> None:
    with probe_server(probe_site(probe_calls(2))) as (origins, handler):
        handler.script[LISTING] = [Fault(status=503)]
        outcome = crawl_probe(sqlite_url, tmp_path, origins, **QUICK)
    assert handler.hits.count(LISTING) == 2  # the first try and one retry
    assert outcome.reason == "the site answered with HTTP errors (HTTP 503 ×2 of 3 responses)"
    assert failure_of(sqlite_url)[0] == "http"


def test_pages_without_calls_are_a_layout_change(sqlite_url: str, tmp_path: Path) -> None:
    site = probe_site(probe_calls(2))
    site[LISTING] = Page(b"<html><body><div class='razpisi'>Novi seznam razpisov</div></body></html>")
    with probe_server(site) as (origins, _):
        outcome = crawl_probe(sqlite_url, tmp_path, origins)
    assert outcome.summary["finish_reason"] == "finished"  # Scrapy itself sees nothing wrong
    assert outcome.reason == "layout changed: read 2 pages but found no call; the page layout may have changed"
    assert failure_of(sqlite_url)[0] == "layout"


def test_calls_without_a_title_are_a_layout_change(sqlite_url: str, tmp_path: Path) -> None:
    site = probe_site(probe_calls(3))
    for key in [k for k in site if k.startswith("/calls/razpis-")]:
        site[key] = Page(
            site[key].body.replace(b"<h1>", b"<h1> <span class='naslov'>").replace(b"</h1>", b"</span></h1>")
        )
    with probe_server(site) as (origins, _):
        outcome = crawl_probe(sqlite_url, tmp_path, origins)
    # the title moved into a span: the spider reads an empty title, and the validator refuses each call
    assert outcome.verdict == "failed" and stored_calls(sqlite_url) == {}
    assert outcome.reason == "layout changed: all 3 calls read lacked required fields (title)"


def test_calls_without_deadline_or_status_fail_the_coverage_monitor(sqlite_url: str, tmp_path: Path) -> None:
    calls = [ProbeCall(f"razpis-{n}", f"Javni poziv {n}", deadline=None, status=None) for n in range(1, 4)]
    calls.append(ProbeCall("razpis-4", "Javni poziv 4", deadline=None, status="open"))
    with probe_server(probe_site(calls)) as (origins, _):
        outcome = crawl_probe(sqlite_url, tmp_path, origins)
    assert outcome.verdict == "failed" and stored_calls(sqlite_url) == {}
    assert "Deadline or status" in outcome.reason
    assert "3 of 4 calls have neither a deadline nor a status" in outcome.reason
    assert failure_of(sqlite_url)[0] == "monitor"


def test_unusable_links_are_skipped_and_counted(sqlite_url: str, tmp_path: Path) -> None:
    links = "".join(
        f'<a class="next" href="{href}">x</a>'
        for href in (
            "javascript:void(0)",
            "mailto:razpisi@example.si",
            "tel:+38640111222",
            "ftp://ftp.example.si/razpis.pdf",
            "http://[::1",
            "https:///brez-gostitelja",
            "",
        )
    )
    with probe_server(probe_site(probe_calls(3), extra_links=links)) as (origins, handler):
        outcome = crawl_probe(sqlite_url, tmp_path, origins)
    assert outcome.verdict == "loaded", outcome.reason
    assert outcome.summary["links_skipped"] == {"javascript": 1, "mailto": 1, "tel": 1, "ftp": 1, "malformed": 3}
    assert outcome.summary["stats"]["fundscout/links_skipped"] == 7
    assert len(stored_calls(sqlite_url)) == 3
    assert sorted(set(handler.hits)) == sorted(["/robots.txt", LISTING] + [f"/calls/razpis-00{n}/" for n in (1, 2, 3)])


def test_offsite_rule_compares_scheme_host_and_port(sqlite_url: str, tmp_path: Path) -> None:
    site = probe_site(probe_calls(2))
    with serve_sites({"other": {"/admin": Page(b"<h1>Interno</h1>")}}) as elsewhere:
        other_port = elsewhere["other"].rsplit(":", 1)[1]
        with probe_server(site) as (origins, handler):
            port = origins["probe.invalid"].rsplit(":", 1)[1]
            links = "".join(
                f'<a class="next" href="{href}">x</a>'
                for href in (
                    f"http://127.0.0.1:{other_port}/admin",  # same host, another port
                    f"http://localhost:{port}/calls/",  # same port, another host
                    f"https://127.0.0.1:{port}/calls/",  # same host and port, another scheme
                    "https://probe.invalid/calls/razpis-001/",  # the real host: mapped to the origin
                )
            )
            listing = Page(site[LISTING].body.replace(b"</body>", links.encode() + b"</body>"))
            handler.script[LISTING] = lambda key: listing
            outcome = crawl_probe(sqlite_url, tmp_path, origins)
    assert outcome.verdict == "loaded", outcome.reason
    assert outcome.summary["offsite_filtered"] == 3
    assert handler.hits.count("/calls/razpis-001/") == 1  # the mapped link was the same page, fetched once
    assert len(stored_calls(sqlite_url)) == 2


def test_a_source_keeps_its_last_good_run_when_it_fails(sqlite_url: str, tmp_path: Path) -> None:
    with probe_server(probe_site(probe_calls(2))) as (origins, handler):
        good = crawl_probe(sqlite_url, tmp_path, origins)
        handler.script[LISTING] = [Fault(status=503)]
        crawl_probe(sqlite_url, tmp_path, origins, **QUICK)
    (state,) = source_states(sqlite_url, ["probe"])
    assert (state.state, state.failure, state.last_good_items, state.calls) == ("failing", "http", 2, 2)
    assert good.verdict == "loaded" and state.last_good_at is not None


def test_a_detail_page_given_up_on_5xx_is_an_http_failure_a_lone_404_is_not(sqlite_url: str, tmp_path: Path) -> None:
    with probe_server(probe_site(probe_calls(4))) as (origins, handler):
        handler.script["/calls/razpis-002/"] = [Fault(status=502)]
        outage = crawl_probe(sqlite_url, tmp_path, origins, **QUICK)
        handler.script["/calls/razpis-002/"] = [Fault(status=404)]  # removed behind its listing row
        removed = crawl_probe(sqlite_url, tmp_path, origins, **QUICK)
    assert outage.reason == "the site answered with HTTP errors (HTTP 502 ×2 of 7 responses)"
    assert removed.verdict == "loaded", removed.reason
    assert removed.items == 3
