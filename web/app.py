"""The review web app (FastAPI, server-rendered): log in, list and read briefs, comment, decide.

Every page but the login form needs a logged-in user; every POST needs the session's CSRF token.
All links and redirects come from `request.url_for`, so the app also works mounted under a path
prefix (the Airflow UI plugin mounts it at `/fundscout`).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.middleware.sessions import SessionMiddleware

from fundscout.config import TEMPLATES_DIR, secret_key, settings
from fundscout.db import session_scope
from fundscout.db.models import AuditLog, Brief, Call, CallDomain, Comment, User
from fundscout.fields import DOMAINS, FIELDS_BY_NAME, vocabulary_label
from fundscout.status import deadline_to_show
from reports.briefs.context import build_context
from reports.briefs.draft import brief_path
from reports.briefs.render import docx_bytes, markdown_to_html
from reports.digest import unsubscribe
from reports.digest.links import BadToken
from web.i18n import ACTION_LABELS, PAGES, STATUS_LABELS
from web.users import authenticate
from web.workflow import (
    STATUSES,
    TRANSITIONS,
    ReviewError,
    add_comment,
    audit,
    change_status,
    changes_since_review,
    needs_rereview,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SESSION_HOURS = 8
LOGIN_WINDOW_SECONDS = 300
LOGIN_MAX_FAILURES = 5
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'self'; base-uri 'none'"
)


class NotLoggedIn(Exception):
    pass


class BriefNotFound(Exception):
    pass


class LoginLimiter:
    """Failed logins per (client address, username) in a sliding window, in this process."""

    def __init__(self, max_failures: int = LOGIN_MAX_FAILURES, window: float = LOGIN_WINDOW_SECONDS):
        self.max_failures, self.window = max_failures, window
        self.failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        times = self.failures[key]
        while times and times[0] < time.monotonic() - self.window:
            times.popleft()
        return times

    def blocked(self, key: tuple[str, str]) -> bool:
        return len(self._recent(key)) >= self.max_failures

    def fail(self, key: tuple[str, str]) -> None:
        self._recent(key).append(time.monotonic())

    def clear(self, key: tuple[str, str]) -> None:
        self.failures.pop(key, None)


def _lang(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in PAGES:
        request.session["lang"] = asked
    return request.session.get("lang", "sl")


def _message(request: Request, error: ReviewError) -> str:
    lang = _lang(request)
    params = {k: STATUS_LABELS[lang].get(v, v) if isinstance(v, str) else v for k, v in error.params.items()}
    return PAGES[lang][f"err_{error.key}"].format(**params)


def _csrf_token(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    return request.session["csrf"]


async def _form(request: Request) -> dict[str, str]:
    """The posted form, after checking its CSRF token against the session's."""
    form = await request.form()
    sent = form.get("csrf_token")
    expected = request.session.get("csrf")
    if not (isinstance(sent, str) and expected and hmac.compare_digest(sent, expected)):
        raise ReviewError("csrf")
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _user(session: Session, request: Request) -> User:
    user_id = request.session.get("user_id")
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        raise NotLoggedIn
    return user


def _brief(session: Session, brief_id: int) -> Brief:
    brief = session.get(Brief, brief_id)
    if brief is None:
        raise BriefNotFound
    return brief


def _brief_domains(session: Session, call: Call) -> list[str]:
    classified = list(session.scalars(select(CallDomain.domain).where(CallDomain.call_id == call.id)))
    return classified or list(call.domains or [])


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
    limiter = LoginLimiter()
    app.state.login_limiter = limiter

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.exception_handler(NotLoggedIn)
    async def to_login(request: Request, _exc: NotLoggedIn) -> Response:
        if request.method == "GET":
            return RedirectResponse(request.url_for("login_form"), status_code=303)
        return HTMLResponse("login required", status_code=401)

    @app.exception_handler(BriefNotFound)
    async def not_found(request: Request, _exc: BriefNotFound) -> Response:
        return page(request, "message.html", 404, user=None, message=PAGES[_lang(request)]["not_found"])

    def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        lang = _lang(request)
        return templates.TemplateResponse(
            request,
            name,
            {
                "t": PAGES[lang],
                "lang": lang,
                "status_labels": STATUS_LABELS[lang],
                "csrf_token": _csrf_token(request),
                **context,
            },
            status_code=status_code,
        )

    @app.get("/login", response_class=HTMLResponse, name="login_form")
    async def login_form(request: Request) -> HTMLResponse:
        return page(request, "login.html", user=None, error=None)

    @app.post("/login", name="login")
    async def login(request: Request) -> Response:
        try:
            form = await _form(request)
        except ReviewError as exc:
            return page(request, "login.html", 403, user=None, error=_message(request, exc))
        username = form.get("username", "").strip().lower()
        key = (request.client.host if request.client else "?", username)
        t = PAGES[_lang(request)]
        if limiter.blocked(key):
            return page(request, "login.html", 429, user=None, error=t["too_many"])
        with session_scope(database_url) as session:
            user = authenticate(session, username, form.get("password", ""))
            if user is None:
                limiter.fail(key)
                audit(session, None, "login_failed", f"user:{username[:80]}")
                error = t["bad_login"]
            else:
                limiter.clear(key)
                audit(session, user, "login", f"user:{user.username}")
                lang = request.session.get("lang", "sl")
                request.session.clear()  # a fresh session (and CSRF token) after login
                request.session.update(user_id=user.id, lang=lang)
                return RedirectResponse(request.url_for("brief_list"), status_code=303)
        return page(request, "login.html", 401, user=None, error=error)

    @app.post("/logout", name="logout")
    async def logout(request: Request) -> Response:
        form_error = None
        try:
            await _form(request)
        except ReviewError as exc:
            form_error = _message(request, exc)
        with session_scope(database_url) as session:
            user = _user(session, request)
            if form_error:
                return HTMLResponse(form_error, status_code=403)
            audit(session, user, "logout", f"user:{user.username}")
        request.session.clear()
        return RedirectResponse(request.url_for("login_form"), status_code=303)

    @app.get("/", response_class=HTMLResponse, name="brief_list")
    async def brief_list(
        request: Request, status: str = "", domain: str = "", deadline_before: str = "", min_score: str = ""
    ) -> HTMLResponse:
        lang = _lang(request)
        before = _date_or_none(deadline_before)
        floor = _float_or_none(min_score)
        today = dt.date.today()
        with session_scope(database_url) as session:
            user = _user(session, request)
            query = select(Brief, Call).join(Call, Call.id == Brief.call_id).order_by(Brief.updated_at.desc())
            if status in STATUSES:
                query = query.where(Brief.status == status)
            if floor is not None:
                query = query.where(Brief.score >= floor)
            rows = []
            for brief, call in session.execute(query):
                domains = _brief_domains(session, call)
                deadline = deadline_to_show(call, today)
                if domain and domain not in domains:
                    continue
                if before and (deadline is None or deadline > before):
                    continue
                rows.append(
                    {
                        "brief": brief,
                        "call": call,
                        "deadline": deadline,
                        "domains": [vocabulary_label(DOMAINS, d, lang) for d in domains],
                        "flagged": needs_rereview(brief, call),
                    }
                )
        return page(
            request,
            "list.html",
            user=user,
            rows=rows,
            statuses=STATUSES,
            domains={code: vocabulary_label(DOMAINS, code, lang) for code in DOMAINS},
            filters={"status": status, "domain": domain, "deadline_before": deadline_before, "min_score": min_score},
        )

    def brief_page(
        request: Request, session: Session, user: User, brief: Brief, error: str | None = None, status_code: int = 200
    ) -> HTMLResponse:
        lang = _lang(request)
        call = session.get(Call, brief.call_id)
        comments = session.execute(
            select(Comment, User)
            .join(User, User.id == Comment.user_id)
            .where(Comment.brief_id == brief.id)
            .order_by(Comment.created_at)
        ).all()
        history = session.execute(
            select(AuditLog, User)
            .outerjoin(User, User.id == AuditLog.user_id)
            .where(AuditLog.target == f"brief:{brief.id}")
            .order_by(AuditLog.at, AuditLog.id)
        ).all()
        flagged = needs_rereview(brief, call)
        return page(
            request,
            "brief.html",
            status_code,
            user=user,
            brief=brief,
            call=call,
            body=markdown_to_html(brief.markdown),
            flagged=flagged,
            changes=changes_since_review(session, brief) if flagged else [],
            show=_show_value,
            field_label=lambda name: FIELDS_BY_NAME[name].label(lang) if name in FIELDS_BY_NAME else name,
            transitions=TRANSITIONS[brief.status],
            comments=comments,
            history=history,
            action_labels=ACTION_LABELS[lang],
            error=error,
        )

    @app.get("/briefs/{brief_id}", response_class=HTMLResponse, name="brief_detail")
    async def brief_detail(request: Request, brief_id: int) -> HTMLResponse:
        with session_scope(database_url) as session:
            user = _user(session, request)
            brief = _brief(session, brief_id)
            return brief_page(request, session, user, brief)

    async def act_on_brief(request: Request, brief_id: int, action: Any) -> Response:
        """Check login and CSRF, apply `action(session, brief, user, form)`, then show the brief."""
        try:
            form: dict[str, str] | None = await _form(request)
            form_error = None
        except ReviewError as exc:
            form, form_error = None, _message(request, exc)
        with session_scope(database_url) as session:
            user = _user(session, request)
            brief = _brief(session, brief_id)
            if form is None:
                return brief_page(request, session, user, brief, error=form_error, status_code=403)
            try:  # the workflow validates before it writes, so a refusal leaves nothing behind
                action(session, brief, user, form)
            except ReviewError as exc:
                return brief_page(request, session, user, brief, error=_message(request, exc), status_code=400)
        return RedirectResponse(request.url_for("brief_detail", brief_id=brief_id), status_code=303)

    @app.post("/briefs/{brief_id}/status", name="brief_status")
    async def brief_status(request: Request, brief_id: int) -> Response:
        return await act_on_brief(
            request,
            brief_id,
            lambda session, brief, user, form: change_status(
                session, brief, user, form.get("to_status", ""), form.get("reason", "")
            ),
        )

    @app.post("/briefs/{brief_id}/comments", name="brief_comment")
    async def brief_comment(request: Request, brief_id: int) -> Response:
        return await act_on_brief(
            request,
            brief_id,
            lambda session, brief, user, form: add_comment(session, brief, user, form.get("body", "")),
        )

    @app.get("/briefs/{brief_id}/brief.docx", name="brief_docx")
    async def brief_docx(request: Request, brief_id: int) -> Response:
        """The brief as a Word document, built from the call as it is now."""
        with session_scope(database_url) as session:
            _user(session, request)  # logged-in users only
            brief = _brief(session, brief_id)
            content = docx_bytes(build_context(session, brief.call_id, brief.lang))
        filename = brief_path(Path("."), brief.call_id, brief.lang, "docx").name
        return Response(
            content, media_type=DOCX_TYPE, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
        )

    @app.get("/audit", response_class=HTMLResponse, name="audit_log")
    async def audit_log(request: Request) -> HTMLResponse:
        with session_scope(database_url) as session:
            user = _user(session, request)
            entries = session.execute(
                select(AuditLog, User)
                .outerjoin(User, User.id == AuditLog.user_id)
                .order_by(AuditLog.at.desc(), AuditLog.id.desc())
                .limit(500)
            ).all()
        return page(request, "audit.html", user=user, history=entries, action_labels=ACTION_LABELS[_lang(request)])

    # The digest e-mail's unsubscribe link. GET only asks (link scanners must not unsubscribe anyone);
    # POST does it. The signed token is the proof, so neither needs a login or a CSRF token, which
    # also lets mail clients use the one-click POST of RFC 8058 (List-Unsubscribe-Post).
    @app.get("/unsubscribe/{token}", response_class=HTMLResponse, name="unsubscribe_form")
    async def unsubscribe_form(request: Request, token: str) -> HTMLResponse:
        return page(request, "unsubscribe.html", user=None, token=token, done=False)

    @app.post("/unsubscribe/{token}", response_class=HTMLResponse, name="unsubscribe")
    async def unsubscribe_firm(request: Request, token: str) -> HTMLResponse:
        try:
            firm_id = unsubscribe(database_url, token)
        except (BadToken, LookupError):
            return page(
                request,
                "unsubscribe.html",
                404,
                user=None,
                token=token,
                done=False,
                error=PAGES[_lang(request)]["unsubscribe_bad"],
            )
        with session_scope(database_url) as session:
            audit(session, None, "unsubscribe", f"firm:{firm_id}")
        return page(request, "unsubscribe.html", user=None, token=token, done=True)

    return app


def _local_time(at: dt.datetime, zone: ZoneInfo) -> str:
    """A stored UTC time (SQLite returns it naive) as local wall-clock time."""
    aware = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return aware.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _show_value(value: Any) -> str:
    if value is None or value == []:
        return "–"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _date_or_none(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _float_or_none(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None
