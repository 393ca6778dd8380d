"""Scraped text is data: make it safe to put in a spreadsheet cell, an e-mail or a link.

Excel cells are always written with the string type by the workbook builder, so a title starting
with `=`, `+`, `-` or `@` stays text; this module removes what XML and Excel cannot hold
(control characters, lone surrogates) and cuts over-long text with a visible marker.
"""

from __future__ import annotations

import functools
import re

# Excel's own limit for one cell; the builder uses smaller limits per column.
EXCEL_CELL_LIMIT = 32_767
# Excel ignores hyperlinks whose target is longer than this.
URL_LIMIT = 2_079
CUT_MARKERS = {"sl": " … [skrajšano]", "en": " … [truncated]"}

# C0 controls except tab, newline and carriage return; DEL and C1 controls; lone surrogates and
# the two non-characters XML forbids.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\r\n]+")
_NOT_IN_URL = re.compile("[\\s\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: object, limit: int = EXCEL_CELL_LIMIT, lang: str = "sl", *, one_line: bool = False) -> str:
    """`value` as a string without control characters, at most `limit` characters long.

    Text that had to be cut ends with a marker ("… [skrajšano]") so a reader sees it is not whole.
    """
    if value is None:
        return ""
    text = _UNWANTED.sub("", str(value))
    if one_line:
        text = _SPACES.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    marker = CUT_MARKERS.get(lang, CUT_MARKERS["en"])
    return text[: max(limit - len(marker), 0)].rstrip() + marker


# An absolute http(s) URL with a host name: the only kind of link a digest makes.
_HTTP_URL = re.compile(r"https?://[^/?#@:\[\]]+(?::\d{1,5})?(?:[/?#].*)?", re.IGNORECASE | re.DOTALL)


@functools.lru_cache(maxsize=16_384)
def _checked_url(url: str) -> str | None:
    if not url or len(url) > URL_LIMIT or _NOT_IN_URL.search(url) or not _HTTP_URL.fullmatch(url):
        return None
    return url


def safe_url(value: object) -> str | None:
    """The URL if it is a plain http(s) link fit for a hyperlink, else None (never javascript:)."""
    if not isinstance(value, str):
        return None
    return _checked_url(value.strip())
