"""A small spider on FundingSpider and the site it reads, for the tests of the crawl machinery.

The fault, incremental and record/replay tests are about the base spider, the middlewares, the
monitors and the runner, not about one source, so they crawl this probe, whose site the test
writes page by page: a paged listing (`ul.calls li`, each row a link, a date and a status) and one
page per call (`h1`, `p.deadline`, `p.status`, `p.budget`). The runner finds it through a SPIDER_MODULES
override (PROBE_SETTINGS). Its `host` is in the reserved `.invalid` domain, so a crawl without the
host->origin mapping fails at the DNS lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from scrapers.sample_site import Page, Site
from scrapers.spiders.base import FundingSpider, clean_text

PROBE_SETTINGS = {"SPIDER_MODULES": "tests.scrapers.probe_spider"}
LISTING = "/calls/"


class ProbeSpider(FundingSpider):
    name = "probe"
    host = "probe.invalid"
    allowed_domains = [host]
    start_paths = (LISTING,)
    id_prefix = "probe"

    def parse(self, response):
        rows = response.css("ul.calls li")
        if not rows:
            self.layout_unrecognised(response, "ul.calls li")
            return
        state = getattr(self, "crawl_state", None)
        if state is not None:
            state["listing_pages_read"] = state.get("listing_pages_read", 0) + 1
        for row in rows:
            entry = clean_text(row.css("::text").getall())
            yield self.request(
                row.css("a::attr(href)").get(), self.parse_call, base=response, meta={"listing_entry": entry}
            )
        for href in response.css("a.next::attr(href)").getall():
            yield self.request(href, base=response)

    def parse_call(self, response):
        title = response.css("h1::text").get()
        if not title:
            self.layout_unrecognised(response, "h1")
            return
        deadline = response.css("p.deadline::text").get()
        budget = response.css("p.budget::text").get()
        yield self.call(
            response,
            id=self.page_id(response.url),
            title=title.strip(),
            deadlines=[deadline.strip()] if deadline else None,
            source_status=(response.css("p.status::text").get() or "").strip() or None,
            budget_eur=float(budget) if budget else None,
        )


@dataclass
class ProbeCall:
    slug: str
    title: str
    deadline: str | None = "2027-03-31"
    status: str | None = "open"
    body: str = "Sofinanciranje projektov lokalnih skupnosti."
    budget: float = 250000.0  # on the call's page only, not in the listing


def probe_site(calls: list[ProbeCall], *, per_page: int = 10, extra_links: str = "") -> Site:
    """The probe's pages: a listing of `per_page` rows a page (`extra_links` in the first), one page a call."""
    site: Site = {"/robots.txt": Page(b"User-agent: *\nAllow: /\n", "text/plain")}
    chunks = [calls[i : i + per_page] for i in range(0, len(calls), per_page)] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        rows = "".join(
            f'<li><a href="/calls/{c.slug}/">{escape(c.title)}</a> <span>{c.deadline or ""}</span>'
            f" <span>{c.status or ''}</span></li>"
            for c in chunk
        )
        more = f'<a class="next" href="?page={number + 1}">Naprej</a>' if number < len(chunks) else ""
        links = extra_links if number == 1 else ""
        body = f'<html><body><ul class="calls">{rows}</ul>{links}{more}</body></html>'
        site[LISTING if number == 1 else f"{LISTING}?page={number}"] = Page(body.encode())
    for c in calls:
        deadline = f'<p class="deadline">{c.deadline}</p>' if c.deadline else ""
        status = f'<p class="status">{c.status}</p>' if c.status else ""
        body = (
            f"<html><body><h1>{escape(c.title)}</h1>{deadline}{status}"
            f'<p class="budget">{c.budget}</p><p>{escape(c.body)}</p></body></html>'
        )
        site[f"/calls/{c.slug}/"] = Page(body.encode())
    return site


def probe_calls(count: int) -> list[ProbeCall]:
    return [ProbeCall(f"razpis-{n:03d}", f"Javni razpis številka {n} za občine") for n in range(1, count + 1)]
