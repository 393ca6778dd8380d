"""Absolute links to a source's real host, pointed at the site the spider is crawling.

Real pages link with absolute addresses (`https://www.euro-access.eu/en/calls/135/…`). Online
that is the site itself; offline (sample site, fixtures, recordings) the same address must lead
to the loopback copy, as the root-relative links do. A helper beside the base (which
crawl-infra owns), for the spiders whose sites link this way.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def on_site(url: str, host: str, site_url: str) -> str:
    """`url` on `site_url` when it names `host` (with or without `www.`, http or https); else as is."""
    parts = urlsplit(url)
    bare = host.removeprefix("www.")
    if parts.hostname not in (host, bare, f"www.{bare}"):
        return url
    site = urlsplit(site_url)
    return urlunsplit((site.scheme, site.netloc, parts.path, parts.query, ""))
