"""The Airflow UI in the project's time zone (FUNDSCOUT_TIMEZONE, Europe/Ljubljana by default).

Airflow 3's UI shows times in the zone kept in the browser's localStorage ("timezone"), which
starts as the browser's own zone; `default_timezone` does not reach it. This root middleware adds
a line to the UI's HTML pages that sets the project's zone when the browser has none chosen yet, so
an operator sees Ljubljana time from the first visit and may still pick another zone in the UI.
"""

from __future__ import annotations

import json

from airflow.plugins_manager import AirflowPlugin

from fundscout.config import settings

# Apps mounted in the API server that serve their own pages (the review app) are left alone.
SKIPPED_PREFIXES = ("/review", "/api/", "/execution/", "/static/")


class DefaultUiTimezone:
    """ASGI middleware: inject the default-time-zone script into the UI's HTML pages."""

    def __init__(self, app, zone: str | None = None):
        self.app = app
        zone = zone or settings().timezone.key
        script = (
            "<script>try{if(!localStorage.getItem('timezone'))"
            f"localStorage.setItem('timezone',{json.dumps(json.dumps(zone))})}}catch(e){{}}</script>"
        )
        self.script = script.encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith(SKIPPED_PREFIXES):
            await self.app(scope, receive, send)
            return
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if not headers.get(b"content-type", b"").startswith(b"text/html"):
                    start["pass"] = True
                    await send(message)
                    return
                start.update(message)
                return
            if start.get("pass") or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks).replace(b"<head>", b"<head>" + self.script, 1)
            headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


class FundScoutTimezonePlugin(AirflowPlugin):
    name = "fundscout_timezone"
    fastapi_root_middlewares = [{"middleware": DefaultUiTimezone, "name": "FundScout default UI time zone"}]
