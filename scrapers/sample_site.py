"""The bundled sample site: each source's pages served on 127.0.0.1 for offline crawls.

One small threaded HTTP server per source host, each on its own loopback port, so a spider's
root-relative links work exactly as on the real site. Pages come from a folder tree (test
fixtures: `<host>/<path>`, `index.html` for a folder, `@` standing for `?`, `.html`/`.json`
dropped from the URL) or are rendered from `data/sample_site/calls.yaml` with the templates
in `data/sample_site/templates/<host>/` (the demo's several dozen calls). Every page answers
with an ETag and honours `If-None-Match` with a 304, as a well-run web server does, so the
incremental crawl can be measured against it (benchmarks/crawl_incremental.py).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from fundscout.config import DATA_DIR

SAMPLE_SITE_DIR = DATA_DIR / "sample_site"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()


Site = dict[str, Page]  # request key (path plus "?query") -> page


def page_key(target: str) -> str:
    """`/a/b?x=1` -> `/a/b?x=1` with the query unquoted, so `***` and `%2A%2A%2A` are one page."""
    parts = urlsplit(target)
    return parts.path + (f"?{unquote(parts.query)}" if parts.query else "")


def read_site_dir(root: Path) -> Site:
    """The pages of one host from a folder tree (see the module docstring for the naming)."""
    site: Site = {}
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = file.relative_to(root).as_posix().replace("@", "?")
        suffix = file.suffix if "?" not in file.name else Path(rel.split("?", 1)[1]).suffix
        content_type = CONTENT_TYPES.get(suffix, "application/octet-stream")
        if rel.endswith("index.html"):
            rel = rel.removesuffix("index.html")
        elif suffix in (".html", ".json"):
            rel = rel.removesuffix(suffix)
        site["/" + rel] = Page(file.read_bytes(), content_type)
    return site


def read_sites_dir(root: Path) -> dict[str, Site]:
    """Every host folder below `root` (a spider's fixture folder) as {host: pages}."""
    return {d.name: read_site_dir(d) for d in sorted(root.iterdir()) if d.is_dir()}


class SiteHandler(BaseHTTPRequestHandler):
    """Serves one host's pages; unknown paths get a 404. Subclasses may override `page()`."""

    site: Site = {}
    server_version = "FundScoutSample/1.0"

    def page(self, key: str) -> Page | None:
        return self.site.get(key)

    def _respond(self, send_body: bool) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)  # the search API is POSTed to; the form fields do not matter here
        page = self.page(page_key(self.path)) or Page(b"<h1>404 Not Found</h1>", status=404)
        etag = f'"{hashlib.sha256(page.body).hexdigest()[:20]}"'
        if page.status == 200 and etag in (self.headers.get("If-None-Match") or ""):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(page.status)
        if page.status == 200:
            self.send_header("ETag", etag)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(page.body)))
        for name, value in page.headers:
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(page.body)

    def do_GET(self) -> None:
        self._respond(True)

    def do_POST(self) -> None:
        self._respond(True)

    def do_HEAD(self) -> None:
        self._respond(False)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the crawl log already records every request


@contextmanager
def serve_sites(sites: Mapping[str, Site], handler: type[SiteHandler] = SiteHandler) -> Iterator[dict[str, str]]:
    """Serve each host's pages on its own loopback port; yields {host: "http://127.0.0.1:PORT"}."""
    servers: list[ThreadingHTTPServer] = []
    origins: dict[str, str] = {}
    try:
        for host, site in sites.items():
            host_handler = type(f"{handler.__name__}_{len(servers)}", (handler,), {"site": site})
            server = ThreadingHTTPServer(("127.0.0.1", 0), host_handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            origins[host] = f"http://127.0.0.1:{server.server_address[1]}"
        yield origins
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


# --- the bundled sample site, rendered from data --------------------------------------------------


def _environment(host_dir: Path) -> Environment:
    """Templates of one host, which may import the shared ones one folder up."""
    env = Environment(
        loader=FileSystemLoader([host_dir, host_dir.parent]),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html"], default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _pages(env: Environment, spec: dict[str, Any], calls: list[dict[str, Any]]) -> Iterator[tuple[str, Page]]:
    """The pages of one entry of site.yaml: one per call, one per listing page, or a single page."""
    template = env.get_template(spec["template"])
    content_type = CONTENT_TYPES[Path(spec["template"]).suffixes[0]]
    calls = [c for c in calls if all(c.get(k) == v for k, v in spec.get("where", {}).items())]
    context = spec.get("context", {})
    if spec.get("each") == "call":
        for call in calls:
            yield spec["path"].format(**call), Page(template.render(call=call, **context).encode(), content_type)
        return
    per_page = spec.get("per_page") or max(len(calls), 1)
    chunks = [calls[i : i + per_page] for i in range(0, len(calls), per_page)] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        numbers = {"page": number, "pages": len(chunks), "total": len(calls), "offset": (number - 1) * per_page}
        path = spec.get("first_path", spec["path"]) if number == 1 else spec["path"]
        headers = tuple((k, str(v).format(**numbers)) for k, v in spec.get("headers", {}).items())
        body = template.render(calls=chunk, **numbers, **context).encode()
        yield path.format(**numbers), Page(body, content_type, headers=headers)


def render_sample_sites(root: Path = SAMPLE_SITE_DIR) -> dict[str, Site]:
    """Render the sample site: `site.yaml` lists each host's pages, `calls.yaml` each host's calls."""
    spec = yaml.safe_load((root / "site.yaml").read_text(encoding="utf-8"))
    calls = yaml.safe_load((root / "calls.yaml").read_text(encoding="utf-8"))
    sites: dict[str, Site] = {}
    for host, entries in spec.items():
        env = _environment(root / "templates" / host)
        sites[host] = {
            page_key(path): page for entry in entries for path, page in _pages(env, entry, calls.get(host, []))
        }
    return sites
