"""evropskasredstva.si: the 2021–2027 cohesion portal; each call is a card of labelled fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from fundscout.extract.amounts import parse_amount
from fundscout.extract.dates import parse_date
from scrapers.spiders.base import FundingSpider, clean_text

STATUSES = ("Aktualno", "Napovedano", "Zaključeno")


class EvropskaSredstvaSpider(FundingSpider):
    name = "evropska_sredstva"
    host = "evropskasredstva.si"
    allowed_domains = ["evropskasredstva.si"]
    start_paths = ("/razpisi/aktualen/", "/razpisi/napovedan/")
    id_prefix = "eusr"

    def parse(self, response: Response) -> Iterator[dict[str, Any]]:
        cards = response.css("article.razpis")
        if not cards:
            self.layout_unrecognised(response, "article.razpis cards")
            return
        for card in cards:
            labels = self._labels(card)
            if card.css(".razpis-status::text").get("").strip() not in STATUSES or not labels:
                self.layout_unrecognised(response, "a card with a status word and labelled fields")
                continue
            link = card.css("h2 a::attr(href)").get()
            text = clean_text(f"{label}: {value}" for label, value in labels.items())
            yield self.call(
                response,
                url=response.urljoin(link),
                text=text,
                id=self.page_id(link),
                title=card.css("h2 a").xpath("string()").get("").strip(),
                publisher=labels.get("Razpisovalec"),
                programme=labels.get("Program EU"),
                programme_period="2021-2027",
                eu_funded=True,
                budget_eur=self._parse_budget(labels),
                deadlines=self._parse_deadlines(labels),
                published_on=parse_date(labels.get("Datum objave javnega razpisa", "")),
                summary=labels.get("Namen"),
                evidence={
                    "budget_eur": labels.get("Razpisana vrednost", ""),
                    "deadlines": labels.get("Rok za prijavo na javni razpis", ""),
                },
            )

    def _labels(self, card) -> dict[str, str]:
        """{label: value} of the card's definition list."""
        terms = [t.xpath("string()").get().strip().rstrip(":") for t in card.css("dl dt")]
        values = [clean_text([d.xpath("string()").get()]) for d in card.css("dl dd")]
        return dict(zip(terms, values, strict=False))

    def _parse_budget(self, labels: dict[str, str]) -> float | None:
        return parse_amount(labels.get("Razpisana vrednost", ""))

    def _parse_deadlines(self, labels: dict[str, str]) -> list:
        deadline = parse_date(labels.get("Rok za prijavo na javni razpis", ""))
        return [deadline] if deadline else []
