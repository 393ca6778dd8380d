"""Notice text -> the normalised call fields (fields.EXTRACT_FIELDS), each with the snippet it came from.

Scrapy-free: spiders call `extract_notice` on a page's plain text, and `fundscout extract` runs it
on JSONL rows. A field is `None` when the text does not tell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fundscout.extract.amounts import find_budget, find_cofinancing_rate
from fundscout.extract.applicants import find_applicants, find_cohesion_regions
from fundscout.extract.dates import find_deadlines
from fundscout.extract.header import (
    Found,
    english_heading,
    find_call_in_text,
    find_call_type,
    find_gazette,
    find_notice_number,
    find_published_on,
    find_publisher,
    find_title,
    trim_title,
)
from fundscout.extract.legal_basis import find_funding
from fundscout.extract.pagetype import gazette_slug_kind, heading_from_slug, page_slug_kind, title_from_slug
from fundscout.extract.publishers import canonical, find_bodies, host_owner
from fundscout.fields import EXTRACT_FIELDS

__all__ = ["Extraction", "extract_notice", "OPTIONAL_FIELDS"]

# Fields written beside EXTRACT_FIELDS when the text tells them.
OPTIONAL_FIELDS: tuple[str, ...] = ("programme", "cofinancing_rate", "until_funds_spent", "cohesion_regions", "summary")
_UNTIL_SPENT = re.compile(
    r"do\s+(?:porabe|razdelitve|izčrpanja)\s+(?:\w+\s+)?sredstev|until (?:the )?funds? (?:are|is) (?:used|exhausted|spent)",
    re.I,
)
_SUMMARY = re.compile(
    r"(?:predmet|namen)\s+(?:in\s+(?:cilj|namen|predmet)\w*\s+)?(?:javnega\s+)?(?:razpisa|poziva)\s+(?:je|so)\s+[^\n]{20,400}?\.(?=\s|$)",
    re.IGNORECASE,
)


@dataclass
class Extraction:
    fields: dict[str, Any]
    evidence: dict[str, str] = field(default_factory=dict)

    def record_fields(self) -> dict[str, Any]:
        """The fields as `fundscout.records.CallRecord` takes them: unknown lists are left out."""
        return {k: v for k, v in self.fields.items() if v is not None}


def _year_hint(text: str, url: str | None, published_on: str | None) -> int | None:
    """Year the notice was published, for telling the programme period when no act names it."""
    if published_on:
        return int(published_on[:4])
    m = re.match(r"\s*date\s+((?:19|20)\d{2})", text)
    if m:
        return int(m.group(1))
    if url:
        years = [int(y) for y in re.findall(r"(?<!\d)(20[0-3]\d)(?!\d)", url)]
        if years:
            return max(years)
    return None


def resolve_publisher(found: Found | None, text: str, url: str | None) -> Found | None:
    """The publisher read from the text, in its canonical gazetteer name; else the owner of the page's
    web host; else the first gazetteer body the page's opening names."""
    if found:
        name = canonical(found.value)
        if name:
            return Found(name, found.snippet)
        # "Občine, ki …" (not a municipality) or words of an all-caps headline are not a body's name.
        municipal = re.match(r"(?:Mestn\w+\s+)?občin\w*\b", found.value, re.I)
        headline = len(re.findall(r"\b[A-ZČŠŽ]{2,}\b", found.value)) >= 2
        if not municipal and not headline:
            return found
    owner = host_owner(url)
    if owner:
        return Found(owner.name, url or "")
    named = find_bodies(text[:2500])
    if named:
        start, end, body = named[0]
        return Found(canonical(text[start:end]) or body.name, " ".join(text[max(0, start - 60) : end + 40].split()))
    return None


def extract_notice(text: str, url: str | None = None) -> Extraction:
    """Read the fields of one notice from its plain text."""
    values: dict[str, Any] = {name: None for name in EXTRACT_FIELDS}
    evidence: dict[str, str] = {}
    if not text.strip():
        return Extraction(values, evidence)

    def put(name: str, value: Any, snippet: str | None) -> None:
        values[name] = value
        if snippet:
            evidence[name] = snippet[:400]

    notice = find_notice_number(text)
    if notice:
        put("notice_number", notice.value, notice.snippet)
    issue, issue_date = find_gazette(text, url)
    if issue:
        put("gazette_issue", issue.value, issue.snippet)
    published = find_published_on(text, issue_date)
    if published:
        put("published_on", published.value, published.snippet)
    title = find_title(text)
    heading = None if notice else heading_from_slug(text, url)
    # A web page's heading, which its URL slug repeats, is the title when it names a call or nothing
    # else does; a news headline gives way to the call a sentence names.
    if heading and (title is None or re.search(r"razpis|poziv|povabil|\bcall\b", heading, re.I)):
        title = Found(trim_title(heading), heading)
    publisher = resolve_publisher(find_publisher(text), text, url)
    if publisher:
        put("publisher", publisher.value, publisher.snippet)
    call_type = find_call_type(text, title.value if title else None, gazette_page=notice is not None, url=url)
    # The URL's words: a gazette item's slug tells the kind of an excerpt cut in its preamble; any
    # page's slug that opens with "sprememba/popravek …" or names the call "javni poziv" decides
    # between the kinds of a notice (a news item, `other`, stays one).
    slug_kind = gazette_slug_kind(url)
    if slug_kind and call_type and (call_type.value == "other" or slug_kind == "amendment"):
        call_type = Found(slug_kind, url or "")
    page_kind = page_slug_kind(url)
    # … unless the text calls itself the other kind ("Predmet javnega razpisa" under a "javni-poziv-…" slug).
    own_kinds = {"javni_" + k.lower() for k in re.findall(r"javn\w+\s+(razpis|poziv)", text[:3000], re.I)}
    if page_kind and call_type and call_type.value in ("javni_razpis", "javni_poziv", "amendment"):
        if page_kind == "amendment" or (call_type.value != "amendment" and own_kinds <= {page_kind}):
            call_type = Found(page_kind, url or "")
    if call_type:
        put("call_type", call_type.value, call_type.snippet)
    # A news item's headline is the reporter's own ("Razpis LPŠ v občini …"); unless it names the call
    # and its subject ("Razpis za sofinanciranje …"), the title is the call a sentence names.
    names_call = title and re.match(
        r"\s*(?:\d+\.\s+)?(?:javn\w+\s+)?(?:razpis|poziv|povabil)\w*\s+za\s", title.value, re.I
    )
    if call_type and call_type.value == "other" and not notice and not names_call:
        named = find_call_in_text(text)
        if named:
            title = named
    if title is None and not notice:
        slug_title = title_from_slug(text, url)
        title = Found(slug_title, url or "") if slug_title else english_heading(text)
    if title:
        put("title", title.value, title.snippet)

    funding = find_funding(text, _year_hint(text, url, values["published_on"]))
    # A period read off the year of publication quotes the publication date it came from.
    put(
        "programme_period",
        funding.programme_period,
        funding.evidence.get("programme_period") or (funding.eu_funded and evidence.get("published_on")),
    )
    put("eu_funded", funding.eu_funded, funding.evidence.get("eu_funded"))
    put("funds", funding.funds, funding.evidence.get("funds"))
    if funding.programme:
        put("programme", funding.programme, funding.programme)

    deadlines = find_deadlines(text)
    if deadlines.dates:
        put("deadlines", [d.isoformat() for d in deadlines.dates], " … ".join(dict.fromkeys(deadlines.snippets)))
    until = _UNTIL_SPENT.search(text)
    if until:
        put("until_funds_spent", True, " ".join(text[max(0, until.start() - 80) : until.end() + 20].split()))

    budget = find_budget(text)
    if budget:
        put("budget_eur", round(budget.value, 2), budget.snippet)
    rate = find_cofinancing_rate(text)
    if rate:
        put("cofinancing_rate", rate[0], rate[1])

    applicants = find_applicants(text, values["title"])
    if applicants:
        put("applicant_types", applicants[0], applicants[1])
    regions = find_cohesion_regions(text)
    if regions:
        put("cohesion_regions", regions[0], regions[1])
    summary = _SUMMARY.search(text)
    if summary:
        put("summary", " ".join(summary.group(0).split()), None)

    return Extraction(values, evidence)
