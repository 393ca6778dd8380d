"""Logging in and out of the review app, with a limit on failed logins.

Password checks (argon2, slow on purpose) run in a small executor of their own with a bounded
queue, never on the event loop or in the thread pool that serves pages: a flood of logins waits
for that executor (or is turned away) while every other page still answers.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from fundscout.db import session_scope
from fundscout.db.models import User
from web import sessions
from web.deps import CsrfRefusal, CurrentUser, DbSession, Lang, client_address, flash, page, redirect_to
from web.i18n import PAGES
from web.users import account_of, password_matches, rehash_if_needed
from web.workflow import audit

LOGIN_WINDOW_SECONDS = 300
LOGIN_MAX_FAILURES = 5
# Half the cores for password checks, so pages keep a core; logins beyond the queue get a 503.
PASSWORD_WORKERS = max(1, (os.cpu_count() or 2) // 2)
PASSWORD_QUEUE = 100

router = APIRouter()


class LoginLimiter:
    """Failed logins per (client address, username) in a sliding window, in this process.

    Checking and counting an attempt happen together under a lock, and an attempt counts as failed
    until it succeeds: parallel guesses cannot slip past the limit. The client address is the
    connection's, or the one a configured proxy forwards (web.app), never a header anyone can send.
    """

    def __init__(self, max_failures: int = LOGIN_MAX_FAILURES, window: float = LOGIN_WINDOW_SECONDS):
        self.max_failures, self.window = max_failures, window
        self.failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self.lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        times = self.failures[key]
        while times and times[0] < time.monotonic() - self.window:
            times.popleft()
        return times

    def admit(self, key: tuple[str, str]) -> bool:
        """Whether an attempt may go ahead (it is counted as a failure until `clear`)."""
        with self.lock:
            times = self._recent(key)
            if len(times) >= self.max_failures:
                return False
            times.append(time.monotonic())
            return True

    def clear(self, key: tuple[str, str]) -> None:
        with self.lock:
            self.failures.pop(key, None)


class PasswordChecks:
    """A bounded executor for password checks."""

    def __init__(self, workers: int = PASSWORD_WORKERS, queue: int = PASSWORD_QUEUE):
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fundscout-password")
        self.queue, self.waiting, self.lock = queue, 0, threading.Lock()

    async def matches(self, password_hash: str | None, password: str) -> bool | None:
        """Whether the password fits; None when too many checks are already waiting."""
        with self.lock:
            if self.waiting >= self.queue:
                return None
            self.waiting += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self.executor, password_matches, password_hash, password)
        finally:
            with self.lock:
                self.waiting -= 1


@router.get("/login", response_class=HTMLResponse, name="login_form")
def login_form(request: Request) -> HTMLResponse:
    return page(request, "login.html", user=None, error=None)


def _failed(database_url: str, username: str) -> None:
    with session_scope(database_url) as session:
        audit(session, None, "login_failed", f"user:{username}")


def _logged_in(database_url: str, user_id: int, password: str) -> str:
    """Open the server-side session of a good login; returns its token."""
    with session_scope(database_url) as session:
        user = session.get(User, user_id)
        rehash_if_needed(session, user, password)
        audit(session, user, "login", f"user:{user.username}")
        return sessions.start(session, user)


@router.post("/login", name="login")
async def login(
    request: Request,
    lang: Lang,
    refusal: CsrfRefusal,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    if refusal:
        return page(request, "login.html", 403, user=None, error=refusal)
    username = username.strip().lower()[:80]
    key = (client_address(request), username)
    limiter: LoginLimiter = request.app.state.login_limiter
    if not limiter.admit(key):
        return page(request, "login.html", 429, user=None, error=PAGES[lang]["too_many"])
    database_url = request.app.state.database_url
    account = await run_in_threadpool(_account, database_url, username)
    checks: PasswordChecks = request.app.state.password_checks
    good = await checks.matches(account[1] if account else None, password)
    if good is None:
        limiter.clear(key)  # not checked, so not a failure
        response = page(request, "login.html", 503, user=None, error=PAGES[lang]["busy"])
        response.headers["Retry-After"] = "5"
        return response
    if not good or account is None:
        await run_in_threadpool(_failed, database_url, username)
        return page(request, "login.html", 401, user=None, error=PAGES[lang]["bad_login"])
    limiter.clear(key)
    token = await run_in_threadpool(_logged_in, database_url, account[0], password)
    request.session.clear()  # a fresh session (and CSRF token) after login
    request.session.update(sid=token, lang=lang)
    return redirect_to(request, "brief_list")


def _account(database_url: str, username: str) -> tuple[int, str] | None:
    with session_scope(database_url) as session:
        return account_of(session, username)


@router.post("/logout", name="logout")
def logout(request: Request, session: DbSession, user: CurrentUser, refusal: CsrfRefusal) -> Response:
    if refusal:
        return HTMLResponse(refusal, status_code=403)
    audit(session, user, "logout", f"user:{user.username}")
    sessions.end(session, request.session.get("sid"))
    lang = request.session.get("lang", "sl")
    request.session.clear()
    request.session["lang"] = lang
    flash(request, PAGES[lang]["logged_out"])
    return redirect_to(request, "login_form")
