"""What every area of the review app shares: the store session, the logged-in user, CSRF, language, pages.

The database URL and the templates come from `request.app.state` (set by `web.app.create_app`), so
the same functions serve every app instance, mounted or not.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from fundscout.db import session_scope
from fundscout.db.models import User
from web import sessions
from web.i18n import PAGES, STATUS_LABELS
from web.workflow import ReviewError


class NotLoggedIn(Exception):
    pass


def db_session(request: Request) -> Iterator[Session]:
    """The request's store session: commits when the handler returns, rolls back whole if it raises."""
    with session_scope(request.app.state.database_url) as session:
        yield session


# scope="function": the commit (or rollback) happens before the response goes out, not after.
DbSession = Annotated[Session, Depends(db_session, scope="function")]


def current_user(request: Request, session: DbSession) -> User:
    """The active user of the request's live server-side session; NotLoggedIn (a redirect to the
    login form) otherwise."""
    user = sessions.user_of(session, request.session.get("sid"))
    if user is None:
        raise NotLoggedIn
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def language(request: Request) -> str:
    """The page language: `?lang=` when given (it sticks to the session), else the session's, else Slovenian."""
    asked = request.query_params.get("lang")
    if asked in PAGES:
        request.session["lang"] = asked
    return request.session.get("lang", "sl")


Lang = Annotated[str, Depends(language)]


def message(request: Request, error: ReviewError) -> str:
    """A refusal of the rules as a sentence in the page language."""
    lang = language(request)
    params = {k: STATUS_LABELS[lang].get(v, v) if isinstance(v, str) else v for k, v in error.params.items()}
    return PAGES[lang][f"err_{error.key}"].format(**params)


def csrf_token(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    return request.session["csrf"]


def csrf_refusal(request: Request, sent: Annotated[str, Form(alias="csrf_token")] = "") -> str | None:
    """The message to show when the posted CSRF token is not the session's; None when it is."""
    expected = request.session.get("csrf")
    if expected and hmac.compare_digest(sent, expected):
        return None
    return message(request, ReviewError("csrf"))


CsrfRefusal = Annotated[str | None, Depends(csrf_refusal)]


def client_address(request: Request) -> str:
    """The client's address: the connection's, or what a configured proxy forwarded (web.app)."""
    return request.client.host if request.client else "?"


def path_for(request: Request, name: str, **params: Any) -> str:
    """The path (with the mount prefix) of a route: links and redirects never carry the Host header."""
    return request.url_for(name, **params).path


def redirect_to(request: Request, name: str, **params: Any) -> RedirectResponse:
    return RedirectResponse(path_for(request, name, **params), status_code=303)


def flash(request: Request, text: str) -> None:
    """A message for the next page shown in this session (after a redirect)."""
    request.session["flash"] = text


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The template `name` with the page texts, status labels, CSRF token and flash message of the
    request's session."""
    lang = language(request)
    return request.app.state.templates.TemplateResponse(
        request,
        name,
        {
            "t": PAGES[lang],
            "lang": lang,
            "status_labels": STATUS_LABELS[lang],
            "csrf_token": csrf_token(request),
            "flash": request.session.pop("flash", None),
            **context,
        },
        status_code=status_code,
    )
