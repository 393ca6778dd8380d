"""Logging in and out of the review app, with a limit on failed logins."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.deps import CsrfRefusal, CurrentUser, DbSession, Lang, page
from web.i18n import PAGES
from web.users import authenticate
from web.workflow import audit

LOGIN_WINDOW_SECONDS = 300
LOGIN_MAX_FAILURES = 5

router = APIRouter()


class LoginLimiter:
    """Failed logins per (client address, username) in a sliding window, in this process.

    Handlers run in a thread pool, so checking and counting an attempt happen together under a lock,
    and an attempt counts as failed until it succeeds: parallel guesses cannot slip past the limit.
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


@router.get("/login", response_class=HTMLResponse, name="login_form")
def login_form(request: Request) -> HTMLResponse:
    return page(request, "login.html", user=None, error=None)


@router.post("/login", name="login")
def login(
    request: Request,
    session: DbSession,
    lang: Lang,
    refusal: CsrfRefusal,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    if refusal:
        return page(request, "login.html", 403, user=None, error=refusal)
    username = username.strip().lower()
    key = (request.client.host if request.client else "?", username)
    limiter: LoginLimiter = request.app.state.login_limiter
    if not limiter.admit(key):
        return page(request, "login.html", 429, user=None, error=PAGES[lang]["too_many"])
    user = authenticate(session, username, password)
    if user is None:
        audit(session, None, "login_failed", f"user:{username[:80]}")
        return page(request, "login.html", 401, user=None, error=PAGES[lang]["bad_login"])
    limiter.clear(key)
    audit(session, user, "login", f"user:{user.username}")
    request.session.clear()  # a fresh session (and CSRF token) after login
    request.session.update(user_id=user.id, lang=lang)
    return RedirectResponse(request.url_for("brief_list"), status_code=303)


@router.post("/logout", name="logout")
def logout(request: Request, session: DbSession, user: CurrentUser, refusal: CsrfRefusal) -> Response:
    if refusal:
        return HTMLResponse(refusal, status_code=403)
    audit(session, user, "logout", f"user:{user.username}")
    request.session.clear()
    return RedirectResponse(request.url_for("login_form"), status_code=303)
