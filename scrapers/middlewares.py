"""Downloader middleware that keeps Slovenian letters intact when a page lies about its encoding."""

from __future__ import annotations

from scrapy.http import Response, TextResponse


class Utf8FirstMiddleware:
    """Decode a page as UTF-8 when its bytes are valid UTF-8 but it declares another charset.

    Sites that moved to UTF-8 often keep an old `<meta charset=windows-1250>`; trusting it turns
    "občine" into "obÄŤine". Non-ASCII text in a legacy 8-bit charset is almost never valid UTF-8,
    so a body that decodes cleanly is UTF-8 whatever it declares.
    """

    def process_response(self, request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or response.encoding.lower().replace("-", "") == "utf8":
            return response
        body = response.body
        if body.isascii():
            return response
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return response
        return response.replace(encoding="utf-8")
