"""EuroAccess: one table of calls from many European programmes, filtered to Slovenia.

Structure of the real site (reference real_structure.md §8, from saved pages): the listing
`/en/calls?eu_nuts[]=1507` is one `table#calls-overview` of all calls open to Slovenia, no paging;
each row has four cells (programme in `td.title`, the call link, the deadline `DD.MM.YYYY HH:MM`,
an arrow link). A call page holds `#calldata` with an `h1` title and `div.subtable` blocks of
`div.tr.flex` rows: the label is the first `.td` (`p.title.td`), the value the next `.td`; the
deadline row holds `p[id^="call-opening"]` and `p[id^="call-deadline"]` instead. Each subtable
also carries a commented-out legacy table, which no selector sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from parsel import Selector, SelectorList
from scrapy.http import Response

from fundscout.extract.dates import parse_date
from scrapers.spiders.base import FundingSpider, clean_text

SLOVENIA_NUTS = "1507"  # the listing's `eu_nuts[]` code of "Slovenia (Slovenija)"
DATE_RE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")  # the site's dates: 27.01.2026 (17:00)
PERCENT_RE = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%")
# Closes of block elements: where a cell's text breaks into lines.
BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|li|div|ul|h\d)>", re.IGNORECASE)
# Labels the spider reads into fields (lower-cased); every other row goes into the text as it is.
PROGRAMME, NUMBER, DEADLINES = "funding program", "call number", "deadlines"
SUMMARY, REGIONS, ENTITIES, RATE = (
    "short description",
    "regions / countries for funding",
    "eligible entities",
    "funding rate",
)
KNOWN_LABELS = frozenset(
    {
        PROGRAMME,
        NUMBER,
        DEADLINES,
        SUMMARY,
        REGIONS,
        ENTITIES,
        RATE,
        "link to the call",
        "link to the submission",
        "call objectives",
        "mandatory partnership",
        "project partnership",
        "estimated eu contribution per project",
        "project duration",
        "relevance for eu macro-region",
        "other eligibility criteria",
        "call documents",
        "topics",
        "additional information",
        "contact",
    }
)
# The regions cell names a whole group instead of each member state; Slovenia belongs to it.
OPEN_TO_SLOVENIA = re.compile(r"\bslovenia\b|\bslovenija\b|\bEU Member States\b", re.IGNORECASE)
# EuroAccess organisation types (the "eligible entities" names) -> fields.APPLICANT_TYPES.
ENTITY_TYPES = (
    (re.compile(r"\bSMEs?\b", re.I), "sme"),
    (re.compile(r"large enterprise", re.I), "large_enterprise"),
    (re.compile(r"enterprise|compan|start-?up|business", re.I), "enterprise"),
    (re.compile(r"public bod|public authorit|local authorit|municipal|\bcit(?:y|ies)\b|region", re.I), "municipality"),
    (re.compile(r"research|universit", re.I), "research_org"),
    (re.compile(r"education|training|school", re.I), "public_institute"),
    (re.compile(r"\bNGOs?\b|\bNPOs?\b|non-?profit|civil society", re.I), "ngo"),
    (re.compile(r"association|club", re.I), "association"),
    (re.compile(r"natural person|individual", re.I), "natural_person"),
)
FUNDS_BY_PROGRAMME = (("interreg", "INTERREG"), ("horizon", "HORIZON"), (r"\blife\b", "LIFE"))


def cell_text(cell: Selector | SelectorList) -> str:
    """A value cell as text, one line per paragraph, list item or `<br>`; "read more" buttons dropped."""
    html = BLOCK_END.sub("\n", cell.get() or "")
    text = Selector(text=f"<div>{html}</div>")
    for button in text.css("p.readmore"):
        button.drop()
    return clean_text(text.xpath("string(/html/body/div)").get("").splitlines())


class EuroAccessSpider(FundingSpider):
    name = "euro_access"
    host = "www.euro-access.eu"
    allowed_domains = ["www.euro-access.eu"]
    start_paths = (f"/en/calls?eu_nuts[]={SLOVENIA_NUTS}&sent=search",)
    id_prefix = "euroaccess"

    def parse(self, response: Response) -> Iterator[Any]:
        table = response.css("table#calls-overview")
        if not table:
            self.layout_unrecognised(response, "a table#calls-overview of calls")
            return
        for row in table.css("tbody tr"):
            cells = row.xpath("./td")
            link = cells[1].css("a[href]") if len(cells) >= 3 else None
            if not link:
                self.layout_unrecognised(response, "rows of programme, call link and deadline cells")
                continue
            # The third cell is the deadline; the last one only holds an arrow link.
            listed = {
                "programme": clean_text([cells[0].xpath("string()").get("")]),
                "title": clean_text([link.xpath("string()").get("")]) or link.attrib.get("title", ""),
                "deadline": clean_text([cells[2].xpath("string()").get("")]),
            }
            yield self.request(
                link.attrib["href"],
                self.parse_call,
                base=response,
                meta={"listing_entry": " | ".join(listed.values())},
                cb_kwargs={"listed": listed},
            )

    def parse_call(self, response: Response, listed: dict[str, str]) -> Iterator[dict[str, Any]]:
        calldata = response.css("#calldata")
        data, shown, opening, deadline = self._key_data(calldata)
        if not calldata or not KNOWN_LABELS & data.keys():
            self.layout_unrecognised(response, "#calldata with div.tr.flex rows of known labels")
            return
        # The listing is filtered to Slovenia already; a page that names its regions must agree.
        regions = data.get(REGIONS, "")
        if regions and not OPEN_TO_SLOVENIA.search(regions):
            self.crawler.stats.inc_value("fundscout/euro_access/not_open_to_slovenia")
            return
        title = clean_text([calldata.css("h1").xpath("string()").get("")]) or listed["title"]
        programme = data.get(PROGRAMME) or listed["programme"]
        deadlines = sorted({d for d in map(parse_date, DATE_RE.findall(deadline or listed["deadline"])) if d})
        text = clean_text([title, *(f"{shown[label]}: {value}" for label, value in data.items() if value)])
        yield self.call(
            response,
            text=text,
            id=self.page_id_from_number(response),
            title=title,
            programme=programme,
            call_type="javni_razpis",  # every entry is a call for proposals
            eu_funded=True,
            programme_period=self._parse_programme_period(programme),
            funds=self._parse_funds(programme),
            deadlines=deadlines,
            opens_on=parse_date(opening) if DATE_RE.search(opening) else None,
            summary=data.get(SUMMARY),
            applicant_types=self._parse_applicants(data.get(ENTITIES, "")),
            cofinancing_rate=self._parse_rate(data.get(RATE, "")),
            evidence={
                "deadlines": deadline or listed["deadline"],
                "opens_on": opening,
                "applicant_types": data.get(ENTITIES, ""),
                "cofinancing_rate": data.get(RATE, ""),
            },
        )

    def page_id_from_number(self, response: Response) -> str:
        """`/en/calls/2382/Danube-Region-…` -> `euroaccess-2382`: the site's own call number."""
        return f"{self.id_prefix}-{response.url.split('/calls/', 1)[1].split('/', 1)[0]}"

    def _key_data(self, calldata: SelectorList) -> tuple[dict[str, str], dict[str, str], str, str]:
        """({lower-cased label: value}, {lower-cased label: label as shown}, opening, deadline) of the rows."""
        data: dict[str, str] = {}
        shown: dict[str, str] = {}
        opening = deadline = ""
        for row in calldata.css("div.subtable > div.tr"):
            cells = row.xpath("./*[contains(concat(' ', normalize-space(@class), ' '), ' td ')]")
            if not cells:
                continue
            shown_label = clean_text([cells[0].xpath("string()").get("")]).rstrip(":")
            label = shown_label.lower()
            shown[label] = shown_label
            if label == DEADLINES:
                opening = cell_text(row.css('p[id^="call-opening"]'))
                deadline = cell_text(row.css('p[id^="call-deadline"]'))
                # "Opening 23.02.2022; Deadline 27.01.2026 17:00, 26.01.2027 17:00"
                data[label] = "; ".join(
                    f"{lines[0]} {', '.join(lines[1:])}".strip()
                    for lines in (opening.splitlines(), deadline.splitlines())
                    if lines
                )
            elif len(cells) > 1:
                links = cells[1].css("a[href]::attr(href)").getall()
                value = cell_text(cells[1])
                # Link rows show only the domain; the address itself is the fact.
                data[label] = " ".join(links) if label.startswith("link to") and links else value
        return data, shown, opening, deadline

    def _parse_programme_period(self, programme: str) -> str | None:
        """Programme names may carry their period: `Interreg Central Europe 2021-2027`."""
        return next((p for p in ("2021-2027", "2014-2020") if p in programme.replace("–", "-")), None)

    def _parse_funds(self, programme: str) -> list[str]:
        return [next((fund for word, fund in FUNDS_BY_PROGRAMME if re.search(word, programme, re.I)), "OTHER_EU")]

    def _parse_applicants(self, entities: str) -> list[str]:
        """`Education and training institution, Research Institution incl. University` -> codes."""
        codes: list[str] = []
        for name in filter(None, (n.strip() for n in entities.split(","))):
            code = next((c for pattern, c in ENTITY_TYPES if pattern.search(name)), "other")
            if code not in codes:
                codes.append(code)
        return codes

    def _parse_rate(self, rate: str) -> float | None:
        """`70%`, `80 %`, `up to 85 %`: the highest share named."""
        values = [float(v.replace(",", ".")) for v in PERCENT_RE.findall(rate)]
        return max((v for v in values if 0 <= v <= 100), default=None)
