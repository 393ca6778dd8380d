"""The review web app (FastAPI, server-rendered): log in, list and read briefs, comment, decide.

Every page but the login form needs a logged-in user; every POST needs the session's CSRF token.
All links and redirects come from `request.url_for`, so the app also works mounted under a path
prefix (the Airflow UI plugin mounts it at `/review`). The routes live in one module per area;
handlers are plain functions, which FastAPI runs in a thread pool, so store work does not hold up
the event loop.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from fundscout.config import TEMPLATES_DIR, secret_key, settings
from web import audit, auth, briefs, feeds, finder, firms, unsubscribe
from web.deps import NotLoggedIn, language, page
from web.i18n import PAGES

SESSION_HOURS = 8
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'self'; base-uri 'none'"
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
    )
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR / "review"))  # autoescapes .html
    zone = settings().timezone
    templates.env.filters["local"] = lambda at: _local_time(at, zone)
    app.state.database_url = database_url
    app.state.templates = templates
    app.state.login_limiter = auth.LoginLimiter()
    app.middleware("http")(_security_headers)
    app.add_exception_handler(NotLoggedIn, _to_login)
    app.add_exception_handler(briefs.BriefNotFound, _not_found)
    for area in (auth, briefs, audit, unsubscribe, finder, feeds, firms):
        app.include_router(area.router)
    return app


async def _security_headers(request: Request, call_next: Any) -> Response:
    response = await call_next(request)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


async def _to_login(request: Request, _exc: Exception) -> Response:
    if request.method == "GET":
        return RedirectResponse(request.url_for("login_form"), status_code=303)
    return HTMLResponse("login required", status_code=401)


async def _not_found(request: Request, _exc: Exception) -> Response:
    return page(request, "message.html", 404, user=None, message=PAGES[language(request)]["not_found"])


def _local_time(at: dt.datetime, zone: ZoneInfo) -> str:
    """A stored UTC time (SQLite returns it naive) as local wall-clock time."""
    aware = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return aware.astimezone(zone).strftime("%Y-%m-%d %H:%M")
