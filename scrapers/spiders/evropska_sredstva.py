"""evropskasredstva.si: the 2021–2027 cohesion portal's lists of current and announced calls.

The markup of its lists is not known (reference real_structure.md §6: only a working client that
reads the page as text). So the spider reads the page as the text a visitor sees, in order: each
call starts with its status word (Aktualno, Napovedano, Zaključeno), then its title, then
labelled facts (`Razpisovalec`, `Program EU`, `Razpisana vrednost`, …), whatever the tags. The
link fields show their address as visible text, which is where it is read from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from scrapy.http import Response

from fundscout.extract.amounts import parse_amount
from fundscout.extract.dates import find_dates, parse_date
from scrapers.spiders.base import FundingSpider, clean_text, slug

STATUSES = {"Aktualno": "open", "Napovedano": "forthcoming", "Zaključeno": "closed"}
# The labels of a call's facts as the site writes them, longest first so none shadows another.
LABELS = sorted(
    (
        "Razpisovalec",
        "Program EU",
        "Razpisana vrednost",
        "Prispevek EU",
        "Veljavno",
        "Rok za prijavo na javni razpis",
        "Cilj politike oz. specifični cilj",
        "Opis upravičenih prijaviteljev",
        "Upravičeni prijavitelji",
        "Datum objave javnega razpisa",
        "Povezava do strani",
        "Povezava do dokumentacije",
        "Namen",
        "Geografsko območje",
    ),
    key=len,
    reverse=True,
)
# A label stands alone or before a colon: "Namen tega razpisa je …" is a value, not the label.
LABEL_RE = re.compile(r"(" + "|".join(map(re.escape, LABELS)) + r")\s*(?::\s*(.*))?", re.IGNORECASE | re.DOTALL)
STATUS_RE = re.compile(r"(" + "|".join(STATUSES) + r")(?:\s+(?=[A-ZČŠŽ])(.*))?$", re.DOTALL)
UI_WORDS = frozenset({"manj", "več", "izvozi"})  # buttons between the cards, never part of a fact
URL_RE = re.compile(r"https?://[^\s<>\"']+")
SKIPPED = ("script", "style", "noscript", "template", "header", "footer", "nav", "aside", "form")


@dataclass
class Block:
    """One call as read: its status word, title lines, the title's link and {label: value lines}."""

    status: str
    title: list[str] = field(default_factory=list)
    title_href: str | None = None
    facts: dict[str, list[str]] = field(default_factory=dict)
    hrefs: dict[str, str] = field(default_factory=dict)

    def fact(self, label: str) -> str:
        return " ".join(self.facts.get(label.lower(), []))


def visible_lines(response: Response) -> list[tuple[str, str | None]]:
    """The page's visible text nodes in order, each with the link it sits in (if any)."""
    root = response.selector.root
    container = (root.xpath("//main") or root.xpath("//body") or [root])[0]
    lines = []
    for node in container.xpath(".//text()"):
        parent = node.getparent()
        ancestors = [parent, *parent.iterancestors()] if parent is not None else []
        if any(a.tag in SKIPPED for a in ancestors if isinstance(a.tag, str)):
            continue
        text = re.sub(r"\s+", " ", str(node)).strip()
        if text:
            href = next((a.get("href") for a in ancestors if a.tag == "a" and a.get("href")), None)
            lines.append((text, href))
    return lines


def read_blocks(lines: list[tuple[str, str | None]]) -> list[Block]:
    """Cut the page text into calls at each status word and read each call's labelled facts."""
    blocks: list[Block] = []
    label: str | None = None
    for text, href in lines:
        status = STATUS_RE.match(text)
        if status:
            blocks.append(Block(status.group(1)))
            label = None
            text = status.group(2) or ""
            if not text:
                continue
        if not blocks or text.lower() in UI_WORDS:
            continue
        block = blocks[-1]
        labelled = LABEL_RE.fullmatch(text)
        if labelled:
            label = labelled.group(1).lower()
            block.facts[label] = []
            text = (labelled.group(2) or "").strip()
            if not text:
                continue
        if label is None:
            block.title.append(text)
            block.title_href = block.title_href or href
        else:
            block.facts[label].append(text)
            if href:
                block.hrefs.setdefault(label, href)
    return blocks


class EvropskaSredstvaSpider(FundingSpider):
    name = "evropska_sredstva"
    host = "evropskasredstva.si"
    allowed_domains = ["evropskasredstva.si"]
    start_paths = ("/razpisi/aktualen", "/razpisi/napovedan")
    id_prefix = "eusr"

    def parse(self, response: Response) -> Iterator[Any]:
        blocks = [b for b in read_blocks(visible_lines(response)) if b.facts and b.title]
        if not blocks:
            self.layout_unrecognised(response, "calls: a status word, a title and labelled facts")
            return
        for block in blocks:
            yield self._parse_block(response, block)
        # The list's own next-page link, if it has one (WordPress marks it rel="next").
        next_page = response.css('a[rel~="next"]::attr(href), link[rel~="next"]::attr(href)').get()
        if next_page:
            yield self.request(response.urljoin(next_page), self.parse)

    def _parse_block(self, response: Response, block: Block) -> dict[str, Any]:
        title = clean_text([" ".join(block.title)])
        status = STATUSES[block.status]
        published = parse_date(block.fact("Datum objave javnega razpisa"))
        text = clean_text([title, *(f"{label}: {' '.join(values)}" for label, values in block.facts.items())])
        # Restore the site's spelling of the labels in the text the extractor reads.
        for label in LABELS:
            text = re.sub(rf"^{re.escape(label.lower())}:", f"{label}:", text, flags=re.MULTILINE)
        url = self._parse_url(response, block)
        # The call's own page on this site names it for good; else its title does.
        own_page = block.title_href and self.public_url(url).startswith(f"https://{self.host}/")
        return self.call(
            response,
            url=url,
            text=text,
            id=self.page_id(url) if own_page else f"{self.id_prefix}-{slug(title)}",
            title=title,
            publisher=block.fact("Razpisovalec") or None,
            programme=block.fact("Program EU") or None,
            programme_period="2021-2027",
            eu_funded=True,
            source_status=status,
            budget_eur=parse_amount(block.fact("Razpisana vrednost")),
            deadlines=sorted({d.value for d in find_dates(block.fact("Rok za prijavo na javni razpis"))}),
            published_on=published,
            # An announced call opens on its day of publication.
            opens_on=published if status == "forthcoming" else None,
            summary=block.fact("Namen") or None,
            evidence={
                "budget_eur": block.fact("Razpisana vrednost"),
                "deadlines": block.fact("Rok za prijavo na javni razpis"),
                "source_status": block.status,
            },
        )

    def _parse_url(self, response: Response, block: Block) -> str:
        """The call's own page: the title's link, else the address shown under "Povezava do strani"."""
        if block.title_href:
            return response.urljoin(block.title_href)
        shown = URL_RE.search(block.fact("Povezava do strani"))
        if shown:
            return shown.group(0)
        return block.hrefs.get("povezava do strani") or response.url
