"""Uradni list RS, Razglasni del: the legal record of calls and their amendments, walked by notice id.

No listing page of the Razglasni del is known (reference real_structure.md §1), but each notice
has a page at `/glasilo-uradni-list-rs/vsebina/{YYYY}{issue:04d}{item:05d}` (the slug after it is
optional). So the spider walks: items 1, 2, … of an issue until MISS_RUN ids in a row do not
exist, then the next issue. Not every issue number has a Razglasni del (it appears as a rule on
Fridays; the other issues carry only laws), so an issue whose first item is missing is skipped
for up to ISSUE_LOOKAHEAD issues (STALE_LOOKAHEAD once no new issue has been found for three
weeks) before the walk decides nothing newer is out yet; issue numbers restart each year, so a
walk of a past year that runs out goes on with the next year's issues.

The walk was chosen over reading the issue PDF: notice pages give each notice's text on its own,
in reading order and with its Slovenian letters, while the PDF stores text column by column with
running headers inside paragraphs (real_structure.md §1, "PDF quirks"); an id walk also resumes
at any item, which makes a backfill a series of short runs.

`crawl_state` (kept by the crawl-state extension, saved only when a run passes) remembers where
the walk stopped, and the last few calls found, which each run reads again (a run with no new
issue still proves the notice pages read as before). `-a since=YYYY-MM-DD` (`fundscout crawl
uradni_list --since 2014-01-01`) walks from that day's year, skipping issues older than it, for
at most TIME_BUDGET_SHARE of the crawl timeout a run; the next run with the same `since` resumes
where it stopped, until it meets the daily walk's position.

Only calls are kept: a notice whose opening lines name it a javni razpis, javni poziv, (javno)
povabilo, natečaj or a change to one; job vacancies and everything else in the Razglasni del
are left. Since 1 March 2026 Eko sklad publishes its calls only on its own site (spider
`eko_sklad`), so Uradni list no longer has them.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any, NamedTuple

from scrapy.http import Response

from fundscout.extract.dates import parse_date
from scrapers.spiders.base import FundingSpider, clean_text, page_text

NOTICE_PATH = "/glasilo-uradni-list-rs/vsebina/"
MISS_RUN = 3  # missing ids in a row that end an issue (a withdrawn item may leave a single gap)
ISSUE_LOOKAHEAD = 5  # issue numbers without a Razglasni del tried before the walk stops
# The Razglasni del comes out weekly: when the last issue the daily walk found is older than this,
# a longer run of issue numbers is tried (and a warning logged), so a long gap cannot stall it.
STALE_AFTER = dt.timedelta(days=21)
STALE_LOOKAHEAD = 25
# A run stops walking after this share of the crawl timeout (CLOSESPIDER_TIMEOUT), so it finishes,
# passes the gate and saves its position; `-a budget=N` caps the walk at N pages instead.
TIME_BUDGET_SHARE = 0.75
FIRST_RUN_DAYS = 90  # without a stored position or `since`, the walk starts this many days back
# ... except on a local copy of the site (sample site, fixtures), a fixed set of notices whatever
# the day: there a first run walks it from the start of the 2014–2020 programme.
COPY_START = dt.date(2014, 1, 1)
RECENT_CALLS = 5  # calls found last, read again each run

NOTICE_NUMBER = re.compile(r"\bOb-(\d{1,5})/(\d{2})\b")
# "Ob-3245/17, Stran 2550", "Št. 093-40/2018/18 Ob-3512/18, Stran 2640", "… Ob-5947/11 , Stran 3062".
HEADER_LINE = re.compile(r"^(?:Št\.\s*\S+(?:\s+\S+)?\s+)?Ob-\d{1,5}/\d{2}\s*(?:,\s*Stran\s+\d+)?\s*$", re.MULTILINE)
ISSUE_LINE = re.compile(
    r"Uradni list RS, št\. (?P<no>\d{1,3})/(?P<year>\d{4}) z dne (?P<date>\d{1,2}\. ?\d{1,2}\. ?\d{4})"
)
AMENDMENT_HEADING = re.compile(r"^\s*Sprememb[ae]\b", re.MULTILINE)
# The kinds of call a notice may open with, or an amendment of one: "javni razpis", "javni poziv
# 56SUB-…", "javno povabilo", "povabilo k oddaji …", "javni natečaj", "spremembo javnega razpisa".
_CALL_KIND = (
    r"(?:sprememb\w*|popravek|popravk\w*|dopolnit\w*|podaljšanj\w*)?\s*"
    r"(?:javn\w*\s+(?:razpis\w*|poziv\w*|povabil\w*|natečaj\w*)|povabil\w*\s+k\s+\w+|razpis\w*\s+za\s+(?:sofinanc|dodel|financ|izbor|podel)\w*)"
)
CALL_OPENING = re.compile(
    rf"^\s*{_CALL_KIND}|\bobjavlja\s+(?:\w+\s+){{0,2}}?{_CALL_KIND}", re.IGNORECASE | re.MULTILINE
)
# Job vacancies ("javni natečaj za zasedbo uradniškega delovnega mesta", "razpis za ravnatelja").
VACANCY = re.compile(r"delovn\w+\s+mest|uradnišk|ravnatelj|direktorj|zasedb\w+", re.IGNORECASE)
OPENING_LINES = 12  # lines after the header that the kind of notice is read from


class Notice(NamedTuple):
    text: str  # issue line, header line and body, as the extractor reads them
    body: str
    issue_date: dt.date | None


def notice_id(year: int, issue: int, item: int) -> str:
    """The 13-digit notice id: `2017005800027` is 2017, issue 58, item 27."""
    return f"{year}{issue:04d}{item:05d}"


def is_call_notice(body: str) -> bool:
    """Whether a notice's opening lines name it a call (or a change to one), not a vacancy or other notice."""
    opening = "\n".join(body.splitlines()[:OPENING_LINES])
    for match in CALL_OPENING.finditer(opening):
        line_end = opening.find("\n", match.end())
        named = opening[match.start() : line_end if line_end >= 0 else None]
        if not VACANCY.search(named):
            return True
    return False


class UradniListSpider(FundingSpider):
    name = "uradni_list"
    host = "www.uradni-list.si"
    allowed_domains = ["www.uradni-list.si"]
    id_prefix = "ul"
    # The walk bounds itself (missing ids, issue lookahead, BUDGET): a chain of pages is deep by
    # nature, and most items of an issue are not calls, so the generic fuses would cut it short.
    custom_settings = {"DEPTH_LIMIT": 0, "CLOSESPIDER_PAGECOUNT_NO_ITEM": 0}

    def __init__(self, *args: Any, since: str | None = None, budget: str | int | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.since = dt.date.fromisoformat(since) if since else None
        self.budget = int(budget) if budget else None
        self.started = time.monotonic()
        self.walked = 0
        self.caught_up = False
        self.lookahead = ISSUE_LOOKAHEAD
        self.walk_since: dt.date | None = None

    # --- where the walk starts and stops ----------------------------------------------------

    @property
    def state(self) -> dict[str, Any]:
        """The stored walk position (`crawl_state`, set by the state extension when the spider opens);
        a dict of this run's own when no such extension is loaded."""
        stored = getattr(self, "crawl_state", None)
        if stored is None:
            stored = self.__dict__.setdefault("_run_state", {})
        return stored

    async def start(self) -> AsyncIterator[Any]:
        for id13 in self.state.get("recent", []):
            yield self.request(NOTICE_PATH + id13, self.parse_recheck, meta={"handle_httpstatus_list": [404, 410]})
        frontier = self.state.get("next")
        backfill = self.state.get("backfill") or {}
        if self.since and backfill.get("since") == self.since.isoformat():
            position, since = backfill["next"], self.since  # a backfill under way: resume it
        elif self.since:
            position, since = {"year": self.since.year, "issue": 1, "item": 1}, self.since
        elif frontier:
            position, since = frontier, None
        else:
            since = COPY_START if self._on_copy else dt.date.today() - dt.timedelta(days=FIRST_RUN_DAYS)
            position = {"year": since.year, "issue": 1, "item": 1}
        self.walk_since = since
        self.lookahead = ISSUE_LOOKAHEAD
        last_found = self.state.get("last_issue_date")
        if not self.since and last_found and not self._on_copy:
            quiet = dt.date.today() - dt.date.fromisoformat(last_found)
            if quiet > STALE_AFTER:
                self.logger.warning(
                    "no new Razglasni del found since %s: trying %d issue numbers", last_found, STALE_LOOKAHEAD
                )
                self.lookahead = STALE_LOOKAHEAD
        self._save_position(position)
        year, issue, item = position["year"], position["issue"], position["item"]
        # At item 1 the issue is not known to exist: look for the next one from it.
        first = self._probe(year, issue, first=issue) if item == 1 else self._walk(year, issue, item, misses=0)
        if first is not None:
            yield first

    @property
    def _on_copy(self) -> bool:
        """A local copy of the site (sample site, fixtures): its notices are a fixed set, its dates not today's."""
        return self.site_url != f"https://{self.host}"

    def _save_position(self, position: dict[str, int]) -> None:
        """Where the next run goes on: the daily walk's position, or the backfill's while one runs."""
        if self.since:
            self.state["backfill"] = {"since": self.since.isoformat(), "next": position}
            frontier = self.state.get("next")
            if frontier and (position["year"], position["issue"]) >= (frontier["year"], frontier["issue"]):
                self.state.pop("backfill")  # the backfill has reached the daily walk: done
                self.caught_up = True
        else:
            self.state["next"] = position

    def _finish_walk(self, position: dict[str, int]) -> None:
        """Nothing newer is out: a backfill without a daily position becomes it."""
        if self.since:
            self.state.pop("backfill", None)
            self.state.setdefault("next", position)
        else:
            self.state["next"] = position

    # --- the walk ---------------------------------------------------------------------------

    def _page(self, year: int, issue: int, item: int, callback, **meta: Any):
        self.walked += 1
        meta.update(year=year, issue=issue, item=item, handle_httpstatus_list=[404, 410])
        return self.request(NOTICE_PATH + notice_id(year, issue, item), callback, meta=meta)

    def _may_go_on(self, year: int, issue: int, item: int) -> bool:
        if self.caught_up:
            self.logger.info("the backfill has reached the daily walk at %s", notice_id(year, issue, item))
            return False
        timeout = self.settings.getfloat("CLOSESPIDER_TIMEOUT")
        out_of_time = timeout and time.monotonic() - self.started > TIME_BUDGET_SHARE * timeout
        if out_of_time or (self.budget is not None and self.walked >= self.budget):
            self.logger.info(
                "walk stops at %s after %d pages; the next run goes on", notice_id(year, issue, item), self.walked
            )
            return False
        return True

    def _walk(self, year: int, issue: int, item: int, misses: int):
        if not self._may_go_on(year, issue, item):
            return None
        return self._page(year, issue, item, self.parse_walk, misses=misses)

    def _probe(self, year: int, issue: int, first: int):
        """Item 1 of `issue`, looking for the next issue that has a Razglasni del."""
        if issue - first >= self.lookahead:
            if year < dt.date.today().year:  # a past year has run out: its successor's issues start at 1
                return self._probe(year + 1, 1, first=1)
            self.logger.info("no newer issue after %d/%d yet", first - 1, year)
            self._finish_walk({"year": year, "issue": first, "item": 1})
            return None
        if not self._may_go_on(year, issue, 1):
            return None
        return self._page(year, issue, 1, self.parse_probe, first=first)

    def parse_probe(self, response: Response) -> Iterator[Any]:
        year, issue, first = response.meta["year"], response.meta["issue"], response.meta["first"]
        text = self._exists(response)
        if text is None:
            yield self._probe(year, issue + 1, first)
            return
        yield from self._read(response, text)

    def parse_walk(self, response: Response) -> Iterator[Any]:
        year, issue, item = response.meta["year"], response.meta["issue"], response.meta["item"]
        text = self._exists(response)
        if text is not None:
            yield from self._read(response, text)
            return
        misses = response.meta["misses"] + 1
        if misses < MISS_RUN:
            yield self._walk(year, issue, item + 1, misses)
            return
        self._save_position({"year": year, "issue": issue + 1, "item": 1})  # the issue is complete
        yield self._probe(year, issue + 1, first=issue + 1)

    def _read(self, response: Response, text: str) -> Iterator[Any]:
        """An existing notice: keep it if it is a call, then go on with the next item."""
        year, issue, item = response.meta["year"], response.meta["issue"], response.meta["item"]
        notice = self._notice(response, text)
        if notice is not None:
            if self.walk_since and notice.issue_date and notice.issue_date < self.walk_since:
                self._save_position({"year": year, "issue": issue + 1, "item": 1})
                yield self._probe(year, issue + 1, first=issue + 1)  # the whole issue is older
                return
            if notice.issue_date and not self.since:
                self.state["last_issue_date"] = max(
                    notice.issue_date.isoformat(), self.state.get("last_issue_date", "")
                )
            call = self._call(response, notice)
            if call is not None:
                self._remember(notice_id(year, issue, item))
                yield call
        self._save_position({"year": year, "issue": issue, "item": item + 1})
        yield self._walk(year, issue, item + 1, misses=0)

    def parse_recheck(self, response: Response) -> Iterator[Any]:
        """A call read on an earlier run: it must still be there and still read as a call."""
        text = self._exists(response)
        notice = self._notice(response, text) if text is not None else None
        if notice is None:
            self.layout_unrecognised(response, "the notice page read on an earlier run")
            return
        call = self._call(response, notice)
        if call is None:
            self.layout_unrecognised(response, "the call read on an earlier run")
            return
        yield call

    def _remember(self, id13: str) -> None:
        recent = [i for i in self.state.get("recent", []) if i != id13] + [id13]
        self.state["recent"] = recent[-RECENT_CALLS:]

    # --- one notice page ----------------------------------------------------------------------

    def _exists(self, response: Response) -> str | None:
        """The page's text when it is a gazette page: not a 404, a redirect elsewhere or a soft 404
        (a 200 without any gazette text)."""
        id13 = response.url.split(NOTICE_PATH, 1)[-1][:13]
        if response.status != 200 or NOTICE_PATH not in response.url or not id13.isdigit():
            return None
        text = page_text(response)
        if not ISSUE_LINE.search(text) and not NOTICE_NUMBER.search(text):
            self.crawler.stats.inc_value("uradni_list/soft_404")
            return None
        return text

    def _notice(self, response: Response, text: str) -> Notice | None:
        """The notice on a gazette page, or None (a layout error) when it shows no notice header."""
        issue_line = response.css(".slider-item--ul-issue-text__content").xpath("string()").get("")
        issue = ISSUE_LINE.search(issue_line) or ISSUE_LINE.search(text)
        header = clean_text([response.css("h2.ul-content-title").xpath("string()").get("")])
        body = clean_text(response.css(".esegment_h4, .esegment_p").xpath("string()").getall())
        if not (HEADER_LINE.fullmatch(header) and body):
            # Unknown markup: the notice starts at its header line, wherever the page puts it.
            lines = text.splitlines()
            start = next((i for i, line in enumerate(lines) if HEADER_LINE.fullmatch(line)), None)
            if start is None:
                self.layout_unrecognised(response, "a notice header line `Ob-NNNN/YY, Stran N`")
                return None
            header, body = lines[start], "\n".join(lines[start + 1 :])
            self.crawler.stats.inc_value("uradni_list/read_by_header_line")
        return Notice(
            clean_text([issue.group(0) if issue else "", header, *body.splitlines()]),
            body,
            parse_date(issue["date"]) if issue else None,
        )

    def _call(self, response: Response, notice: Notice) -> dict[str, Any] | None:
        """The call item of a notice, or None when the notice is not a call."""
        text = notice.text
        own_number = NOTICE_NUMBER.search(text)
        if own_number is None or not is_call_notice(notice.body):
            return None
        meta = response.meta
        item = self.call(response, text=text)
        item.setdefault("gazette_issue", f"{meta['issue']}/{meta['year']}" if "issue" in meta else None)
        item["id"] = self._parse_id(item, own_number)
        if AMENDMENT_HEADING.search(notice.body):
            item["call_type"] = "amendment"
            item["amends"] = self._parse_amends(text, own_number.group(0))
        return {k: v for k, v in item.items() if v is not None}

    def _parse_id(self, item: dict[str, Any], number: re.Match[str]) -> str:
        """`ul-2019-069-ob-3445-19`: year and issue of the gazette, then the notice number."""
        issue, _, year = (item.get("gazette_issue") or "0/20" + number.group(2)).partition("/")
        return f"{self.id_prefix}-{year}-{int(issue):03d}-ob-{number.group(1)}-{number.group(2)}"

    def _parse_amends(self, text: str, own_number: str) -> str | None:
        """The notice number the amendment cites (its own number is in its header)."""
        cited = [m.group(0) for m in NOTICE_NUMBER.finditer(text) if m.group(0) != own_number]
        return cited[0] if cited else None
