"""The review web app (FastAPI, server-rendered): log in, list and read briefs, comment, decide.

Every page but the login form needs a logged-in user; every POST needs the session's CSRF token.
All links and redirects are paths built by `web.deps.path_for` (never from the Host header), so the
app also works mounted under a path prefix (the Airflow UI plugin mounts it at `/review`). The routes live in one module per area;
handlers are plain functions, which FastAPI runs in a thread pool, so store work does not hold up
the event loop.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from fundscout.config import TEMPLATES_DIR, public_url, secret_key, settings, trusted_proxies
from reports.briefs.i18n import format_date
from web import audit, auth, briefs, feeds, finder, firms, unsubscribe
from web.deps import NotLoggedIn, language, page, path_for, redirect_to
from web.i18n import PAGES
from web.sessions import SESSION_HOURS
from web.timefmt import local_time

STATIC_DIR = Path(__file__).resolve().parent / "static"
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'"
)


def create_app(database_url: str) -> FastAPI:
    """The review app on the store at `database_url` (secret key from FUNDSCOUT_SECRET_KEY)."""
    app = FastAPI(title="FundScout review", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(),
        session_cookie="fundscout_session",
        max_age=SESSION_HOURS * 3600,
        same_site="strict",
        https_only=public_url().startswith("https://"),
    )
    app.add_middleware(SecureCookiesOverHttps)
    if trusted_proxies():  # only these may say who the client is and whether it came over https
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted_proxies())
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR / "review"))  # autoescapes .html
    zone = settings().timezone
    templates.env.filters["local"] = jinja2.pass_context(lambda ctx, at: local_time(at, zone, ctx["lang"]))
    templates.env.filters["date"] = jinja2.pass_context(lambda ctx, day: format_date(day, ctx["lang"]))
    templates.env.globals["url_for"] = _template_path_for
    app.state.database_url = database_url
    app.state.templates = templates
    app.state.login_limiter = auth.LoginLimiter()
    app.state.password_checks = auth.PasswordChecks()
    app.middleware("http")(_security_headers)
    app.add_exception_handler(NotLoggedIn, _to_login)
    app.add_exception_handler(briefs.BriefNotFound, _not_found)
    app.mount("/static", CachedStaticFiles(directory=STATIC_DIR), name="static")
    for area in (auth, briefs, audit, unsubscribe, finder, feeds, firms):
        app.include_router(area.router)
    return app


def server_config(app: ASGIApp, host: str, port: int, *, log_level: str = "info") -> uvicorn.Config:
    """How `fundscout serve` runs the app. Uvicorn itself believes no X-Forwarded-* headers (its
    default trusts any from 127.0.0.1); the app's own middleware does, for FUNDSCOUT_TRUSTED_PROXIES."""
    return uvicorn.Config(app, host=host, port=port, proxy_headers=False, server_header=False, log_level=log_level)


class SecureCookiesOverHttps:
    """Marks every cookie `Secure` on a request that came over https (directly or, from a trusted
    proxy, as X-Forwarded-Proto)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("scheme") != "https":
            await self.app(scope, receive, send)
            return

        async def send_secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (name, value + b"; secure")
                    if name.lower() == b"set-cookie" and b"secure" not in value.lower()
                    else (name, value)
                    for name, value in message["headers"]
                ]
            await send(message)

        await self.app(scope, receive, send_secure)


class CachedStaticFiles(StaticFiles):
    """The stylesheet: cacheable for an hour (pages themselves are never cached)."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response


@jinja2.pass_context
def _template_path_for(context: dict[str, Any], name: str, /, **params: Any) -> str:
    return path_for(context["request"], name, **params)


async def _security_headers(request: Request, call_next: Any) -> Response:
    response = await call_next(request)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


async def _to_login(request: Request, _exc: Exception) -> Response:
    if request.method == "GET":
        return redirect_to(request, "login_form")
    return HTMLResponse("login required", status_code=401)


async def _not_found(request: Request, _exc: Exception) -> Response:
    return page(request, "message.html", 404, user=None, message=PAGES[language(request)]["not_found"])
